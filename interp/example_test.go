package interp_test

import (
	"context"
	"fmt"
	"os"
	"testing/fstest"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
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
	_, err := interp.Compile("bad.rpt", []byte(`source csv("sales.csv")
group territry {
}`), &interp.Options{FS: exampleFS})
	fmt.Println(err)
	// Output:
	// bad.rpt:2:7: unknown field "territry" (did you mean "territory"?)
}

// Program.Run renders a report to a writer in any format.
func ExampleProgram_Run() {
	prog, err := interp.Compile("sales.rpt", []byte(exampleScript), &interp.Options{FS: exampleFS})
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
	prog, err := interp.Compile("sales.rpt", []byte(exampleScript), &interp.Options{FS: exampleFS})
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
