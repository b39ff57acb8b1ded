#!/usr/bin/env bash
# Runs reportsh and every installed peer on the same report workloads,
# interleaved, and prints medians of wall time and peak RSS with ratios
# against reportsh. Usage: bench/peers/run.sh [ROWS] [REPS]
#   Peers: sqlite3 (table already loaded), mlr (Miller 6), mawk, gawk.
#   Install them with: apt-get install sqlite3 miller mawk gawk
set -euo pipefail
ROWS=${1:-1000000}
REPS=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${BENCH_DATA:-/tmp/reportsh-bench-$ROWS}
mkdir -p "$data"
cd "$root"
if [ ! -f "$data/sales.csv" ] || [ ! -f "$data/sales.db" ]; then
  go run ./bench/cmd/gensales -rows "$ROWS" -seed 1 -out "$data" -formats csv,sqlite
fi
go build -o "$data/reportsh" ./cmd/reportsh
cp "$here"/*.rpt "$data/"
cd "$data"

# Each command prints a result line we can compare across tools.
declare -A cmd
cmd[reportsh_csv_q1]="./reportsh run q1.rpt -f csv"
cmd[reportsh_sqlite_q1]="./reportsh run q1_sqlite.rpt -f csv"
cmd[reportsh_csv_q2]="./reportsh run q2.rpt -f csv"
cmd[reportsh_csv_q3]="./reportsh run q3.rpt -f csv"
# sqlite3: amount is TEXT 'd.dd'; sum exactly in cents.
SQ1="SELECT territory, SUM(CAST(REPLACE(amount,'.','') AS INTEGER)*quantity)/100.0, COUNT(*), AVG(CAST(amount AS REAL)), MIN(CAST(amount AS REAL)), MAX(CAST(amount AS REAL)) FROM sales GROUP BY territory ORDER BY territory;"
SQ2="SELECT territory, customer, SUM(CAST(REPLACE(amount,'.','') AS INTEGER)*quantity)/100.0, COUNT(*) FROM sales GROUP BY territory, customer ORDER BY 1,2;"
SQ3="SELECT SUM(CAST(REPLACE(amount,'.','') AS INTEGER)*quantity)/100.0, COUNT(*) FROM sales;"
if command -v sqlite3 >/dev/null; then
  cmd[sqlite3_q1]="sqlite3 sales.db \"$SQ1\""
  cmd[sqlite3_q2]="sqlite3 sales.db \"$SQ2\""
  cmd[sqlite3_q3]="sqlite3 sales.db \"$SQ3\""
fi
if command -v mlr >/dev/null; then
  cmd[mlr_q1]="mlr --icsv --ocsv put '\$rev=\$amount*\$quantity' then stats1 -a sum,count,mean,min,max -f rev,amount -g territory sales.csv"
  cmd[mlr_q3]="mlr --icsv --ocsv put '\$rev=\$amount*\$quantity' then stats1 -a sum,count,mean,min,max -f rev,amount sales.csv"
fi
AWKQ1='BEGIN{FS=","} NR>1{t=$2; if($6!=""){r[t]+=$6*$7; s[t]+=$6; c[t]++; if(!(t in lo)||$6<lo[t])lo[t]=$6; if(!(t in hi)||$6>hi[t])hi[t]=$6} n[t]++} END{for(t in n) printf "%s,%.2f,%d,%.2f,%s,%s\n",t,r[t],n[t],s[t]/c[t],lo[t],hi[t]}'
for a in mawk gawk; do
  if command -v $a >/dev/null; then cmd[${a}_q1]="$a '$AWKQ1' sales.csv"; fi
done

names=$(printf '%s\n' "${!cmd[@]}" | sort)
declare -A times rss
for ((i = 0; i < REPS; i++)); do
  for n in $names; do
    out=$( { /usr/bin/time -f "%e %M" bash -c "${cmd[$n]} > /dev/null" ; } 2>&1 | tail -1)
    times[$n]+="${out% *} "
    rss[$n]+="${out#* } "
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
printf "%-22s %10s %10s %12s\n" workload "median s" "peak MiB" "vs reportsh"
for n in $names; do
  t=$(echo "${times[$n]}" | median); m=$(echo "${rss[$n]}" | median)
  q=${n##*_}
  base=$(echo "${times[reportsh_csv_$q]:-}" | median)
  ratio=""
  [ -n "$base" ] && ratio=$(awk -v a="$t" -v b="$base" 'BEGIN{printf "%.2fx", a/b}')
  printf "%-22s %10s %10.1f %12s\n" "$n" "$t" "$(awk -v k="$m" 'BEGIN{print k/1024}')" "$ratio"
done
# Results must agree to the cent: reportsh's Q3 revenue against sqlite3's exact cents.
if command -v sqlite3 >/dev/null; then
  r=$(./reportsh run q3.rpt -f csv | awk -F, 'NR==2{print $3}')
  s=$(sqlite3 sales.db "SELECT printf('%.2f', SUM(CAST(REPLACE(amount,'.','') AS INTEGER)*quantity)/100.0) FROM sales;")
  if [ "$r" = "$s" ]; then echo "Q3 revenue agrees with sqlite3: $r"; else echo "Q3 revenue MISMATCH: reportsh $r, sqlite3 $s"; exit 1; fi
fi
