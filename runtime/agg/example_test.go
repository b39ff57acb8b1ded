package agg_test

import (
	"fmt"

	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

func ExampleNew() {
	sum := agg.New(agg.Sum, 0)
	for _, v := range []any{value.MustDecimal("19.99"), nil, value.MustDecimal("0.01"), int64(5)} {
		if err := sum.Add(v); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println(sum.Result())
	fmt.Println(sum.Add("five"))
	// Output:
	// 25.00
	// SUM of string value "five" is not allowed (SUM takes int, decimal or float)
}

func ExampleResultKind() {
	k, _ := agg.ResultKind(agg.Avg, value.KindInt)
	fmt.Println(k)
	_, err := agg.ResultKind(agg.Sum, value.KindString)
	fmt.Println(err)
	// Output:
	// decimal
	// SUM of string is not allowed (SUM takes int, decimal or float)
}

func ExampleEngine() {
	// Sales sorted by territory and customer: amount, quantity.
	records := []struct {
		keys []any
		args []any
	}{
		{[]any{"East", "Acme"}, []any{value.MustDecimal("120.50"), int64(3)}},
		{[]any{"East", "Acme"}, []any{value.MustDecimal("80.00"), int64(1)}},
		{[]any{"East", "Bolt"}, []any{value.MustDecimal("15.25"), nil}},
		{[]any{"West", "Echo"}, []any{value.MustDecimal("42.42"), int64(9)}},
	}
	e := agg.NewEngine(agg.Config{
		Sorted: true, // stream: each group is emitted as soon as its key changes
		Levels: []agg.Level{
			{Name: "territory", Specs: []agg.Spec{{Func: agg.Sum, Arg: 0}, {Func: agg.Avg, Arg: 1}}},
			{Name: "customer", Specs: []agg.Spec{{Func: agg.Count, Arg: -1}, {Func: agg.PercentOfTotal, Arg: 0}}},
		},
		Global: []agg.Spec{{Func: agg.Sum, Arg: 0}, {Func: agg.Max, Arg: 1}},
		OnClose: func(g *agg.Group) error {
			fmt.Println(g.Level, g.Keys, g.Results)
			return nil
		},
	})
	for _, r := range records {
		if err := e.Add(r.keys, r.args); err != nil {
			fmt.Println(err)
		}
	}
	if err := e.Finish(); err != nil {
		fmt.Println(err)
	}
	fmt.Println("report:", e.Global())
	// Output:
	// 1 [East Acme] [2 92.93163384]
	// 1 [East Bolt] [1 7.06836616]
	// 0 [East] [215.75 2]
	// 1 [West Echo] [1 100]
	// 0 [West] [42.42 9]
	// report: [258.17 9]
}

// Two workers aggregate the records that Partition gives them; their
// engines merge into exactly the result of one engine.
func ExamplePartition() {
	cfg := agg.Config{
		Levels: []agg.Level{{Name: "customer", Specs: []agg.Spec{{Func: agg.Sum, Arg: 0}}}},
		Global: []agg.Spec{{Func: agg.Count, Arg: -1}, {Func: agg.First, Arg: 0}},
		OnClose: func(g *agg.Group) error {
			fmt.Println(g.Keys[0], g.Results[0])
			return nil
		},
	}
	workers := []*agg.Engine{agg.NewEngine(cfg), agg.NewEngine(cfg)}
	for i, c := range []string{"b", "a", "c", "a", "b", "d"} {
		keys := []any{c}
		w := workers[agg.Partition(keys, len(workers))]
		if err := w.AddSeq(int64(i), keys, []any{int64(i + 1)}); err != nil {
			fmt.Println(err)
		}
	}
	if err := workers[0].Merge(workers[1]); err != nil {
		fmt.Println(err)
	}
	if err := workers[0].Finish(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(workers[0].Global())
	// Output:
	// a 6
	// b 6
	// c 3
	// d 6
	// [6 1]
}
