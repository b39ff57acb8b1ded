#!/usr/bin/env bash
# Runs reportsh and every installed peer on the same report workloads
# (bench/peers/q1.rpt by territory, q2.rpt by territory and customer, q3.rpt
# global totals), interleaved, and prints medians of wall time and peak RSS
# with ratios against reportsh on CSV with one worker. Then it runs every
# tool once more and checks that all results agree to the cent.
#
# Usage: bench/peers/run.sh [ROWS] [REPS]          (defaults 1000000 5)
# Env:   BENCH_DATA=DIR   data directory (default /tmp/reportsh-bench-ROWS;
#                         sales.csv and sales.db are generated when missing)
#        PEERS="..."      tools to time (default: all of them):
#                         reportsh handgo goawk duckdb sqlite3 mlr mawk gawk
#        QUERIES="..."    queries to run (default: q1 q2 q3)
#
# Peers (each whole process timed, startup included):
#   reportsh  csv with --workers 1 (the ratio base) and --workers 2; also on sqlite
#   handgo    hand-written Go (split+strconv+map), bench/peers/handgo, built here
#   goawk     GoAWK, go install github.com/benhoyt/goawk@$GOAWK_VERSION into
#             $BENCH_DATA/bin when not on PATH (v1.30.1 is the newest upstream
#             release when this was written; the module proxy this was
#             developed behind refused it, so it is skipped there)
#   duckdb1/2 DuckDB through Node.js (@duckdb/node-api, pinned in
#             bench/peers/duckdb/package.json) with 1 and 2 threads;
#             npm ci runs there when node_modules is missing
#   sqlite3   the sqlite3 shell on sales.db (table already loaded)
#   mlr       Miller 6 (Q1 and Q3 only: Q2 is too slow to be useful)
#   mawk, gawk
# Install the Debian ones with: apt-get install sqlite3 miller mawk gawk nodejs npm
# Peers that are not installed are skipped with a note.
set -euo pipefail
export LC_ALL=C
ROWS=${1:-1000000}
REPS=${2:-5}
GOAWK_VERSION=${GOAWK_VERSION:-v1.30.1}
PEERS=${PEERS:-reportsh handgo goawk duckdb sqlite3 mlr mawk gawk}
QUERIES=${QUERIES:-q1 q2 q3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

for p in $PEERS; do
  case $p in
  reportsh | handgo | goawk | duckdb | sqlite3 | mlr | mawk | gawk) ;;
  *) echo "run.sh: unknown peer $p in PEERS" >&2; exit 2 ;;
  esac
done
for q in $QUERIES; do
  case $q in q1 | q2 | q3) ;; *) echo "run.sh: unknown query $q in QUERIES" >&2; exit 2 ;; esac
done
want() { [[ " $PEERS " == *" $1 "* ]]; }
data=${BENCH_DATA:-/tmp/reportsh-bench-$ROWS}
mkdir -p "$data"
data=$(cd "$data" && pwd)
notes=()
note() { notes+=("$*"); }

cd "$root"
if [ ! -f "$data/sales.csv" ] || [ ! -f "$data/sales.db" ]; then
  go run ./bench/cmd/gensales -rows "$ROWS" -seed 1 -out "$data" -formats csv,sqlite
