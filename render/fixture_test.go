package render

import (
	"github.com/reportsh/reportsh/runtime/value"
)

// fixture is a fixed report: title, params, a report header line, two
// group levels (a template header on the outer one, footers on both),
// details, a summary and a report footer line. Its values include nil,
// decimals with many places, dates, floats, and a string with '|', '<',
// ',', '"' and a newline.
type fixture struct {
	meta                         *Meta
	rh, th, det, cf, tf, sum, rf *Band
	events                       []*Event
	totals                       *Totals
}

// tenth is a variable so that tenth+0.2 is float arithmetic (0.30000000000000004).
var tenth = 0.1

func dec(s string) value.Decimal { return value.MustDecimal(s) }

func date(s string) value.Date {
	d, err := value.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func newFixture() *fixture {
	f := &fixture{}
	terr := []string{"territory"}
	both := []string{"territory", "customer"}
	f.rh = &Band{ID: 1, Kind: ReportHeader, Level: -1, Template: true}
	f.th = &Band{ID: 2, Kind: GroupHeader, Level: 0, Group: "territory", KeyNames: terr, Template: true}
	f.det = &Band{ID: 3, Kind: Detail, Level: 1, Group: "customer", KeyNames: both, Columns: []Column{
		{Name: "sale_date", Kind: value.KindDate},
		{Name: "customer", Kind: value.KindString},
		{Name: "amount", Kind: value.KindDecimal},
		{Name: "quantity", Kind: value.KindInt},
		{Name: "note", Kind: value.KindAny},
	}}
	f.cf = &Band{ID: 4, Kind: GroupFooter, Level: 1, Group: "customer", KeyNames: both, Columns: []Column{
		{Name: "customer", Kind: value.KindString},
		{Name: "orders", Kind: value.KindInt},
		{Name: "revenue", Kind: value.KindDecimal, Format: "#,##0.00"},
	}}
	f.tf = &Band{ID: 5, Kind: GroupFooter, Level: 0, Group: "territory", KeyNames: terr, Columns: []Column{
		{Name: "territory", Kind: value.KindString},
		{Name: "orders", Kind: value.KindInt},
		{Name: "revenue", Kind: value.KindDecimal, Format: "#,##0.00"},
		{Name: "avg", Kind: value.KindDecimal},
		{Name: "share", Kind: value.KindDecimal, Format: "0.0%"},
		{Name: "first", Kind: value.KindDate, Format: "%b %-d, %Y"},
	}}
	f.sum = &Band{ID: 6, Kind: Summary, Level: -1, Columns: []Column{
		{Name: "orders", Kind: value.KindInt},
		{Name: "revenue", Kind: value.KindDecimal, Format: "$#,##0.00"},
		{Name: "avg_amount", Kind: value.KindAny},
		{Name: "ratio", Kind: value.KindFloat},
	}}
	f.rf = &Band{ID: 7, Kind: ReportFooter, Level: -1, Template: true}
	f.meta = &Meta{
		Title: "Sales by territory",
		Params: []Param{
			{Name: "since", Value: date("2024-01-01")},
			{Name: "min_amount", Value: dec("0")},
			{Name: "region", Value: "North|South"},
		},
		Bands:  []*Band{f.rh, f.th, f.det, f.cf, f.tf, f.sum, f.rf},
		Source: "examples/sales_by_territory.rpt",
	}
	tricky := "rush | <b>\"urgent\"</b>, call\nback"
	f.events = []*Event{
		{Band: f.rh, Text: "Prepared for <ACME> & Co"},
		{Band: f.th, Keys: []any{"North"}, Text: "Territory North"},
		{Band: f.det, Keys: []any{"North", "Acme, Inc."}, Values: []any{date("2024-01-03"), "Acme, Inc.", dec("1234.5"), int64(2), tricky}},
		{Band: f.det, Keys: []any{"North", "Acme, Inc."}, Values: []any{date("2024-01-05"), "Acme, Inc.", dec("10.12345678901234567890"), int64(1), nil}},
		{Band: f.cf, Keys: []any{"North", "Acme, Inc."}, Values: []any{"Acme, Inc.", int64(2), dec("2479.12345678901234567890")}},
		{Band: f.det, Keys: []any{"North", "Globex"}, Values: []any{date("2024-02-29"), "Globex", dec("99.995"), int64(3), int64(7)}},
		{Band: f.cf, Keys: []any{"North", "Globex"}, Values: []any{"Globex", int64(1), dec("299.985")}},
		{Band: f.tf, Keys: []any{"North"}, Values: []any{"North", int64(3), dec("2779.10845678901234567890"), dec("448.206818"), dec("0.90264"), date("2024-01-03")}},
		// South has no header event.
		{Band: f.det, Keys: []any{"South", "Initech"}, Values: []any{nil, "Initech", nil, nil, ""}},
		{Band: f.cf, Keys: []any{"South", "Initech"}, Values: []any{"Initech", int64(1), nil}},
		{Band: f.tf, Keys: []any{"South"}, Values: []any{"South", int64(1), dec("-0.004"), nil, dec("0.09736"), nil}},
		{Band: f.sum, Values: []any{int64(4), dec("1234567.891"), dec("769.7771114"), tenth + 0.2}},
		{Band: f.rf, Text: "End of report"},
	}
	f.totals = &Totals{
		RecordsRead: 7, Skipped: 1, Rejected: 2,
		RejectedByLevel: []LevelCount{{Level: 1, Group: "customer", Count: 2}},
		Warnings:        []string{`max_groups 2 reached at level "customer": 2 records rejected`},
	}
	return f
}

// run renders the fixture's events in format with opts.
func (f *fixture) run(format string, w interface{ Write([]byte) (int, error) }, opts Options) error {
	r, err := New(format, w, opts)
	if err != nil {
		return err
	}
	if err := r.Begin(f.meta); err != nil {
		return err
	}
	for _, e := range f.events {
		if err := r.Emit(e); err != nil {
			return err
		}
	}
	return r.End(f.totals)
}

// newFlatFixture is a report without groups, title or params: details and
// a summary, and no totals (End(nil)).
func newFlatFixture() *fixture {
	f := &fixture{}
	f.det = &Band{ID: 1, Kind: Detail, Level: -1, Columns: []Column{
		{Name: "id", Kind: value.KindInt},
		{Name: "name", Kind: value.KindString},
		{Name: "price", Kind: value.KindDecimal, Format: "0.000"},
		{Name: "seen", Kind: value.KindTime},
		{Name: "ok", Kind: value.KindBool},
	}}
	f.sum = &Band{ID: 2, Kind: Summary, Level: -1, Columns: []Column{
		{Name: "n", Kind: value.KindInt},
		{Name: "total", Kind: value.KindDecimal},
	}}
	f.meta = &Meta{Bands: []*Band{f.det, f.sum}}
	ts := func(s string) any { v, _ := value.ParseTime(s); return v }
	f.events = []*Event{
		{Band: f.det, Values: []any{int64(1), "alpha", dec("1.5"), ts("2024-03-05T10:00:00Z"), true}},
		{Band: f.det, Values: []any{int64(22), "béta|ü", dec("-0.0005"), nil, false}},
		{Band: f.det, Values: []any{int64(333), "", nil, ts("2024-03-06T23:59:59Z"), nil}},
		{Band: f.sum, Values: []any{int64(3), dec("1.4995")}},
	}
	return f
}

// newFootersFixture is a two-level report with no detail band: a header
// with columns on the outer level and footers on both, so the inner
// footers of one territory print as one table in text.
func newFootersFixture() *fixture {
	f := &fixture{}
	terr := []string{"territory"}
	both := []string{"territory", "customer"}
	f.th = &Band{ID: 1, Kind: GroupHeader, Level: 0, Group: "territory", KeyNames: terr, Columns: []Column{
		{Name: "territory", Kind: value.KindString},
	}}
	f.cf = &Band{ID: 2, Kind: GroupFooter, Level: 1, Group: "customer", KeyNames: both, Columns: []Column{
		{Name: "customer", Kind: value.KindString},
		{Name: "orders", Kind: value.KindInt},
		{Name: "revenue", Kind: value.KindDecimal, Format: "#,##0.00"},
		{Name: "best", Kind: value.KindAny},
	}}
	f.tf = &Band{ID: 3, Kind: GroupFooter, Level: 0, Group: "territory", KeyNames: terr, Columns: []Column{
		{Name: "territory", Kind: value.KindString},
		{Name: "orders", Kind: value.KindInt},
		{Name: "revenue", Kind: value.KindDecimal, Format: "#,##0.00"},
	}}
	f.sum = &Band{ID: 4, Kind: Summary, Level: -1, Columns: []Column{
		{Name: "orders", Kind: value.KindInt},
		{Name: "revenue", Kind: value.KindDecimal, Format: "#,##0.00"},
	}}
	f.meta = &Meta{Title: "Customers by territory", Bands: []*Band{f.th, f.cf, f.tf, f.sum}}
	f.events = []*Event{
		{Band: f.th, Keys: []any{"East"}, Values: []any{"East"}},
		{Band: f.cf, Keys: []any{"East", "Acme"}, Values: []any{"Acme", int64(12), dec("10512.5"), dec("99.5")}},
		{Band: f.cf, Keys: []any{"East", "Globex Corporation"}, Values: []any{"Globex Corporation", int64(3), dec("812"), nil}},
		{Band: f.cf, Keys: []any{"East", "Initech"}, Values: []any{"Initech", int64(140), dec("1234567.891"), dec("7")}},
		{Band: f.tf, Keys: []any{"East"}, Values: []any{"East", int64(155), dec("1245892.391")}},
		{Band: f.th, Keys: []any{"West"}, Values: []any{"West"}},
		{Band: f.cf, Keys: []any{"West", "Umbrella"}, Values: []any{"Umbrella", int64(1), dec("5"), "n/a"}},
		{Band: f.tf, Keys: []any{"West"}, Values: []any{"West", int64(1), dec("5")}},
		{Band: f.sum, Values: []any{int64(156), dec("1245897.391")}},
	}
	f.totals = &Totals{RecordsRead: 156}
	return f
}
