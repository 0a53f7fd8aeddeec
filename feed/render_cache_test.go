package feed

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// contentOfSize returns content that makes an item of about size bytes, as
// the cache counts them.
func contentOfSize(size int) string {
	base := (&item{}).size()
	per := (&item{content: "x"}).size() - base
	return strings.Repeat("x", (size-base)/per+1)
}

func TestItemCacheBounded(t *testing.T) {
	var c itemCache
	big := contentOfSize(itemCacheBytes / 4) // an item of a quarter of the bound
	posts := make([]*Post, 12)
	for i := range posts {
		posts[i] = &Post{Path: string(rune('a' + i))}
		c.put(posts[i], &item{content: big})
		if n := len(c.cur) + len(c.old); n > 8 {
			t.Fatalf("after %d puts the cache holds %d items of a quarter of its bound", i+1, n)
		}
		if c.curBytes > itemCacheBytes {
			t.Fatalf("current generation holds %d bytes, bound %d", c.curBytes, itemCacheBytes)
		}
	}
	if _, ok := c.get(posts[0]); ok {
		t.Error("the oldest item survived two generations")
	}
	last := posts[len(posts)-1]
	if it, ok := c.get(last); !ok || it.content != big {
		t.Error("the newest item is missing")
	}
	c.reset()
	if _, ok := c.get(last); ok {
		t.Error("reset kept an item")
	}
}

func TestItemCachePromotes(t *testing.T) {
	var c itemCache
	big := contentOfSize(itemCacheBytes/3 + 64) // two fit in a generation, three do not
	a, b, d := &Post{Path: "a"}, &Post{Path: "b"}, &Post{Path: "d"}
	c.put(a, &item{content: big})
	c.put(b, &item{content: big})
	c.put(d, &item{content: big}) // a, b move to the old generation
	if _, ok := c.get(a); !ok {   // a comes back to the current one
		t.Fatal("a was dropped too early")
	}
	c.put(&Post{Path: "e"}, &item{content: big}) // rotates: old is now {d, a}
	if _, ok := c.get(a); !ok {
		t.Error("a recently used item was dropped")
	}
	if _, ok := c.get(b); ok {
		t.Error("b, not used since, survived")
	}
}

func TestItemCachePutKeepsFirst(t *testing.T) {
	var c itemCache
	p := &Post{Path: "p"}
	first, second := &item{content: "1"}, &item{content: "2"}
	if got := c.put(p, first); got != first {
		t.Fatal("put of a new post did not keep its item")
	}
	before := c.curBytes
	if got := c.put(p, second); got != first {
		t.Error("a second put replaced the first item")
	}
	if c.curBytes != before {
		t.Errorf("a second put counted the post twice: %d bytes, was %d", c.curBytes, before)
	}
}

// TestRenderConcurrent renders every feed of one snapshot from many
// goroutines at once, the item cache filling as they go; run with -race.
func TestRenderConcurrent(t *testing.T) {
	want := map[string]string{}
	ref := fixtureSnapshot(t)
	for _, f := range allFeeds(ref) {
		for _, format := range formats {
			want[f.Path(format)] = renderString(t, ref, f, format, 0)
		}
	}
	s := fixtureSnapshot(t)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			feeds := allFeeds(s)
			for i := range feeds {
				f := feeds[(i+g)%len(feeds)]
				for _, format := range formats {
					var buf bytes.Buffer
					if err := s.Render(&buf, f, format, 0); err != nil {
						errs <- err.Error()
						return
					}
					if buf.String() != want[f.Path(format)] {
						errs <- f.Path(format) + " differs under concurrency"
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
