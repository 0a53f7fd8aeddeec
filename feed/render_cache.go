package feed

import "sync"

// itemCacheBytes bounds the memory that a snapshot spends on processed item
// content: about twice this many bytes at most, over two generations.
const itemCacheBytes = 16 << 20

// item is a post's content as every format publishes it: HTML with absolute
// URLs and the plain-text summary, both free of characters XML forbids.
type item struct {
	content string // full HTML; empty when the site publishes summaries only
	summary string

	enc [JSON + 1]encodedItem // the item in each format, made on first use
}

// size bounds the memory an item holds, its encodings included whether made
// yet or not: each is at most about as long as the content and summary (the
// XML ones share the content with the item).
func (it *item) size() int { return (1+len(it.enc))*(len(it.content)+len(it.summary)) + 1024 }

// itemCache keeps processed items so that a snapshot's three formats, later
// requests, and later snapshots that keep the same posts share the work. The
// zero value is ready to use.
type itemCache struct{ generations[*Post, *item] }

// get returns the cached item of p, if any.
func (c *itemCache) get(p *Post) (*item, bool) { return c.generations.get(p) }

// put stores the item of p and returns the item to use: it, or the one
// another goroutine stored first, so that both share its encodings.
func (c *itemCache) put(p *Post, it *item) *item {
	return c.generations.put(p, it, it.size(), itemCacheBytes)
}

// RenderCacheBytes is the most memory that renders keep besides the
// snapshot: processed items and raw post files, two generations each. It is
// shared by a snapshot and the later snapshots of the same posts.
const RenderCacheBytes = 2*itemCacheBytes + 2*bodyCacheBytes

// bodyCacheBytes bounds the raw post files a snapshot keeps in memory, a
// generation: about twice this many bytes at most.
const bodyCacheBytes = 32 << 20

// bodyCache keeps raw post files by content hash: the files a reload read
// and the files renders read back. A render then needs no disk, and a post
// whose file changes after its snapshot was made still renders as that
// snapshot holds it, so a stream of changes does not make renders fail.
// The zero value is ready to use.
type bodyCache struct{ generations[[32]byte, []byte] }

// get returns the file whose content hash is h, if kept.
func (c *bodyCache) get(h [32]byte) ([]byte, bool) { return c.generations.get(h) }

// put keeps data, the file whose content hash is h; data must not change.
func (c *bodyCache) put(h [32]byte, data []byte) []byte {
	return c.generations.put(h, data, len(data)+64, bodyCacheBytes)
}

// generations is a map bounded by bytes, kept in two generations: when the
// current one is full it becomes the old one and the old one is dropped, so
// memory stays bounded (at about twice the limit) and recently used entries
// survive. It is safe for concurrent use; the zero value is ready to use.
type generations[K comparable, V any] struct {
	mu       sync.Mutex
	cur, old map[K]sized[V]
	curBytes int
}

// sized is a value with the bytes it accounts for and its generation's limit.
type sized[V any] struct {
	v           V
	size, limit int
}

// get returns the value of k, if any; a value found in the old generation
// moves to the current one.
func (c *generations[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.cur[k]; ok {
		return e.v, true
	}
	e, ok := c.old[k]
	if ok {
		c.putLocked(k, e)
	}
	return e.v, ok
}

// reset drops every entry.
func (c *generations[K, V]) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur, c.old, c.curBytes = nil, nil, 0
}

// put stores v, of size bytes, under k, with at most limit bytes a
// generation, and returns the value to use: v, or the one stored first.
func (c *generations[K, V]) put(k K, v V, size, limit int) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if first, ok := c.cur[k]; ok {
		return first.v
	}
	e := sized[V]{v, size, limit}
	if first, ok := c.old[k]; ok {
		e = first
	}
	c.putLocked(k, e)
	return e.v
}

// putLocked adds e to the current generation, which must not hold k,
// starting a new generation first when it would grow past the limit.
func (c *generations[K, V]) putLocked(k K, e sized[V]) {
	if c.cur == nil {
		c.cur = map[K]sized[V]{}
	}
	if c.curBytes+e.size > e.limit {
		c.old, c.cur, c.curBytes = c.cur, map[K]sized[V]{}, 0
	}
	c.cur[k] = e
	c.curBytes += e.size
}
