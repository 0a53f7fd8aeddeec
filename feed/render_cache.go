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
// yet or not: each is about as long as the content and summary.
func (it *item) size() int { return (1+len(it.enc))*(len(it.content)+len(it.summary)) + 1024 }

// itemCache keeps processed items so that a snapshot's three formats, later
// requests, and later snapshots that keep the same posts share the work. It holds two generations: when the
// current one is full it becomes the old one and the old one is dropped, so
// memory stays bounded and recently used items survive. The zero value is
// ready to use.
type itemCache struct {
	mu       sync.Mutex
	cur, old map[*Post]*item
	curBytes int
}

// get returns the cached item of p, if any.
func (c *itemCache) get(p *Post) (*item, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if it, ok := c.cur[p]; ok {
		return it, true
	}
	it, ok := c.old[p]
	if ok {
		c.putLocked(p, it)
	}
	return it, ok
}

// reset drops every cached item.
func (c *itemCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur, c.old, c.curBytes = nil, nil, 0
}

// put stores the item of p and returns the item to use: it, or the one
// another goroutine stored first, so that both share its encodings.
func (c *itemCache) put(p *Post, it *item) *item {
	c.mu.Lock()
	defer c.mu.Unlock()
	if first, ok := c.cur[p]; ok {
		return first
	}
	if first, ok := c.old[p]; ok {
		it = first
	}
	c.putLocked(p, it)
	return it
}

// putLocked adds it to the current generation, which must not hold p,
// starting a new generation first when it would grow past the bound.
func (c *itemCache) putLocked(p *Post, it *item) {
	if c.cur == nil {
		c.cur = map[*Post]*item{}
	}
	if c.curBytes+it.size() > itemCacheBytes {
		c.old, c.cur, c.curBytes = c.cur, map[*Post]*item{}, 0
	}
	c.cur[p] = it
	c.curBytes += it.size()
}
