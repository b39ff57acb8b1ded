package interp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// runScan runs the report with its aggregation in the CSV scanner when that
// is possible (see scanagg.go); handled is false when the run must read the
// records instead, as for runPushdown.
func (p *Program) runScan(ctx context.Context, rc *RunConfig) (res *Result, handled bool, err error) {
	if p.scanStatic() != "" || rc.OnSkip != nil {
		// OnSkip is called as records are skipped: a scan that fell back
		// would call it twice for them.
		return nil, false, nil
	}
	return p.tryCarriers(ctx, rc, func(ctx context.Context, params map[string]any) (*Result, string, bool, error) {
		start := time.Now()
		onError := p.onError
		if rc.OnError != "" {
			onError = rc.OnError
		}
		skips := &skipLog{}
		rs, cleanup, err := p.open(p.source, sourceOptions{params: params, skip: onError == "skip", unused: p.unused,
			onSkip: func(e *source.DataError) { skips.note(p.dataError(e)) }})
		if err != nil {
			return nil, "", false, nil // the normal run reports it
		}
		defer cleanup()
		defer rs.Close()
		csv, ok := rs.(*source.CSV)
		if !ok {
			return nil, "", false, nil
		}
		pp, sp := p.planScan(csv.Schema(), params)
		if sp == nil {
			return nil, "", false, nil
		}
		var rows atomic.Int64
		if rc.Progress != nil {
			read, stop := p.progressFunc(ctx, rs, &rows)
			defer stop()
			rc.Progress(read)
		}
		src := &scanSource{csv: csv, table: newScanTable(sp), rows: &rows}
		if workerCount(*rc) > 1 {
			src.par = newScanPar(sp, src.table)
		}
		defer src.close()
		res, note, err := p.runCarriers(ctx, *rc, params, pp, src, func(t *render.Totals) {
			t.RecordsRead = rows.Load() + csv.Skipped()
			skips.total(t)
			t.Elapsed = time.Since(start)
		}, "in the CSV scanner", true)
		return res, note, true, err
	})
}

// scanBatch is the number of records one Fetch of a scanSource aggregates:
// progress and the pipeline's controls (pause, cancel) act between fetches.
// (A variable for the tests.)
var scanBatch = 1 << 16

// scanSource is the pipeline's source of a scan aggregation. Its first
// fetches aggregate the file, scanBatch records at a time, and return no
// record; then it returns the groups' partial states. Its positions are
// (0, records aggregated) while scanning, then (1, groups returned); its
// offsets count the records aggregated. It cannot go back: the table holds
// what the records before its position made of it.
type scanSource struct {
	csv   *source.CSV
	table *scanTable
	rows  *atomic.Int64 // records aggregated, for progress and the totals
	at    stream.Position
	done  bool     // the file is scanned: the table's partial states are returned
	par   *scanPar // aggregating on a second goroutine, or nil
	n     int64    // records scanned (and not skipped)

	mu       sync.Mutex
	fallback string
}

func (s *scanSource) stop(note string) {
	s.mu.Lock()
	if s.fallback == "" {
		s.fallback = note
	}
	s.mu.Unlock()
}

func (s *scanSource) note() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fallback
}

// close stops the aggregator of a scan that did not end.
func (s *scanSource) close() {
	if s.par != nil {
		s.par.finish()
	}
}

