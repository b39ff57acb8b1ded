package interp_test

import (
	"context"
	"fmt"
	"iter"
	"os"
	"testing/fstest"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
)

var exampleFS = fstest.MapFS{
	"sales.csv": {Data: []byte(`territory,customer,amount,quantity
North,Acme,10.50,2
North,Globex,4.25,4
South,Initech,99.99,1
South,Acme,,3
`)},
}

const exampleScript = `
report "Sales"
param min: decimal = 0
source csv("sales.csv")
where amount >= min
group territory {
  footer { territory, orders: COUNT(), revenue: SUM(amount * quantity) }
}
summary { orders: COUNT(), revenue: SUM(amount * quantity) }
`

// Compile checks a script once; the Program then runs any number of times.
func ExampleCompile() {
	_, err := interp.Compile(context.Background(), "bad.rpt", []byte(`source csv("sales.csv")
group territry {
}`), &interp.Options{FS: exampleFS})
	fmt.Println(err)
	// Output:
	// bad.rpt:2:7: unknown field "territry" (did you mean "territory"?)
}

// Program.Run renders a report to a writer in any format.
func ExampleProgram_Run() {
	prog, err := interp.Compile(context.Background(), "sales.rpt", []byte(exampleScript), &interp.Options{FS: exampleFS})
	if err != nil {
		panic(err)
	}
	_, err = prog.Run(context.Background(), &interp.RunConfig{
		Output: os.Stdout,
		Format: "csv",
		Params: map[string]string{"min": "5"},
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// band,level,territory,orders,revenue
	// footer,0,North,1,21.00
	// footer,0,South,1,99.99
	// summary,,,2,120.99
}

// A run can be collected into a structured Result instead of rendered.
func ExampleResult() {
	prog, err := interp.Compile(context.Background(), "sales.rpt", []byte(exampleScript), &interp.Options{FS: exampleFS})
	if err != nil {
		panic(err)
	}
	res, err := prog.Run(context.Background(), &interp.RunConfig{Collect: true})
	if err != nil {
		panic(err)
	}
	for _, e := range res.Events {
		if e.Band.Kind == render.GroupFooter {
			fmt.Println(e.Keys[0], e.Values[1], e.Values[2])
		}
	}
	fmt.Println("records read:", res.Totals.RecordsRead)
	// Output:
	// North 2 38.00
	// South 1 99.99
	// records read: 4
}

// Typed Go functions are checked at compile time and called per record.
func ExampleOptions_functions() {
	opts := &interp.Options{FS: exampleFS, Functions: map[string]any{
		"initials": func(s string) string { return s[:1] },
		"vat":      func(d value.Decimal) value.Decimal { return d.Mul(value.MustDecimal("0.2")).Round(2) },
	}}
	prog, err := interp.Compile(context.Background(), "f.rpt", []byte(`source csv("sales.csv")
detail { who: initials(customer), vat: vat(amount) }`), opts)
	if err != nil {
		panic(err)
	}
	if _, err := prog.Run(context.Background(), &interp.RunConfig{Output: os.Stdout, Format: "csv"}); err != nil {
		panic(err)
	}
	_, err = interp.Compile(context.Background(), "bad.rpt", []byte(`source csv("sales.csv")
detail { v: vat(customer) }`), opts)
	fmt.Println(err)
	// Output:
	// band,level,who,vat
	// detail,,A,2.10
	// detail,,G,0.85
	// detail,,I,20.00
	// detail,,A,
	// bad.rpt:2:13: vat: argument 1 is string, want decimal
}

// A source implemented in Go feeds a report like any file.
func ExampleSourceFunc() {
	schema := &value.Schema{Fields: []value.Field{{Name: "city", Kind: value.KindString}, {Name: "temp", Kind: value.KindInt}}}
	readings := interp.SourceFunc(schema, func(ctx context.Context, params map[string]any) iter.Seq2[value.Record, error] {
		return func(yield func(value.Record, error) bool) {
			for i, city := range []string{"Oslo", "Rome", "Oslo", "Rome"} {
				if !yield(value.Record{city, 10 + i*5}, nil) {
					return
				}
			}
		}
	})
	prog, err := interp.Compile(context.Background(), "g.rpt", []byte(`source go("readings")
group city { footer { city, n: COUNT(), avg: AVG(temp) } }`), &interp.Options{Sources: map[string]interp.Source{"readings": readings}})
	if err != nil {
		panic(err)
	}
	if _, err := prog.Run(context.Background(), &interp.RunConfig{Output: os.Stdout, Format: "csv", ChunkSize: 3}); err != nil {
		panic(err)
	}
	// Output:
	// band,level,city,n,avg
	// footer,0,Oslo,2,15
	// footer,0,Rome,2,20
}
