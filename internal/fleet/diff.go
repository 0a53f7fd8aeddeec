package fleet

import (
	"time"

	"github.com/feedwire/feedwire/feed"
)

// Diff is what a swap changes in the loaded posts, by identity: a
// reload keeps the *feed.Post of every file it did not read again, so only
// the posts it read are compared by ID and content.
type Diff struct {
	next       *feed.Snapshot
	prev       *feed.Snapshot // nil for the first snapshot
	prevLoaded time.Time      // when the previous snapshot was indexed: its posts dated later were held back
	gone       []*feed.Post   // posts of the previous snapshot that the next lacks
	added      []*feed.Post   // posts of the next snapshot that the previous lacked
}

// DiffPosts compares the loaded posts of prev and next. With no prev, there
// is nothing to compare: every post is simply there.
func DiffPosts(prev, next *feed.Snapshot) *Diff {
	d := &Diff{next: next, prev: prev}
	if prev == nil {
		return d
	}
	d.prevLoaded = prev.Loaded
	a, b := prev.AllPosts(), next.AllPosts()
	if len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0]) {
		return d // re-indexed, not reloaded (Snapshot.At): the same posts
	}
	before := make(map[*feed.Post]struct{}, len(prev.AllPosts()))
	for _, p := range prev.AllPosts() {
		before[p] = struct{}{}
	}
	for _, p := range next.AllPosts() {
		if _, ok := before[p]; ok {
			delete(before, p)
		} else {
			d.added = append(d.added, p)
		}
	}
	for _, p := range prev.AllPosts() {
		if _, ok := before[p]; ok {
			d.gone = append(d.gone, p) // in load order, not map order
		}
	}
	return d
}