// Fetch aggregates the next records, or returns partial states.
func (s *scanSource) Fetch(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	done := stream.Chunk[value.Record]{Next: after, Done: true}
	if s.note() != "" {
		return done, nil
	}
	phase, pos := 0, 0
	if after.Key != nil {
		var ok bool
		if phase, pos, ok = pdPosition(after.Key); !ok || phase > 1 {
			return done, stream.Permanent(fmt.Errorf("position %v was not returned by this source", after))
		}
	}
	if !s.done {
		if phase != 0 || int64(pos) != s.n {
			// A restart: the table holds the records before the position
			// it stands at, and no other.
			s.stop(fmt.Sprintf("the pipeline restarted at %v, where the scanner cannot go back", after))
			return done, nil
		}
		add := s.table.add
		if s.par != nil {
			add = s.par.add
		}
		next, n, eof, bytes, err := s.csv.Scan(ctx, s.at, scanBatch, add)
		if err == nil && eof && s.par != nil {
			err = s.par.finish()
		}
		if err != nil {
			if ctx.Err() != nil {
				return stream.Chunk[value.Record]{}, ctx.Err()
			}
			if errors.Is(err, errAggregatorStopped) {
				err = s.par.finish()
			}
			var stop *errScanStop
			var de *source.DataError
			switch {
			case errors.As(err, &stop):
				s.stop(stop.why)
			case errors.As(err, &de):
				s.stop("a bad record (" + de.Error() + "): the records are read to report it")
			default:
				s.stop(err.Error())
			}
			return done, nil
		}
		s.at = next
		s.n += int64(n)
		s.rows.Store(s.n)
		chunk := stream.Chunk[value.Record]{Bytes: bytes,
			Next: stream.Position{Offset: s.n, Key: []any{int64(0), s.n}}}
		if eof {
			s.done = true
			s.table.sort()
			if why := s.table.overLimit(); why != "" {
				s.stop(why)
				return done, nil
			}
			chunk.Next.Key = []any{int64(1), int64(0)}
			chunk.Done = s.table.groups() == 0
		}
		return chunk, nil
	}
	n := s.table.groups()
	if phase != 1 || pos > n {
		return done, stream.Permanent(fmt.Errorf("position %v was not returned by this source", after))
	}
	end := min(pos+limit, n)
	return stream.Chunk[value.Record]{Records: s.table.results(pos, end), Done: end == n,
		Next: stream.Position{Offset: after.Offset, Key: []any{int64(1), int64(end)}}}, nil
}

// PlanScan says whether a report's aggregation runs in the CSV scanner.
type PlanScan struct {
	// InScanner is set when the scanner computes the aggregates.
	InScanner bool `json:"in_scanner"`
	// Read lists the fields the scanner parses from their bytes, and how.
	Read []string `json:"read,omitempty"`
	// Reason says why the aggregation runs on records instead.
	Reason string `json:"reason,omitempty"`
}

// explainScan plans the scan aggregation for explain: nil for a source that
// is not CSV.
func (p *Program) explainScan(params map[string]any) *PlanScan {
	if p.source == nil || p.source.Kind != "csv" {
		return nil
	}
	if why := p.scanStatic(); why != "" {
		return &PlanScan{Reason: why}
	}
	rs, cleanup, err := p.open(p.source, sourceOptions{params: params, unused: p.unused})
	if err != nil {
		return &PlanScan{Reason: err.Error()}
	}
	defer cleanup()
	defer rs.Close()
	schema := rs.Schema()
	pp, sp := p.planScan(schema, params)
	if sp == nil {
		return &PlanScan{Reason: pp.reason}
	}
	out := &PlanScan{InScanner: true}
	for _, k := range sp.keys {
		out.Read = append(out.Read, fmt.Sprintf("%s (key, %s)", schema.Fields[k.field].Name, schema.Fields[k.field].Kind))
	}
	for _, f := range sp.fields {
		name := schema.Fields[f.field].Name
		if f.check {
			out.Read = append(out.Read, fmt.Sprintf("%s (%s, checked only)", name, schema.Fields[f.field].Kind))
			continue
		}
		if f.dec {
			out.Read = append(out.Read, fmt.Sprintf("%s (decimal, up to %s)", name, fractionDigits(f.scale)))
		} else {
			out.Read = append(out.Read, name+" (int)")
		}
	}
	return out
}

// writeText prints the scan aggregation in the source section of a plan.
func (ps *PlanScan) writeText(tw *textWriter) {
	switch {
	case ps == nil:
	case !ps.InScanner:
		tw.section(false, "", "aggregation in the scanner: no, %s", ps.Reason)
	default:
		tw.section(false, "", "aggregation in the scanner: yes, from the bytes of %s", strings.Join(ps.Read, ", "))
		tw.section(false, "", "  a value with more fraction digits, an overflow, or too many groups makes the run read the records instead")
	}
}
