package fleet

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/sitetest"
)

func TestTombstonesExpireWithoutRedis(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	load := func() *feed.Snapshot {
		snap, err := feed.Load(context.Background(), os.DirFS(s.Root), feed.LoadOptions{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	before := load()
	s.Remove("_posts/2026-10-02-a2.md")
	after := load()
	ts := NewTombstones(7, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))

	got := ts.Apply(DiffPosts(before, after), after, now)
	if n := len(got.SiteFeed().Tombstones()); n != 1 {
		t.Fatalf("%d tombstones after the removal, want 1", n)
	}
	if want := now.Add(7 * 24 * time.Hour); !ts.NextExpiry().Equal(want) {
		t.Errorf("next expiry %v, want %v", ts.NextExpiry(), want)
	}
	// Later swaps keep it, dated when it was first noticed, until it expires.
	next := after.At(now.Add(time.Hour))
	later := ts.Apply(DiffPosts(after, next), next, now.Add(7*24*time.Hour-time.Second))
	if tb := later.SiteFeed().Tombstones(); len(tb) != 1 || !tb[0].When.Equal(now) {
		t.Fatalf("a second before expiry: %v", tb)
	}
	gone := ts.Apply(DiffPosts(after, after), after, now.Add(7*24*time.Hour))
	if n := len(gone.SiteFeed().Tombstones()); n != 0 || !ts.NextExpiry().IsZero() {
		t.Fatalf("at expiry: %d tombstones, next expiry %v", n, ts.NextExpiry())
	}
	if gone.SiteFeed().Validator("atom", 20) != after.SiteFeed().Validator("atom", 20) {
		t.Error("an expired tombstone left the validator changed")
	}
	// Off: no tombstones at all.
	if off := NewTombstones(0, nil, nil).Apply(DiffPosts(before, after), after, now); len(off.SiteFeed().Tombstones()) != 0 {
		t.Error("TOMBSTONE_DAYS=0 still made tombstones")
	}
}