fi
# Always built: reportsh on CSV with one worker is the reference of the results check.
CGO_ENABLED=0 go build -o "$data/reportsh" ./cmd/reportsh # static, as make build
cp "$here"/*.rpt "$data/"
if want handgo; then go build -o "$data/handgo" ./bench/peers/handgo; fi

goawk=""
if want goawk; then
  if command -v goawk >/dev/null; then
    goawk=$(command -v goawk)
  elif [ -x "$data/bin/goawk" ]; then
    goawk="$data/bin/goawk"
  elif GOBIN="$data/bin" go install "github.com/benhoyt/goawk@$GOAWK_VERSION" 2>"$data/goawk-install.log"; then
    goawk="$data/bin/goawk"
  else
    note "goawk skipped: go install github.com/benhoyt/goawk@$GOAWK_VERSION failed: $(tail -1 "$data/goawk-install.log" | tr -s '\t ' ' ')"
  fi
fi

duckdb=""
if want duckdb; then
  if ! command -v node >/dev/null; then
    note "duckdb skipped: node is not installed"
  elif [ -d "$here/duckdb/node_modules/@duckdb/node-api" ] ||
    (cd "$here/duckdb" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; } >"$data/duckdb-install.log" 2>&1); then
    duckdb="$here/duckdb/q.mjs"
  else
    note "duckdb skipped: npm could not install @duckdb/node-api (see $data/duckdb-install.log)"
  fi
fi

# The awk programs sum revenue in integer cents (exact in a double up to 2^53;
# amounts are never negative) and print the average with 6 decimals, leaving
# its rounding to the check.
# Columns: 2 territory, 4 customer, 6 amount (empty when missing), 7 quantity.
awkprog() { # KEY-EXPRESSION [PRINT-KEY]
  cat <<EOF
BEGIN { FS = "," }
NR == 1 { next }
{
  k = $1
  n[k]++
  if (\$6 != "") {
    c = int(\$6 * 100 + 0.5)
    r[k] += c * \$7; s[k] += c; m[k]++
    if (!(k in lo) || c < lo[k]) lo[k] = c
    if (!(k in hi) || c > hi[k]) hi[k] = c
  }
}
END {
  for (k in n) {
    # Like SQL: a group without any amount has only a count.
    a = m[k] ? sprintf("%.2f,%d,%.6f,%.2f,%.2f", r[k] / 100, n[k], s[k] / m[k] / 100, lo[k] / 100, hi[k] / 100) : sprintf(",%d,,,", n[k])
    print ${2:+k \",\" }a
  }
}
EOF
}
# shellcheck disable=SC2016 # awk fields, not shell expansions
awkprog '$2' 1 >"$data/q1.awk"
# shellcheck disable=SC2016
awkprog '$2 "," $4' 1 >"$data/q2.awk"
awkprog '""' >"$data/q3.awk"

# sqlite3: amount is TEXT 'd.dd' (NULL when missing); revenue summed exactly in
# integer cents (the division by 100.0 rounds correctly, and sqlite3 prints 15
# significant digits).
cents="CAST(REPLACE(amount, '.', '') AS INTEGER)"
sqlq() { # KEY-COLUMNS (comma-separated, may be empty)
  local sel="" grp=""
  if [ -n "$1" ]; then sel="$1, "; grp=" GROUP BY $1 ORDER BY $1"; fi
  echo "SELECT ${sel}SUM($cents * quantity) / 100.0, COUNT(*), AVG(CAST(amount AS REAL)), MIN(CAST(amount AS REAL)), MAX(CAST(amount AS REAL)) FROM sales$grp;"
}
sqlq territory >"$data/q1.sql"
sqlq "territory, customer" >"$data/q2.sql"
sqlq "" >"$data/q3.sql"

# cmd[q:name] is run by bash in $data; spec[q:name] says how to read its
# output for the results check: "SEP HEADER COLUMNS EXACT", COLUMNS being the
# key columns then revenue, count, avg, min, max; EXACT 1 when avg must agree
# exactly (to 2 decimals), 0 for float peers whose avg may be off by a cent.
declare -A cmd spec
nkeys() { case $1 in q1) echo 1 ;; q2) echo 2 ;; q3) echo 0 ;; esac; }
seqcols() { seq -s, "$1" "$(($1 + $2 - 1))"; } # FIRST COUNT
add() { cmd[$1:$2]=$3; spec[$1:$2]=$4; }
dq=$(printf %q "$duckdb")
for q in $QUERIES; do
  k=$(nkeys "$q")
  rs=", 1 $(seqcols 3 $((k + 5))) 1"
  if want reportsh; then
    add "$q" reportsh-csv-w1 "./reportsh run $q.rpt -f csv --workers 1" "$rs"
    add "$q" reportsh-csv-w2 "./reportsh run $q.rpt -f csv --workers 2" "$rs"
    add "$q" reportsh-sqlite-w1 "./reportsh run ${q}_sqlite.rpt -f csv --workers 1" "$rs"
    add "$q" reportsh-sqlite-w2 "./reportsh run ${q}_sqlite.rpt -f csv --workers 2" "$rs"
  fi
  if want handgo; then add "$q" handgo "./handgo -q ${q#q} sales.csv" ", 1 $(seqcols 1 $((k + 5))) 1"; fi
  if [ -n "$goawk" ]; then add "$q" goawk "$(printf %q "$goawk") -f $q.awk sales.csv" ", 0 $(seqcols 1 $((k + 5))) 0"; fi
  for a in mawk gawk; do
    if want $a; then
      if command -v $a >/dev/null; then
        add "$q" $a "$a -f $q.awk sales.csv" ", 0 $(seqcols 1 $((k + 5))) 0"
      elif [ "$q" = "${QUERIES%% *}" ]; then note "$a skipped: not installed"; fi
    fi
  done
  if [ -n "$duckdb" ]; then
    for t in 1 2; do add "$q" duckdb$t "node $dq sales.csv ${q#q} $t" ", 1 $(seqcols 1 $((k + 5))) 0"; done
  fi
  if want sqlite3; then
    if command -v sqlite3 >/dev/null; then
      add "$q" sqlite3 "sqlite3 sales.db < $q.sql" "| 0 $(seqcols 1 $((k + 5))) 0"
    elif [ "$q" = "${QUERIES%% *}" ]; then note "sqlite3 skipped: not installed"; fi
  fi
  if want mlr && [ "$q" != q2 ]; then
    if command -v mlr >/dev/null; then
      # A missing amount makes rev 0 rather than empty, so rev_count is COUNT().
      # Output: [territory,] rev_sum,rev_count,rev_mean,rev_min,rev_max,amount_sum,amount_count,amount_mean,amount_min,amount_max
      g="" cols="1,2,8,9,10"
      if [ "$q" = q1 ]; then g="-g territory" cols="1,2,3,9,10,11"; fi
      add "$q" mlr "mlr --icsv --ocsv put '\$rev = is_empty(\$amount) ? 0 : \$amount * \$quantity' then stats1 -a sum,count,mean,min,max -f rev,amount $g sales.csv" ", 1 $cols 0"
    elif [ "$q" = "${QUERIES%% *}" ]; then note "mlr skipped: not installed"; fi
  fi
done
if want mlr && [[ " $QUERIES " == *" q2 "* ]] && command -v mlr >/dev/null; then note "mlr runs Q1 and Q3 only"; fi

cd "$data"
mapfile -t names < <(printf '%s\n' "${!cmd[@]}" | sort)
[ ${#names[@]} -gt 0 ] || { echo "run.sh: nothing to run" >&2; exit 1; }
tf=$(mktemp) ef=$(mktemp)
trap 'rm -f "$tf" "$ef"' EXIT
declare -A times rss
# The rounds start at commands spread over the list, so that no command
# always runs at the same place in its round (reportsh with two workers
# always ran right after one worker, which warms or tires the machine).
for ((i = 0; i < REPS; i++)); do
  for ((j = 0; j < ${#names[@]}; j++)); do
    n=${names[$(((i * ${#names[@]} / REPS + j) % ${#names[@]}))]}
    if ! /usr/bin/time -f "%e %M" -o "$tf" bash -c "${cmd[$n]}" >/dev/null 2>"$ef"; then
      echo "run.sh: ${n/:/ } failed: ${cmd[$n]}" >&2
      cat "$ef" "$tf" >&2
      exit 1
    fi
    out=$(tail -1 "$tf")
    times[$n]+="${out% *} "
    rss[$n]+="${out#* } "
  done
done

for s in "${notes[@]}"; do echo "note: $s"; done
# Versions of what ran, for the record.
v=("$(./reportsh version 2>&1 | sed -n 1p)" "$(go version | awk '{print $3}')")
if [ -n "$goawk" ]; then v+=("goawk $("$goawk" -version 2>&1 | sed -n 1p)"); fi
for a in mawk gawk; do
  if [[ " ${names[*]} " == *":$a "* ]]; then v+=("$($a -W version 2>&1 | sed -n 1p | awk '{print $1, $2, $3}' | sed 's/,$//')"); fi
done
if [[ " ${names[*]} " == *":sqlite3 "* ]]; then v+=("sqlite3 $(sqlite3 --version | awk '{print $1}')"); fi
if [[ " ${names[*]} " == *":mlr "* ]]; then v+=("$(mlr --version)"); fi
if [ -n "$duckdb" ]; then
  v+=("node $(node --version)" "@duckdb/node-api $(node -p "require('$here/duckdb/node_modules/@duckdb/node-api/package.json').version")")
fi
printf -v vs '%s; ' "${v[@]}"
echo "versions: ${vs%; }"
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
if [ "$REPS" -gt 0 ]; then
  echo "$ROWS rows, median of $REPS interleaved runs (whole process: startup, read, aggregate, print)"
  printf "%-26s %10s %10s %12s\n" workload "median s" "peak MiB" "vs reportsh"
  for n in "${names[@]}"; do
    t=$(echo "${times[$n]}" | median)
    m=$(echo "${rss[$n]}" | median)
    base=$(echo "${times[${n%%:*}:reportsh-csv-w1]:-}" | median)
    ratio=""
    [ -n "$base" ] && ratio=$(awk -v a="$t" -v b="$base" 'BEGIN{if (b > 0) printf "%.2fx", a/b}')
    printf "%-26s %10s %10.1f %12s\n" "${n/:/ }" "$t" "$(awk -v k="$m" 'BEGIN{print k/1024}')" "$ratio"
  done
fi

# Results check. Each output is brought to a canonical form: keys, then
# revenue, count, avg, min, max with money rounded half-up to 2 decimals by
# string arithmetic (no float rounding), sorted. Everything must equal
# reportsh's (CSV, one worker) exactly, except that float peers' avg may be
# off by one cent.
canon() { # SEP HEADER COLUMNS < raw > canonical
  awk -v sep="$1" -v header="$2" -v cols="$3" '
    function incr(d,   i, c) {
      for (i = length(d); i >= 1; i--) {
        c = substr(d, i, 1)
        if (c != "9") return substr(d, 1, i - 1) (c + 1) substr(d, i + 1)
        d = substr(d, 1, i - 1) "0" substr(d, i + 1)
      }
      return "1" d
    }
    function to2(s,   neg, i, ip, fp, d) {
      gsub(/^ +| +$/, "", s)
      if (s == "") return ""
      if (s ~ /[eE]/) s = sprintf("%.10f", s)
      neg = substr(s, 1, 1) == "-"
      sub(/^[-+]/, "", s)
      i = index(s, ".")
      if (i) { ip = substr(s, 1, i - 1); fp = substr(s, i + 1) } else { ip = s; fp = "" }
      fp = fp "000"
      d = ip substr(fp, 1, 2)
      if (substr(fp, 3, 1) >= "5") d = incr(d)
      sub(/^0+/, "", d)
      while (length(d) < 3) d = "0" d
      d = substr(d, 1, length(d) - 2) "." substr(d, length(d) - 1)
      return (neg && d != "0.00" ? "-" : "") d
    }
    BEGIN { FS = sep; nc = split(cols, c, ","); nk = nc - 5 }
    { sub(/\r$/, "") }
    header && NR == 1 { next }
    {
      line = ""
      for (i = 1; i <= nk; i++) line = line $(c[i]) ","
      cnt = $(c[nk + 2]); gsub(/ /, "", cnt)
      print line to2($(c[nk + 1])) "," cnt "," to2($(c[nk + 3])) "," to2($(c[nk + 4])) "," to2($(c[nk + 5]))
    }' | sort
}
# same REF CAND NKEYS EXACT: compares canonical outputs, prints differences.
same() {
  awk -F, -v nk="$3" -v exact="$4" '
    NR == FNR { ref[FNR] = $0; nref = FNR; next }
    { got[FNR] = $0; ngot = FNR }
    END {
      bad = 0
      if (nref != ngot) { printf "    %d rows, reportsh has %d\n", ngot, nref; bad++ }
      for (i = 1; i <= (nref > ngot ? nref : ngot) && bad < 10; i++) {
        if (ref[i] == got[i]) continue
        nr = split(ref[i], r, ","); ng = split(got[i], g, ",")
        ok = nr == ng && nr == nk + 5
        for (j = 1; ok && j <= nr; j++)
          if (r[j] != g[j] && (exact || j != nk + 3 || (r[j] - g[j]) * (r[j] - g[j]) > 0.0001000001)) ok = 0
        if (!ok) { printf "    - %s\n    + %s\n", ref[i], got[i]; bad++ } else off++
      }
      if (!bad && off) printf "%d avg off by 0.01", off
      exit bad > 0
    }' "$1" "$2"
}
mkdir -p "$data/results"
fail=0
echo
echo "Results check (revenue, count, min, max exact to the cent; avg rounded half-up to 2 decimals,"
echo "exact for reportsh and handgo, within 0.01 for float-based averages: awk, mlr, sqlite3 REAL, DuckDB DOUBLE):"
for q in $QUERIES; do
  k=$(nkeys "$q")
  ref="$data/results/$q.reportsh-csv-w1.canon"
  ./reportsh run "$q.rpt" -f csv --workers 1 >"$data/results/$q.reportsh-csv-w1.out"
  canon , 1 "$(seqcols 3 $((k + 5)))" <"$data/results/$q.reportsh-csv-w1.out" >"$ref"
  [ -s "$ref" ] || { echo "$q: reportsh printed no rows"; fail=1; continue; }
  agree=() differ=()
  for n in "${names[@]}"; do
    [ "${n%%:*}" = "$q" ] || continue
    name=${n#*:}
    [ "$name" = reportsh-csv-w1 ] && continue
    raw="$data/results/$q.$name.out"
    if ! bash -c "${cmd[$n]}" >"$raw" 2>"$ef"; then
      echo "$q: $name failed: ${cmd[$n]}"
      cat "$ef"
      differ+=("$name")
      fail=1
      continue
    fi
    read -r sep hdr cols exact <<<"${spec[$n]}"
    canon "$sep" "$hdr" "$cols" <"$raw" >"$data/results/$q.$name.canon"
    if d=$(same "$ref" "$data/results/$q.$name.canon" "$k" "$exact"); then
      agree+=("$name${d:+ ($d)}")
    else
      differ+=("$name")
      echo "$q: $name DIFFERS from reportsh ($raw):"
      echo "$d"
      fail=1
    fi
  done
  echo "$q: reportsh-csv-w1 $(wc -l <"$ref") rows; agree: ${agree[*]:-(none)}${differ[*]:+; DIFFER: ${differ[*]}}"
done
if [ "$fail" = 0 ]; then echo "results agree"; else echo "results DIFFER"; exit 1; fi
