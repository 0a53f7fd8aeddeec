package feed

import (
	"strings"
	"testing"
	"time"
)

func TestWithRevisions(t *testing.T) {
	s := fixtureSnapshot(t)
	p := s.Posts()[len(s.Posts())-1]
	later := updatedOf(p).Add(48 * time.Hour).UTC()
	n := s.WithRevisions(map[[32]byte]time.Time{p.Hash: later})
	if n == s {
		t.Fatal("a later revision changed nothing")
	}
	var revised *Post
	for _, q := range n.Posts() {
		if q.Path == p.Path {
			revised = q
		}
	}
	if revised == nil || !revised.Updated.Equal(later) || revised.ItemID() != p.ItemID() {
		t.Fatalf("revised post %+v: want Updated %v and the same ID", revised, later)
	}
	if p.Updated.Equal(later) {
		t.Fatal("the original post was modified")
	}
	doc := renderString(t, n, n.SiteFeed(), Atom, -1)
	if !strings.Contains(doc, "<updated>"+later.Format(time.RFC3339)+"</updated>") {
		t.Errorf("the revision time is not in the document:\n%s", doc)
	}
	for _, format := range []string{"rss", "atom", "json"} {
		if n.SiteFeed().Validator(format, -1) == s.SiteFeed().Validator(format, -1) {
			t.Errorf("%s validator unchanged by a revision", format)
		}
	}
	// Feeds without the post keep their validators.
	for _, f := range n.Categories() {
		if !containsPath(f.Posts, p.Path) {
			if old := lookupFeed(t, s, f); old.Validator("atom", 20) != f.Validator("atom", 20) {
				t.Errorf("%s changed without the revised post", f.Path(Atom))
			}
		}
	}
	// Applying the same revisions again, or an earlier time, changes nothing.
	if n.WithRevisions(map[[32]byte]time.Time{p.Hash: later}) != n {
		t.Error("the same revision applied twice made a new snapshot")
	}
	if s.WithRevisions(map[[32]byte]time.Time{p.Hash: updatedOf(p).Add(-time.Hour)}) != s {
		t.Error("a revision older than the post's own update was applied")
	}
	// Tombstones survive.
	ts := []Tombstone{{ID: "https://example.com/gone", When: later}}
	if got := s.WithTombstones(ts).WithRevisions(map[[32]byte]time.Time{p.Hash: later}).Tombstones(); len(got) != 1 {
		t.Errorf("tombstones after revisions: %v", got)
	}
}

func containsPath(posts []*Post, path string) bool {
	for _, p := range posts {
		if p.Path == path {
			return true
		}
	}
	return false
}
