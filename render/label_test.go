package render

import (
	"bytes"
	"strings"
	"testing"
)

// newLabelFixture is the fixture with labels on a detail column, a footer
// column, a summary column and a footer column named like a group key.
func newLabelFixture() *fixture {
	f := newFixture()
	f.det.Columns[2].Label = "Amount (€)"
	f.cf.Columns[2].Label = "Customer revenue"
	f.tf.Columns[0].Label = "Sales territory"
	f.sum.Columns[1].Label = "Total revenue"
	return f
}

var fixtureLabels = []string{"Amount (€)", "Customer revenue", "Sales territory", "Total revenue"}

// A label heads its column in the human formats; the data formats keep the
// column's name as the key and never show the label.
func TestLabels(t *testing.T) {
	for _, format := range []string{"text", "markdown", "html"} {
		var out bytes.Buffer
		if err := newLabelFixture().run(format, &out, Options{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		// One grouped table: the summary's revenue stands in the column
		// the customer footer's label heads (the first label a column
		// gets heads it).
		labels := fixtureLabels[:3]
		for _, l := range labels {
			if !strings.Contains(out.String(), l) {
				t.Errorf("%s: no heading %q in\n%s", format, l, out.String())
			}
		}
	}
	for _, format := range []string{"csv", "json", "jsonl"} {
		var out bytes.Buffer
		if err := newLabelFixture().run(format, &out, Options{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		for _, l := range fixtureLabels {
			if strings.Contains(out.String(), l) {
				t.Errorf("%s: label %q shown in\n%s", format, l, out.String())
			}
		}
		for _, name := range []string{`amount`, `revenue`, `territory`} {
			if !strings.Contains(out.String(), name) {
				t.Errorf("%s: no key %q in\n%s", format, name, out.String())
			}
		}
	}
}

// In text a label sets the column's width and is aligned like the values
// (right over a number); the key column is headed by the keys' labels.
func TestTextLabelHeading(t *testing.T) {
	var out bytes.Buffer
	f := newLabelFixture()
	if err := f.run("text", &out, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Sales territory / customer  sale_date   Amount (€)  quantity  note",
		"\n  Acme, Inc.                2024-01-03     1234.50         2  rush",
		"  orders  Customer revenue     avg",
		"\n  Acme, Inc.  " + strings.Repeat(" ", 89) + "2          2,479.12\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, out.String())
		}
	}
}

// A label is text, escaped like any heading: never markup in HTML, never a
// cell break in Markdown.
func TestLabelEscaped(t *testing.T) {
	want := map[string]string{"html": "Note &lt;b&gt; | &amp;", "markdown": `Note \<b\> \| &`, "text": "Note <b> | &"}
	for format, w := range want {
		f := newFixture()
		f.det.Columns[4].Label = "Note <b> | &"
		var out bytes.Buffer
		if err := f.run(format, &out, Options{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), w) {
			t.Errorf("%s: no %q in\n%s", format, w, out.String())
		}
	}
}
