package stream

import (
	"container/list"
	"slices"
	"sync"
	"time"
	"unsafe"
)

// Cache defaults, applied to zero-valued [CacheOptions] fields.
const (
	DefaultCacheTTL        = 5 * time.Minute
	DefaultCacheMaxEntries = 1000
	DefaultCacheMaxBytes   = 64 << 20
)

// CacheOptions configures a [Cache]. The zero value is valid.
type CacheOptions struct {
	// TTL is how long an entry is served after it was stored.
	// Default 5 minutes.
	TTL time.Duration
	// MaxEntries bounds the number of chunks held. Default 1000.
	MaxEntries int
	// MaxBytes bounds the bytes held, as reported by the source (Chunk.Bytes)
	// or estimated from the records' size. Default 64 MiB.
	MaxBytes int64
	// Clock ages the entries. Default: the system clock.
	Clock Clock
}

// Cache is a chunk cache shared by any number of pipelines, safe for
// concurrent use. An entry's key is the source's [Identified] identity
// (which must cover the query and its bound parameters), the position and
// the limit, so differently parameterised reports never share entries.
// Entries expire after the TTL; past the entry or byte limit the least
// recently used ones are evicted. Records are copied in and out (shallowly:
// records holding maps or pointers share what they point to).
type Cache struct {
	ttl        time.Duration
	maxEntries int
	maxBytes   int64
	clock      Clock

	mu    sync.Mutex
	lru   *list.List // of *cacheEntry, most recent at the front
	items map[cacheKey]*list.Element
	bytes int64
	stats CacheStats
}

// CacheStats counts a cache's activity.
type CacheStats struct {
	Hits, Misses, Evictions, Expirations int64
	// Entries and Bytes are what the cache holds now.
	Entries int
	Bytes   int64
}

// HitRate returns Hits / (Hits + Misses), or 0 before any lookup.
func (s CacheStats) HitRate() float64 {
	if s.Hits+s.Misses == 0 {
		return 0
	}
	return float64(s.Hits) / float64(s.Hits+s.Misses)
}

type cacheKey struct {
	identity string
	position string
	limit    int
}

type cacheEntry struct {
	key     cacheKey
	value   any
	size    int64
	expires time.Time
}

// NewCache returns an empty cache.
func NewCache(o CacheOptions) *Cache {
	if o.TTL <= 0 {
		o.TTL = DefaultCacheTTL
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultCacheMaxEntries
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultCacheMaxBytes
	}
	if o.Clock == nil {
		o.Clock = SystemClock()
	}
	return &Cache{
		ttl: o.TTL, maxEntries: o.MaxEntries, maxBytes: o.MaxBytes, clock: o.Clock,
		lru: list.New(), items: make(map[cacheKey]*list.Element),
	}
}

func (c *Cache) get(k cacheKey) (any, bool) {
	now := c.clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		c.stats.Misses++
		return nil, false
	}
	ent := el.Value.(*cacheEntry)
	if !now.Before(ent.expires) {
		c.removeLocked(el)
		c.stats.Expirations++
		c.stats.Misses++
		return nil, false
	}
	c.lru.MoveToFront(el)
	c.stats.Hits++
	return ent.value, true
}

func (c *Cache) put(k cacheKey, v any, size int64) {
	if size > c.maxBytes {
		return
	}
	expires := c.clock.Now().Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.removeLocked(el)
	}
	c.items[k] = c.lru.PushFront(&cacheEntry{key: k, value: v, size: size, expires: expires})
	c.bytes += size
	for c.lru.Len() > c.maxEntries || c.bytes > c.maxBytes {
		c.removeLocked(c.lru.Back())
		c.stats.Evictions++
	}
}

func (c *Cache) removeLocked(el *list.Element) {
	ent := c.lru.Remove(el).(*cacheEntry)
	delete(c.items, ent.key)
	c.bytes -= ent.size
}

// Invalidate drops every entry of the given source identity and returns
// how many it dropped. A pipeline that fails invalidates its source's
// entries, so a half-read or inconsistent source is read afresh next time.
func (c *Cache) Invalidate(identity string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		if el.Value.(*cacheEntry).key.identity == identity {
			c.removeLocked(el)
			n++
		}
		el = next
	}
	return n
}

// Purge drops every entry; the statistics are kept.
func (c *Cache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Init()
	clear(c.items)
	c.bytes = 0
}

// Stats returns the cache's counters and current size.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries, s.Bytes = c.lru.Len(), c.bytes
	return s
}

// cachedChunk is a chunk as stored: a private copy of the records.
type cachedChunk[T any] struct {
	recs  []T
	next  Position
	done  bool
	bytes int64
}

func cacheGet[T any](c *Cache, k cacheKey) (Chunk[T], bool) {
	v, ok := c.get(k)
	if !ok {
		return Chunk[T]{}, false
	}
	cc, ok := v.(*cachedChunk[T])
	if !ok { // same identity, different record type: not ours
		return Chunk[T]{}, false
	}
	return Chunk[T]{Records: slices.Clone(cc.recs), Next: cc.next, Done: cc.done, Bytes: cc.bytes}, true
}

func cachePut[T any](c *Cache, k cacheKey, ch Chunk[T]) {
	size := ch.Bytes
	if size <= 0 {
		var zero T
		size = int64(len(ch.Records)) * int64(unsafe.Sizeof(zero))
	}
	c.put(k, &cachedChunk[T]{recs: slices.Clone(ch.Records), next: ch.Next, done: ch.Done, bytes: ch.Bytes}, size)
}
