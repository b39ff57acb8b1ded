package docs

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
	"github.com/reportsh/reportsh/stdlib"
)

// The programs of embedding.md are these examples; TestEmbeddingExamples
// checks that they stay the same. Only dataDir differs: embedding.md runs
// from the repository's root.

// dataDir is the directory the scripts' relative paths start from.
const dataDir = "../examples"

// script is a report over the bundled sales data.
const script = `
report "Revenue by territory"
param since: date = 2024-01-01
source csv("data/sales.csv")
where sale_date >= since && amount != nil
group territory {
  footer { territory, orders: COUNT(), revenue: SUM(amount * quantity) }
}
summary { orders: COUNT(), revenue: SUM(amount * quantity) }
`

// Example_embedding compiles a script once and runs it with a parameter,
// rendering CSV to standard output.
func Example_embedding() {
	prog, err := interp.Compile(context.Background(), "revenue.rpt", []byte(script), &interp.Options{Dir: dataDir})
	if err != nil {
		log.Fatal(err) // positioned errors: revenue.rpt:LINE:COL: message
	}
	res, err := prog.Run(context.Background(), &interp.RunConfig{
		Output: os.Stdout,
		Format: "csv",
		Params: map[string]string{"since": "2024-12-01"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("records read:", res.Totals.RecordsRead)
	// Output:
	// band,level,territory,orders,revenue
	// footer,0,Central,19,15039.44
	// footer,0,East,25,25854.70
	// footer,0,North,33,37002.82
	// footer,0,Northeast,9,6026.09
	// footer,0,Pacific,9,1780.74
	// footer,0,South,28,16078.09
	// footer,0,Southwest,28,18467.77
	// footer,0,West,43,16042.88
	// summary,,,194,136292.53
	// records read: 3000
}

// badScript misspells a field and sums a string.
const badScript = `
source csv("data/sales.csv")
where amout > 100
summary { total: SUM(customer) }
`

// topScript keeps the three territories with the most orders.
const topScript = `
source csv("data/sales.csv")
group territory order by orders desc limit 3 {
  footer { territory, orders: COUNT(), amount: SUM(amount) }
}
`

// Example_errorsAndEvents takes compile errors apart and reads a report's
// values from its events instead of rendering it.
func Example_errorsAndEvents() {
	_, err := interp.Compile(context.Background(), "bad.rpt", []byte(badScript), &interp.Options{Dir: dataDir})
	var list grammar.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Printf("line %d, column %d: %s\n", e.Pos.Line, e.Pos.Column, e.Msg)
		}
	}

	prog, err := interp.Compile(context.Background(), "top.rpt", []byte(topScript), &interp.Options{Dir: dataDir})
	if err != nil {
		log.Fatal(err)
	}
	res, err := prog.Run(context.Background(), &interp.RunConfig{Collect: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range res.Events {
		if e.Band.Kind == render.GroupFooter {
			fmt.Println(e.Values[0], e.Values[1], e.Values[2])
		}
	}
	// Output:
	// line 3, column 7: unknown field "amout" (did you mean "amount"?)
	// line 4, column 18: SUM of string is not allowed (SUM takes int, decimal or float)
	// East 492 65694.16
	// South 481 52623.44
	// North 469 58887.89
}

// fiscalYear is a function for scripts: fiscal_year(d) is the fiscal year,
// starting on July 1, of the date d.
var fiscalYear = &stdlib.Func{
	Name:    "fiscal_year",
	Sig:     "fiscal_year(d date) int",
	Doc:     "The fiscal year of d; a fiscal year starts on July 1.",
	MinArgs: 1,
	MaxArgs: 1,
	// Check types a call when the script is compiled: KindAny is an
	// argument known only at run time, KindNil the nil literal.
	Check: func(args []value.Kind) (value.Kind, error) {
		switch args[0] {
		case value.KindDate, value.KindAny, value.KindNil:
			return value.KindInt, nil
		}
		return value.KindAny, fmt.Errorf("fiscal_year: argument 1 is %s, want date", args[0])
	},
	// Call runs it: arguments and results are values of package value.
	Call: func(args ...any) (any, error) {
		d, ok := args[0].(value.Date)
		if !ok {
			return nil, nil // nil in, nil out
		}
		t := d.Time()
		year := t.Year()
		if t.Month() >= time.July {
			year++
		}
		return int64(year), nil
	},
}

// fiscalScript groups the sales by fiscal year.
const fiscalScript = `
source csv("data/sales.csv")
group fiscal_year(sale_date) as fiscal_year {
  footer { fiscal_year, orders: COUNT(), revenue: SUM(amount * quantity) }
}
`

// Example_customFunction gives scripts a function of the host program.
func Example_customFunction() {
	opts := &interp.Options{Dir: dataDir, Functions: map[string]any{"fiscal_year": fiscalYear}}
	prog, err := interp.Compile(context.Background(), "fiscal.rpt", []byte(fiscalScript), opts)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := prog.Run(context.Background(), &interp.RunConfig{Output: os.Stdout, Format: "csv"}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// band,level,fiscal_year,orders,revenue
	// footer,0,2023,564,424265.03
	// footer,0,2024,1487,1091553.48
	// footer,0,2025,949,720878.10
}
