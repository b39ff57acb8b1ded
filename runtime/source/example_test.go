package source_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
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
	for i, f := range src.Schema().Fields {
		if i > 0 {
			fmt.Print(" ")
		}
		fmt.Printf("%s:%s", f.Name, f.Kind)
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

func ExampleOpenSQLite() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sales.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		panic(err)
	}
	_, err = db.Exec(`CREATE TABLE sales (id INTEGER PRIMARY KEY, territory TEXT, amount DECIMAL(10,2));
		CREATE INDEX sales_territory ON sales(territory);
		INSERT INTO sales VALUES (1, 'North', 10.5), (2, 'South', 3), (3, 'North', 0.25)`)
	db.Close()
	if err != nil {
		panic(err)
	}

	src, err := source.OpenSQLite(path, source.SQLiteConfig{Name: "sales.db", Table: "sales", OrderBy: []string{"territory"}})
	if err != nil {
		panic(err)
	}
	defer src.Close()
	fmt.Println(src.QuerySQL(stream.Position{Key: []any{"North", int64(1)}}))
	pos := stream.Position{}
	for {
		chunk, err := src.Fetch(context.Background(), pos, 2)
		if err != nil {
			panic(err)
		}
		for _, r := range chunk.Records {
			fmt.Println(r...)
		}
		if chunk.Done {
			break
		}
		pos = chunk.Next
	}
	// Output:
	// SELECT rowid, +"id", +"territory", +"amount" FROM "sales" WHERE ("territory" COLLATE BINARY, rowid) > (?, ?) ORDER BY "territory" COLLATE BINARY, rowid LIMIT ?
	// 1 North 10.50
	// 3 North 0.25
	// 2 South 3.00
}
