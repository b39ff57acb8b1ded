package source

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// MapLookupConfig configures [NewMapLookup].
type MapLookupConfig struct {
	// On is the lookup source's column matched against each record's key.
	On string

	// Key returns the key of a record, or nil; see SQLiteLookupConfig.Key.
	Key func(value.Record) any

	// Slot is where the matched row goes; see SQLiteLookupConfig.Slot.
	Slot int

	// ChunkSize is the number of records fetched at a time while loading;
	// zero means 4096.
	ChunkSize int
}

// MapLookup attaches related rows from any [RecordSource] (a CSV or JSONL
// file, say) by loading the whole source once, on the first Load, into a
// map keyed by [value.HashKey] of the On column; later chunks cost no I/O.
// When several rows share a key the first one is used.
//
// Memory: every row is kept as a map[string]any, about 100 bytes plus
// 40 to 60 bytes per column (more for long strings), so a 100,000-row
// lookup of 5 columns holds roughly 30 to 40 MB for the whole run. Use a
// SQLite lookup for large tables.
//
// It satisfies stream.Lookup[value.Record] and is safe for concurrent use.
type MapLookup struct {
	mu     sync.Mutex
	src    RecordSource
	cfg    MapLookupConfig
	on     int
	kind   value.Kind
	rows   map[any]map[string]any
	loaded atomic.Bool
	closed bool
}

// NewMapLookup checks the On column of src and returns a lookup that loads
// src on its first Load. The lookup owns src: it closes it (when src is a
// stream.Closer) once loaded, or on Close.
func NewMapLookup(src RecordSource, cfg MapLookupConfig) (*MapLookup, error) {
	if cfg.Key == nil {
		return nil, errors.New("map lookup: Key is required")
	}
	if cfg.Slot < 0 {
		return nil, fmt.Errorf("map lookup: negative slot %d", cfg.Slot)
	}
	file := "lookup"
	if id, ok := src.(stream.Identified); ok {
		file = id.Identity()
	}
	on, err := lookupColumn(file, src.Schema(), cfg.On)
	if err != nil {
		return nil, err
	}
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = 4096
	}
	return &MapLookup{src: src, cfg: cfg, on: on, kind: src.Schema().Fields[on].Kind}, nil
}

// Rows returns the number of distinct keys loaded (0 before the first
// Load).
func (m *MapLookup) Rows() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.rows)
}

// Close closes the lookup source if it is still open.
func (m *MapLookup) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closeSource()
}

func (m *MapLookup) closeSource() error {
	if m.closed {
		return nil
	}
	m.closed = true
	if c, ok := m.src.(stream.Closer); ok {
		return c.Close()
	}
	return nil
}

// load reads the whole source into m.rows.
func (m *MapLookup) load(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded.Load() {
		return nil
	}
	if m.closed {
		return ErrClosed
	}
	schema := m.src.Schema()
	rows := make(map[any]map[string]any)
	var pos stream.Position
	for {
		chunk, err := m.src.Fetch(ctx, pos, m.cfg.ChunkSize)
		if err != nil {
			return err
		}
		for _, rec := range chunk.Records {
			k := rec[m.on]
			if k == nil {
				continue
			}
			h := value.HashKey(k)
			if _, dup := rows[h]; !dup {
				rows[h] = rowMap(schema, rec)
			}
		}
		if chunk.Done {
			break
		}
		if len(chunk.Records) == 0 && samePosition(chunk.Next, pos) {
			return fmt.Errorf("map lookup: source made no progress at %v", pos)
		}
		pos = chunk.Next
	}
	m.rows = rows
	m.loaded.Store(true)
	return m.closeSource()
}

// Load attaches the matching row to every record of chunk, loading the
// source first if this is the first call.
func (m *MapLookup) Load(ctx context.Context, chunk []value.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !m.loaded.Load() {
		if err := m.load(ctx); err != nil {
			return err
		}
	}
	keys := make([]any, len(chunk))
	for i, rec := range chunk {
		if k := lookupKey(m.cfg.Key(rec), m.kind); k != nil {
			keys[i] = value.HashKey(k)
		}
	}
	return storeRows(chunk, keys, m.rows, m.cfg.Slot)
}
