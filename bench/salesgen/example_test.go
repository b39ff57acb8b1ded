package salesgen_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/reportsh/reportsh/bench/salesgen"
)

func ExampleRows() {
	// Sum the revenue of a data set without writing or parsing a file.
	var cents int64
	for s := range salesgen.Rows(salesgen.Config{Rows: 1000, Seed: 1}) {
		if s.HasAmount {
			cents += s.AmountCents * s.Quantity
		}
	}
	fmt.Println(salesgen.FormatCents(cents))
	// Output: 743697.98
}

func ExampleCustomers() {
	for c := range salesgen.Customers(salesgen.Config{Seed: 1}) {
		if c.ID > 3 {
			break
		}
		fmt.Println(c.ID, c.Name, c.Segment, c.Territory)
	}
	// Output:
	// 1 Acme Analytics Inc SMB Southwest
	// 2 Northwind Foods LLC SMB South
	// 3 Evergreen Media Ltd SMB East
}

func ExampleWriteCSV() {
	if err := salesgen.WriteCSV(os.Stdout, salesgen.Config{Rows: 3, Seed: 1}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// id,territory,customer_id,customer,product,amount,quantity,sale_date
	// 1,East,25,Sterling Supply Inc,Webcam HD,69.69,2,2023-06-12
	// 2,Southwest,1,Acme Analytics Inc,Laptop Stand,45.06,14,2024-02-20
	// 3,East,15,Maria Q. O'Brien,Noise-Cancelling Headset,199.60,9,2024-10-07
}

func ExampleWriteJSONL() {
	if err := salesgen.WriteJSONL(os.Stdout, salesgen.Config{Rows: 2, Seed: 1}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// {"id":1,"territory":"East","customer_id":25,"customer":"Sterling Supply Inc","product":"Webcam HD","amount":69.69,"quantity":2,"sale_date":"2023-08-24"}
	// {"id":2,"territory":"Southwest","customer_id":1,"customer":"Acme Analytics Inc","product":"Laptop Stand","amount":45.06,"quantity":14,"sale_date":"2024-08-14"}
}

func ExampleWriteCustomersCSV() {
	var buf bytes.Buffer
	if err := salesgen.WriteCustomersCSV(&buf, salesgen.Config{Seed: 1}); err != nil {
		log.Fatal(err)
	}
	lines := strings.SplitAfter(buf.String(), "\n")
	fmt.Print(strings.Join(lines[:5], ""))
	fmt.Println(len(lines)-2, "customers")
	// Output:
	// id,name,segment,country,since
	// 1,Acme Analytics Inc,SMB,United States,2021-02-06
	// 2,Northwind Foods LLC,SMB,United States,2016-03-28
	// 3,Evergreen Media Ltd,SMB,United States,2012-12-31
	// 4,Ana W. Andersen,Consumer,United States,2022-04-13
	// 50 customers
}

func ExampleWriteSQLite() {
	dir, err := os.MkdirTemp("", "salesgen")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sales.db")
	if err := salesgen.WriteSQLite(path, salesgen.Config{Rows: 500, Seed: 1}); err != nil {
		log.Fatal(err)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	var sales, customers int
	var amount string
	err = db.QueryRow(`SELECT (SELECT COUNT(*) FROM sales), (SELECT COUNT(*) FROM customers),
		(SELECT amount FROM sales WHERE id = 1)`).Scan(&sales, &customers, &amount)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sales, customers, amount)
	// Output: 500 50 69.69
}
