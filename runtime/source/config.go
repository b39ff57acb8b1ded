package source

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/runtime/value"
)

// DefaultSampleRows is the number of records read to infer column types
// when [Config.SampleRows] is zero.
const DefaultSampleRows = 100

// Config holds the options every source shares. The zero value is valid:
// types are inferred from the first 100 records, bad data stops the run and
// records have no spare capacity.
type Config struct {
	// Types declares column types by column name (matched exactly, then
	// case-insensitively), overriding inference and SQLite's declared
	// types. A declared column absent from the data is an error that names
	// it and lists the known columns.
	Types map[string]value.Kind

	// SampleRows is the number of records read when the source is opened to
	// infer the types of undeclared columns (every CSV and JSONL column,
	// and SQLite columns without a recognised declared type). Zero or
	// negative means DefaultSampleRows.
	SampleRows int

	// SkipErrors skips records with bad data instead of stopping with a
	// [*DataError]. Skipped records are counted (see the sources' Skipped
	// method) and passed to OnSkip.
	SkipErrors bool

	// OnSkip, if not nil, is called with every skipped record's error, once
	// per bad record even when a restart reads it again. It runs on the
	// goroutine calling Fetch, with the source locked: it must not call the
	// source's Fetch or Close.
	OnSkip func(*DataError)

	// Extra is the number of spare slots each record gets beyond its schema
	// fields (its capacity is len + Extra). Negative means zero.
	Extra int

	// Unused names columns the consumer never reads (matched exactly). A
	// CSV or JSON lines source leaves them nil without converting them —
	// their text is only checked to be valid UTF-8 (and JSON) — and a
	// SQLite source does not select them (except those it orders by). The
	// schema still lists them.
	Unused map[string]bool

	// MaxRecordBytes bounds one record of a CSV or JSON lines file: a line,
	// or a CSV record whose quoted fields hold newlines, its terminator
	// included; the CSV header too. A longer record is a bad record (a
	// [*DataError] saying so, skipped under SkipErrors: reading resumes
	// at the next line) and ends the sample types are inferred from; a
	// longer header is an error. However long the line, no more than this
	// is held in memory. Zero or negative means [DefaultMaxRecordBytes].
	MaxRecordBytes int

	// Recycle, if not nil, makes the source carve records from slabs it
	// gets back through the Recycler once the consumer is done with them
	// (see [Recycler]). Only a consumer that keeps no record may set it.
	Recycle *Recycler
}

func (c Config) sampleRows() int {
	if c.SampleRows <= 0 {
		return DefaultSampleRows
	}
	return c.SampleRows
}

func (c Config) extra() int { return max(c.Extra, 0) }

func (c Config) maxRecordBytes() int {
	if c.MaxRecordBytes <= 0 {
		return DefaultMaxRecordBytes
	}
	return c.MaxRecordBytes
}

// typesString renders the declared types deterministically for identities.
func (c Config) typesString() string {
	names := make([]string, 0, len(c.Types))
	for n := range c.Types {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", n, c.Types[n])
	}
	return b.String()
}

// declaredKinds resolves c.Types against the columns found in the data. It
// returns one entry per column (ok false where nothing is declared) or an
// error naming the declared columns that do not exist. allowed reports the
// kinds the source can produce.
func (c Config) declaredKinds(file string, columns []string, allowed func(value.Kind) bool) ([]value.Kind, []bool, error) {
	kinds := make([]value.Kind, len(columns))
	declared := make([]bool, len(columns))
	var missing []string
	for _, n := range sortedNames(c.Types) {
		k := c.Types[n]
		i := slices.Index(columns, n)
		if i < 0 {
			i = foldIndex(columns, n)
		}
		if i < 0 {
			missing = append(missing, n)
			continue
		}
		if !allowed(k) {
			return nil, nil, fmt.Errorf("%s: column %q cannot be declared %s", file, n, k)
		}
		kinds[i], declared[i] = k, true
	}
	if len(missing) > 0 {
		return nil, nil, unknownColumnsError(file, "declared column", missing, columns, "")
	}
	return kinds, declared, nil
}

// sortedNames returns the names declared in types, sorted.
func sortedNames(types map[string]value.Kind) []string {
	out := make([]string, 0, len(types))
	for n := range types {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// foldIndex returns the index of the only column equal to name under case
// folding, or -1.
func foldIndex(columns []string, name string) int {
	found := -1
	for i, c := range columns {
		if strings.EqualFold(c, name) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// unknownColumnsError reports names absent from columns, suggesting the
// nearest column where one is close, and listing the first columns (see
// names.List); none says why there are none, when there are none:
//
//	sales.csv: declared column "amout" not found (did you mean "amount"?); columns: id, amount
func unknownColumnsError(file, what string, missing, columns []string, none string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", file)
	hint := func(m string) string {
		if s := suggest(m, columns); s != "" {
			return fmt.Sprintf(" (did you mean %s?)", names.Quote(s))
		}
		return ""
	}
	if len(missing) == 1 {
		fmt.Fprintf(&b, "%s %s not found%s", what, names.Quote(missing[0]), hint(missing[0]))
	} else {
		fmt.Fprintf(&b, "%ss not found: %s", what, names.ListFunc(missing, func(m string) string { return names.Quote(m) + hint(m) }))
	}
	switch {
	case len(columns) > 0:
		fmt.Fprintf(&b, "; columns: %s", names.List(columns))
	case none != "":
		fmt.Fprintf(&b, ": %s", none)
	default:
		b.WriteString(": there are no columns")
	}
	return errors.New(b.String())
}

// suggest returns the candidate closest to name when it is close enough to
// be a likely typo (edit distance at most 2, or a third of the length).
func suggest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	limit := max(2, len(name)/3)
	for _, c := range candidates {
		if len(c)-len(name) > limit || len(name)-len(c) > limit {
			continue // farther than limit: spares the distance to a name of megabytes
		}
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if d < bestD && d <= limit {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// scalarKind reports the kinds a flat source (CSV, SQLite) can produce.
func scalarKind(k value.Kind) bool {
	switch k {
	case value.KindInt, value.KindFloat, value.KindDecimal, value.KindString,
		value.KindBool, value.KindDate, value.KindTime, value.KindAny:
		return true
	}
	return false
}

// schemaString renders a schema for identities: name:kind(scale),… — or,
// when that would be long, a digest of it: a header of 50 MB must not make
// an identity of 50 MB.
func schemaString(s *value.Schema) string {
	size := 0
	for _, f := range s.Fields {
		size += len(f.Name) + 16
	}
	var b strings.Builder
	w := io.Writer(&b)
	h := sha256.New()
	if size > maxSchemaString {
		w = h
	}
	for i, f := range s.Fields {
		if i > 0 {
			io.WriteString(w, ",")
		}
		if w == h {
			fmt.Fprintf(w, "%d:", len(f.Name)) // a name as it is, its length first
			io.WriteString(w, f.Name)
		} else {
			io.WriteString(w, strconv.Quote(f.Name))
		}
		fmt.Fprintf(w, ":%s", f.Kind)
		if f.Scale > 0 {
			fmt.Fprintf(w, "(%d)", f.Scale)
		}
	}
	if w == h {
		return fmt.Sprintf("sha256:%x", h.Sum(nil))
	}
	return b.String()
}

// maxSchemaString is the longest schema an identity spells out.
const maxSchemaString = 16 << 10
