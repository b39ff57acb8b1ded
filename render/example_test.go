package render_test

import (
	"fmt"
	"os"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
)

func Example() {
	terr := &render.Band{ID: 1, Kind: render.GroupHeader, Level: 0, Group: "territory",
		KeyNames: []string{"territory"}, Template: true}
	cust := &render.Band{ID: 2, Kind: render.GroupFooter, Level: 1, Group: "customer",
		KeyNames: []string{"territory", "customer"}, Columns: []render.Column{
			{Name: "customer", Kind: value.KindString},
			{Name: "orders", Kind: value.KindInt},
			{Name: "revenue", Kind: value.KindDecimal, Format: "#,##0.00"},
		}}
	sum := &render.Band{ID: 3, Kind: render.Summary, Level: -1, Columns: []render.Column{
		{Name: "orders", Kind: value.KindInt},
		{Name: "revenue", Kind: value.KindDecimal, Format: "#,##0.00"},
	}}
	r, err := render.New("text", os.Stdout, render.Options{})
	if err != nil {
		panic(err)
	}
	_ = r.Begin(&render.Meta{
		Title:  "Sales by territory",
		Params: []render.Param{{Name: "since", Value: value.NewDate(2024, 1, 1)}},
		Bands:  []*render.Band{terr, cust, sum},
	})
	_ = r.Emit(&render.Event{Band: terr, Keys: []any{"North"}, Text: "Territory North"})
	_ = r.Emit(&render.Event{Band: cust, Keys: []any{"North", "Acme"}, Values: []any{"Acme", int64(3), value.MustDecimal("1200.5")}})
	_ = r.Emit(&render.Event{Band: cust, Keys: []any{"North", "Globex"}, Values: []any{"Globex", int64(12), value.MustDecimal("80")}})
	_ = r.Emit(&render.Event{Band: sum, Values: []any{int64(15), value.MustDecimal("1280.5")}})
	_ = r.End(&render.Totals{RecordsRead: 15})
	// Output:
	// Sales by territory
	// ==================
	// since: 2024-01-01
	//
	// territory / customer  orders   revenue
	// Territory North
	//   Acme                     3  1,200.50
	//   Globex                  12     80.00
	//
	// Total                     15  1,280.50
	//
	// records read: 15, skipped: 0, rejected: 0
}

func ExampleParseFormat() {
	money, _ := render.ParseFormat("$#,##0.00")
	share, _ := render.ParseFormat("0.0%")
	month, _ := render.ParseFormat("%b %Y")
	fmt.Println(money.Format(value.MustDecimal("-1234.565")))
	fmt.Println(share.Format(value.MustDecimal("0.1234")))
	fmt.Println(month.Format(value.NewDate(2024, 3, 5)))
	_, err := render.ParseFormat("#,##0.0#0")
	fmt.Println(err)
	// Output:
	// -$1,234.57
	// 12.3%
	// Mar 2024
	// format "#,##0.0#0": '0' after '#' in the fraction (at byte 8)
}

func ExampleNew() {
	det := &render.Band{ID: 1, Kind: render.Detail, Level: -1, Columns: []render.Column{
		{Name: "item", Kind: value.KindString},
		{Name: "price", Kind: value.KindDecimal},
	}}
	r, _ := render.New("csv", os.Stdout, render.Options{})
	_ = r.Begin(&render.Meta{Bands: []*render.Band{det}})
	_ = r.Emit(&render.Event{Band: det, Values: []any{"tea, green", value.MustDecimal("3.125")}})
	_ = r.End(nil)
	// Output:
	// band,level,item,price
	// detail,,"tea, green",3.125
}

func ExampleFormats() {
	fmt.Println(render.Formats())
	// Output: [text csv json jsonl markdown html pdf xlsx]
}
