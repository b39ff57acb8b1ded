package stream

import (
	"context"
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	chunk := func(n int) Chunk[rec] {
		return Chunk[rec]{Records: makeRecs(n), Next: Position{Offset: int64(n)}, Bytes: int64(n) * 10}
	}
	key := func(id string, off int64, limit int) cacheKey {
		return cacheKey{identity: id, position: Position{Offset: off}.String(), limit: limit}
	}
	tests := []struct {
		name string
		opts CacheOptions
		run  func(t *testing.T, c *Cache, clk *ManualClock)
		want CacheStats
	}{
		{
			name: "hit returns a private copy",
			run: func(t *testing.T, c *Cache, _ *ManualClock) {
				orig := chunk(3)
				cachePut(c, key("a", 0, 3), orig)
				orig.Records[0].ID = 99 // the caller's records are its own
				got, ok := cacheGet[rec](c, key("a", 0, 3))
				if !ok || got.Records[0].ID != 0 || got.Next.Offset != 3 || got.Bytes != 30 {
					t.Fatalf("get = %+v, %v", got, ok)
				}
				got.Records[1].ID = 42
				again, _ := cacheGet[rec](c, key("a", 0, 3))
				if again.Records[1].ID != 1 {
					t.Fatal("a hit shares records with the cache")
				}
			},
			want: CacheStats{Hits: 2, Entries: 1, Bytes: 30},
		},
		{
			name: "key covers identity, position and limit",
			run: func(t *testing.T, c *Cache, _ *ManualClock) {
				cachePut(c, key("sales?region=1", 0, 10), chunk(10))
				for _, k := range []cacheKey{key("sales?region=2", 0, 10), key("sales?region=1", 10, 10), key("sales?region=1", 0, 5)} {
					if _, ok := cacheGet[rec](c, k); ok {
						t.Fatalf("%+v hit another key's entry", k)
					}
				}
				if _, ok := cacheGet[int](c, key("sales?region=1", 0, 10)); ok {
					t.Fatal("hit an entry of another record type")
				}
			},
			want: CacheStats{Hits: 1, Misses: 3, Entries: 1, Bytes: 100},
		},
		{
			name: "ttl",
			opts: CacheOptions{TTL: time.Minute},
			run: func(t *testing.T, c *Cache, clk *ManualClock) {
				cachePut(c, key("a", 0, 1), chunk(1))
				clk.Advance(59 * time.Second)
				if _, ok := cacheGet[rec](c, key("a", 0, 1)); !ok {
					t.Fatal("expired early")
				}
				clk.Advance(time.Second)
				if _, ok := cacheGet[rec](c, key("a", 0, 1)); ok {
					t.Fatal("served after its TTL")
				}
			},
			want: CacheStats{Hits: 1, Misses: 1, Expirations: 1},
		},
		{
			name: "entry limit evicts the least recently used",
			opts: CacheOptions{MaxEntries: 2},
			run: func(t *testing.T, c *Cache, _ *ManualClock) {
				cachePut(c, key("a", 0, 1), chunk(1))
				cachePut(c, key("b", 0, 1), chunk(1))
				cacheGet[rec](c, key("a", 0, 1)) // a is now the most recent
				cachePut(c, key("c", 0, 1), chunk(1))
				if _, ok := cacheGet[rec](c, key("b", 0, 1)); ok {
					t.Fatal("b should have been evicted")
				}
				for _, id := range []string{"a", "c"} {
					if _, ok := cacheGet[rec](c, key(id, 0, 1)); !ok {
						t.Fatalf("%s evicted", id)
					}
				}
			},
			want: CacheStats{Hits: 3, Misses: 1, Evictions: 1, Entries: 2, Bytes: 20},
		},
		{
			name: "byte limit",
			opts: CacheOptions{MaxBytes: 110},
			run: func(t *testing.T, c *Cache, _ *ManualClock) {
				cachePut(c, key("a", 0, 6), chunk(6))
				cachePut(c, key("b", 0, 6), chunk(6)) // 120 > 110: a goes
				cachePut(c, key("huge", 0, 20), chunk(20))
				cachePut(c, key("b", 0, 6), chunk(6)) // replaces, no eviction
				var zero Chunk[rec]
				zero.Records = make([]rec, 1)
				cachePut(c, key("sized", 0, 1), zero) // no Bytes: estimated from the record size
			},
			want: CacheStats{Evictions: 1, Entries: 2, Bytes: 60 + 48},
		},
		{
			name: "invalidate and purge",
			run: func(t *testing.T, c *Cache, _ *ManualClock) {
				for off := range int64(3) {
					cachePut(c, key("x", off, 1), chunk(1))
				}
				cachePut(c, key("y", 0, 1), chunk(1))
				if n := c.Invalidate("x"); n != 3 {
					t.Fatalf("invalidated %d, want 3", n)
				}
				if c.Stats().Entries != 1 {
					t.Fatal("invalidated another identity")
				}
				c.Purge()
			},
			want: CacheStats{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := NewManualClock(t0)
			tt.opts.Clock = clk
			c := NewCache(tt.opts)
			tt.run(t, c, clk)
			if got := c.Stats(); got != tt.want {
				t.Fatalf("stats %+v, want %+v", got, tt.want)
			}
		})
	}
	if r := (CacheStats{Hits: 3, Misses: 1}).HitRate(); r != 0.75 {
		t.Fatalf("hit rate %v", r)
	}
	if r := (CacheStats{}).HitRate(); r != 0 {
		t.Fatalf("empty hit rate %v", r)
	}
}

// Sources without an identity are never cached.
func TestCacheNeedsIdentity(t *testing.T) {
	cache := NewCache(CacheOptions{})
	src := newFaultSource(100) // ID ""
	for range 2 {
		if _, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: (&collector{}).sink, Options: Options{Cache: cache}}); err != nil {
			t.Fatal(err)
		}
	}
	if st := cache.Stats(); st.Entries != 0 || st.Hits+st.Misses != 0 || src.NCalls() != 2 {
		t.Fatalf("stats %+v after %d calls", st, src.NCalls())
	}
}
