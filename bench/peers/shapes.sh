#!/usr/bin/env bash
# Times reportsh against DuckDB on the report shapes beyond Q1-Q3 that issue
# 21 names (bench/peers/shapes/*.rpt, each with the DuckDB query of the same
# name .sql): a computed key from a date with a conditional and a running
# count (s1_month), per-group MEDIAN, PERCENTILE and COUNT_DISTINCT over
# ~20k-100k customers (s2_quantiles), Q1 over the same data as JSON lines
# (s3_jsonl), a where over a list with nested groups, having, order by and
# limit and a distinct count (s4_top). Each shape's result is first checked
# against DuckDB's (numbers compared to 6 decimals, as DuckDB's medians and
# averages are doubles); a difference stops the script. Then every command
# runs REPS times, interleaved, and the medians of wall time and peak RSS are
# printed with the ratio against DuckDB with 2 threads.
#
# Usage: bench/peers/shapes.sh [ROWS] [REPS]        (defaults 1000000 3)
# Env:   BENCH_DATA=DIR   data directory (default /tmp/reportsh-shapes-ROWS;
#                         sales.csv and sales.jsonl are generated when missing)
#        SHAPES="..."     shapes to run (default: all of them)
# Needs node and npm (DuckDB through @duckdb/node-api, pinned in
# bench/peers/duckdb/package.json; npm ci runs there when node_modules is
# missing).
set -euo pipefail
export LC_ALL=C
ROWS=${1:-1000000}
REPS=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SHAPES=${SHAPES:-$(cd "$here/shapes" && ls *.rpt | sed 's/\.rpt$//' | tr '\n' ' ')}
data=${BENCH_DATA:-/tmp/reportsh-shapes-$ROWS}
mkdir -p "$data"
data=$(cd "$data" && pwd)

cd "$root"
if [ ! -f "$data/sales.csv" ] || [ ! -f "$data/sales.jsonl" ]; then
  go run ./bench/cmd/gensales -rows "$ROWS" -seed 1 -out "$data" -formats csv,jsonl
fi
CGO_ENABLED=0 go build -o "$data/reportsh" ./cmd/reportsh
cp "$here"/shapes/*.rpt "$data/"
command -v node >/dev/null || { echo "shapes.sh: node is not installed (apt-get install nodejs npm)" >&2; exit 1; }
if [ ! -d "$here/duckdb/node_modules/@duckdb/node-api" ]; then
  (cd "$here/duckdb" && npm ci --no-audit --no-fund >"$data/duckdb-install.log" 2>&1) ||
    { echo "shapes.sh: npm ci failed (see $data/duckdb-install.log)" >&2; exit 1; }
fi
duck() { node "$here/duckdb/sql.mjs" "$here/shapes/$1.sql" "$data" "$2"; }

# canon: the rows of a result, numbers with a fraction printed to 6
# decimals without trailing zeros, sorted.
canon() {
  awk -F, -v OFS=, '{for (i = 1; i <= NF; i++) if ($i ~ /^-?[0-9]+\.[0-9]*$/) { $i = sprintf("%.6f", $i); sub(/0+$/, "", $i); sub(/\.$/, "", $i) } print}' | sort
}
cd "$data"
mkdir -p results
for s in $SHAPES; do
  ./reportsh run "$s.rpt" -f csv --workers 2 >"results/$s.reportsh.csv"
  duck "$s" 2 >"results/$s.duckdb.csv"
  awk -F, '$1 == "footer"' "results/$s.reportsh.csv" | cut -d, -f3- | canon >"results/$s.reportsh.txt"
  tail -n +2 "results/$s.duckdb.csv" | canon >"results/$s.duckdb.txt"
  if ! diff -q "results/$s.reportsh.txt" "results/$s.duckdb.txt" >/dev/null; then
    echo "shapes.sh: $s: reportsh and DuckDB disagree:" >&2
    diff "results/$s.reportsh.txt" "results/$s.duckdb.txt" | head -10 >&2
    exit 1
  fi
  echo "$s: results agree ($(wc -l <"results/$s.duckdb.txt") rows)"
done

declare -A times rss
tf=$(mktemp)
trap 'rm -f "$tf"' EXIT
tools=(reportsh-w1 reportsh-w2 duckdb1 duckdb2)
run() { # SHAPE TOOL
  case $2 in
  reportsh-w*) ./reportsh run "$1.rpt" -f csv --workers "${2#reportsh-w}" ;;
  duckdb*) duck "$1" "${2#duckdb}" ;;
  esac
}
for ((i = 0; i < REPS; i++)); do
  for s in $SHAPES; do
    for ((j = 0; j < ${#tools[@]}; j++)); do
      t=${tools[$(((i + j) % ${#tools[@]}))]} # rounds start at different tools
      /usr/bin/time -f "%e %M" -o "$tf" bash -c "$(declare -f run duck); here=$(printf %q "$here") data=$(printf %q "$data"); run $s $t" >/dev/null
      out=$(tail -1 "$tf")
      times[$s:$t]+="${out% *} "
      rss[$s:$t]+="${out#* } "
    done
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "versions: $(./reportsh version 2>&1 | sed -n 1p); node $(node --version); @duckdb/node-api $(node -p "require('$here/duckdb/node_modules/@duckdb/node-api/package.json').version")"
echo "$ROWS rows, median of $REPS interleaved runs (whole process: startup, read, aggregate, print)"
printf "%-14s %-12s %9s %9s %12s %12s\n" shape tool "median s" "peak MiB" "vs duckdb2" "MiB vs dd2"
for s in $SHAPES; do
  base=$(echo "${times[$s:duckdb2]}" | median)
  bm=$(echo "${rss[$s:duckdb2]}" | median)
  for t in "${tools[@]}"; do
    v=$(echo "${times[$s:$t]}" | median)
    m=$(echo "${rss[$s:$t]}" | median)
    printf "%-14s %-12s %9s %9.1f %12s %12s\n" "$s" "$t" "$v" "$(awk -v k="$m" 'BEGIN{print k/1024}')" \
      "$(awk -v a="$v" -v b="$base" 'BEGIN{printf "%.2fx", a/b}')" "$(awk -v a="$m" -v b="$bm" 'BEGIN{printf "%.2fx", a/b}')"
  done
done
