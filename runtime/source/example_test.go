package source_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

func ExampleOpenCSV() {
	fsys := fstest.MapFS{"sales.csv": {Data: []byte(
		"id,customer,amount,sale_date\n" +
			"1,\"Smith, Ann\",12.50,2024-03-01\n" +
			"2,Bob,abc,2024-03-02\n" +
			"3,Cy,7,\n")}}
	src, err := source.OpenCSV(fsys, "sales.csv", source.CSVConfig{Config: source.Config{
		Types:      map[string]value.Kind{"amount": value.KindDecimal},
		SkipErrors: true,
		OnSkip:     func(e *source.DataError) { fmt.Println("skipped:", e) },
	}})
	if err != nil {
		panic(err)
	}
	defer src.Close()
	for _, f := range src.Schema().Fields {
		fmt.Printf("%s:%s ", f.Name, f.Kind)
	}
	fmt.Println()
	chunk, err := src.Fetch(context.Background(), stream.Position{}, 10)
	if err != nil {
		panic(err)
	}
	for _, r := range chunk.Records {
		fmt.Println(r...)
	}
	fmt.Println("done:", chunk.Done, "skipped:", src.Skipped())
	// Output:
	// id:int customer:string amount:decimal sale_date:date
	// skipped: sales.csv:3: column "amount": invalid decimal "abc"
	// 1 Smith, Ann 12.50 2024-03-01
	// 3 Cy 7 <nil>
	// done: true skipped: 1
}

func ExampleOpenJSONL() {
	fsys := fstest.MapFS{"sales.jsonl": {Data: []byte(
		`{"id": 1, "amount": 0.10, "customer": {"name": "Ann"}}` + "\n" +
			`{"id": 2, "amount": 0.20}` + "\n")}}
	src, err := source.OpenJSONL(fsys, "sales.jsonl", source.JSONLConfig{})
	if err != nil {
		panic(err)
	}
	defer src.Close()
	chunk, err := src.Fetch(context.Background(), stream.Position{}, 10)
	if err != nil {
		panic(err)
	}
	total := value.Decimal{}
	for _, r := range chunk.Records {
		total = total.Add(r[1].(value.Decimal))
	}
	fmt.Println(src.Schema().Names(), "total:", total)
	// Output:
	// [id amount customer] total: 0.30
}

func ExampleNewMapLookup() {
	fsys := fstest.MapFS{"customers.csv": {Data: []byte("id,name\n7,Ann\n8,Bob\n")}}
	customers, err := source.OpenCSV(fsys, "customers.csv", source.CSVConfig{})
	if err != nil {
		panic(err)
	}
	lookup, err := source.NewMapLookup(customers, source.MapLookupConfig{
		On:   "id",
		Key:  func(r value.Record) any { return r[0] }, // the sale's customer_id
		Slot: 1,
	})
	if err != nil {
		panic(err)
	}
	defer lookup.Close()
	sales := []value.Record{{int64(8)}, {int64(9)}}
	if err := lookup.Load(context.Background(), sales); err != nil {
		panic(err)
	}
	fmt.Println(sales[0][1].(map[string]any)["name"], sales[1][1])
	// Output:
	// Bob <nil>
}
