package stream_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reportsh/reportsh/runtime/stream"
)

type sale struct {
	ID     int
	Amount int
	Region string
}

// A report-like pipeline: a filtering, failing-tolerant stage feeding a
// running total, and a sink that renders rows.
func ExampleRun() {
	var sales []sale
	for i := range 10 {
		sales = append(sales, sale{ID: i, Amount: 10 * i, Region: []string{"north", "south"}[i%2]})
	}
	total := 0
	var rows []string
	snap, err := stream.Run(context.Background(), stream.Pipeline[sale]{
		Source: stream.NewSliceSource(sales),
		Stages: []stream.Stage[sale]{{
			Name: "north only",
			Transform: func(s sale) (sale, bool, error) {
				if s.ID == 4 {
					return s, false, errors.New("bad amount")
				}
				return s, s.Region == "north", nil
			},
			SkipErrors: true,
			Aggregate: func(batch []sale) error {
				for _, s := range batch {
					total += s.Amount
				}
				return nil
			},
		}},
		Sink: func(_ context.Context, batch []sale) error {
			for _, s := range batch {
				rows = append(rows, fmt.Sprint(s.ID))
			}
			return nil
		},
		Options: stream.Options{Name: "north sales", ChunkSize: 3},
	})
	fmt.Println(snap.Status, err)
	fmt.Println("rows:", strings.Join(rows, " "), "total:", total)
	fmt.Printf("in %d, out %d, failed %d, chunks %d\n",
		snap.Counters.RecordsIn, snap.Counters.RecordsOut, snap.Counters.Failed, snap.Counters.Chunks)
	// Output:
	// completed <nil>
	// rows: 0 2 6 8 total: 160
	// in 10, out 4, failed 1, chunks 4
}

// Start runs a pipeline in the background; the handle pauses, resumes and
// cancels it, and a shared registry lists it.
func ExampleStart() {
	reg := stream.NewRegistry(stream.RegistryOptions{})
	release := make(chan struct{})
	h, err := stream.Start(context.Background(), stream.Pipeline[int]{
		Source: stream.NewSliceSource(make([]int, 100)),
		Sink: func(ctx context.Context, batch []int) error {
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
		Options: stream.Options{Registry: reg, Name: "blocked"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(reg.List(stream.StatusRunning)), "running")
	_ = h.Pause()
	fmt.Println(h.Snapshot().Status)
	h.Cancel()
	snap, err := h.Wait()
	fmt.Println(snap.Status, err)
	// Output:
	// 1 running
	// paused
	// cancelled context canceled
}

// A health monitor on the registry fails pipelines that stop moving and
// reports throughput; here its clock is a ManualClock.
func ExampleMonitor() {
	clk := stream.NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	reg := stream.NewRegistry(stream.RegistryOptions{Clock: clk})
	stalled := make(chan struct{})
	h, _ := stream.Start(context.Background(), stream.Pipeline[int]{
		Source: stream.NewSliceSource([]int{1, 2, 3}),
		Sink: func(ctx context.Context, batch []int) error {
			close(stalled)
			<-ctx.Done() // a writer that never returns
			return ctx.Err()
		},
		Options: stream.Options{Registry: reg},
	})
	<-stalled
	mon := stream.NewMonitor(reg, stream.MonitorOptions{StallTimeout: 30 * time.Second})
	clk.Advance(31 * time.Second)
	mon.Check()
	snap, err := h.Wait()
	fmt.Println(snap.Status, snap.Reason, errors.Is(err, stream.ErrStalled))
	// Output:
	// failed stalled true
}
