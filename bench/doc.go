// Package bench holds the benchmarks of whole reports and the harness that
// compares reportsh with its peers (bench/peers/run.sh). The data comes from
// the deterministic generator in bench/salesgen.
package bench
