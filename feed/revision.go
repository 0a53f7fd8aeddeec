package feed

import (
	"slices"
	"time"
)

// WithRevisions returns a snapshot in which each post whose content hash
// maps to a time in revised, later than its Updated, shows that time as its
// Updated: a correction published without a newer last_modified_at gets a
// new updated, and keeps its ID. The time enters the validators of the
// post's feeds. Posts a reload keeps carry their revision along; s is not
// modified, and is returned as it is when nothing changes.
func (s *Snapshot) WithRevisions(revised map[[32]byte]time.Time) *Snapshot {
	var all []*Post
	for i, p := range s.all {
		t, ok := revised[p.Hash]
		if !ok || !t.After(p.Updated) || p.revised.Equal(t) {
			continue
		}
		if all == nil {
			all = slices.Clone(s.all)
		}
		c := *p
		c.Updated, c.revised = t, t
		all[i] = &c
	}
	if all == nil {
		return s
	}
	n := NewSnapshot(s.Site, s.fsys, all, s.Problems, s.Loaded)
	n.Warnings = s.Warnings
	n.items, n.bodies = s.items, s.bodies // a revised post is a new *Post: its item is made again
	if len(s.tombstones) == 0 {
		return n
	}
	return n.WithTombstones(s.tombstones)
}
