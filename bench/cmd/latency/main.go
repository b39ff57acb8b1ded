// Command latency measures how soon a command starts producing output: it
// runs the command repeatedly and reports the median and worst time from
// start to its Nth line of output (the first data row of a report, say)
// and to its exit.
//
//	go run ./bench/cmd/latency -n 20 -line 4 -- ./reportsh run detail.rpt
//
// Once the line has arrived the rest of the output is read and discarded,
// so a long report runs to its end (time to exit covers it all).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"time"
)

func main() {
	runs := flag.Int("n", 20, "number of runs")
	line := flag.Int("line", 1, "the line of output to wait for (1 is the first)")
	warm := flag.Int("warmup", 3, "runs before measuring")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 || *runs < 1 || *line < 1 {
		fmt.Fprintln(os.Stderr, "usage: latency [-n RUNS] [-line N] [-warmup W] -- COMMAND [ARGS...]")
		os.Exit(2)
	}
	var first, exit []time.Duration
	for i := 0; i < *warm+*runs; i++ {
		f, e, err := once(args, *line)
		if err != nil {
			fmt.Fprintln(os.Stderr, "latency:", err)
			os.Exit(1)
		}
		if i >= *warm {
			first, exit = append(first, f), append(exit, e)
		}
	}
	fmt.Printf("%-14s median %8s  max %8s  (%d runs)\n", fmt.Sprintf("line %d:", *line), median(first), slices.Max(first), *runs)
	fmt.Printf("%-14s median %8s  max %8s\n", "exit:", median(exit), slices.Max(exit))
}

// once runs the command and returns the time to its nth line and to its
// exit.
func once(args []string, n int) (time.Duration, time.Duration, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	r := bufio.NewReader(out)
	var first time.Duration
	for i := 0; i < n; i++ {
		if _, err := r.ReadSlice('\n'); err != nil && err != bufio.ErrBufferFull {
			cmd.Wait()
			return 0, 0, fmt.Errorf("%v: output ended before line %d", args, n)
		}
	}
	first = time.Since(start)
	if _, err := io.Copy(io.Discard, r); err != nil {
		return 0, 0, err
	}
	if err := cmd.Wait(); err != nil {
		return 0, 0, fmt.Errorf("%v: %w", args, err)
	}
	return first, time.Since(start), nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2].Round(10 * time.Microsecond)
}
