package fleet

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/sitetest"
)

func TestDiffPosts(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-03-b1.md", "乙报一", "2026-10-03 08:00:00", "yibao", "乙报新闻")
	// Loaded "an hour from now", so that the reload trusts the files'
	// stamps and keeps the posts it need not read.
	now := time.Now().Add(time.Hour)
	load := func(prev *feed.Snapshot) *feed.Snapshot {
		snap, err := feed.Load(context.Background(), os.DirFS(s.Root), feed.LoadOptions{Now: now, Previous: prev})
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	paths := func(posts []*feed.Post) []string {
		var out []string
		for _, p := range posts {
			out = append(out, p.Path)
		}
		slices.Sort(out)
		return out
	}
	prev := load(nil)
	s.Remove("_posts/2026-10-02-a2.md")
	s.Post("2026-10-03-b1.md", "乙报一（更正）", "2026-10-03 08:00:00", "yibao", "乙报新闻")
	next := load(prev)

	d := DiffPosts(prev, next)
	if got, want := paths(d.gone), []string{"_posts/2026-10-02-a2.md", "_posts/2026-10-03-b1.md"}; !slices.Equal(got, want) {
		t.Errorf("gone %q, want %q", got, want)
	}
	if got, want := paths(d.added), []string{"_posts/2026-10-03-b1.md"}; !slices.Equal(got, want) {
		t.Errorf("added %q, want %q", got, want)
	}
	if d := DiffPosts(next, next.At(now.Add(time.Minute))); len(d.gone)+len(d.added) != 0 {
		t.Errorf("re-indexing the same posts: %d gone, %d added", len(d.gone), len(d.added))
	}
	if d := DiffPosts(nil, next); len(d.gone)+len(d.added) != 0 {
		t.Errorf("first load: %d gone, %d added", len(d.gone), len(d.added))
	}
}
