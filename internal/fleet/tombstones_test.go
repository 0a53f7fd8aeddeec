package fleet

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/redistest"
)

const tombstoneDays = 7

// tombstoneTTL is the life of a tombstone of NewTombstones(tombstoneDays).
const tombstoneTTL = tombstoneDays * 24 * time.Hour

// removedSite is a site of three posts loaded by two replicas (prevA,
// prevB) before a2 was removed and after (nextA, nextB).
type removedSite struct {
	*fleetSite
	a1, a2, b1                 string
	gone                       *feed.Post // a2 as loaded before its removal
	prevA, prevB, nextA, nextB *feed.Snapshot
}

func newRemovedSite(t *testing.T) *removedSite {
	t.Helper()
	r := &removedSite{fleetSite: newFleetSite(t)}
	r.a1 = r.post("a1", "甲报一", 3, "jiabao", "甲报新闻")
	r.a2 = r.post("a2", "甲报二", 2, "jiabao", "甲报新闻")
	r.b1 = r.post("b1", "乙报一", 1, "yibao", "乙报新闻")
	r.prevA, r.prevB = r.load(nil), r.load(nil)
	r.gone = postByPath(t, r.prevA, r.a2)
	r.Remove(r.a2)
	r.nextA, r.nextB = r.load(r.prevA), r.load(r.prevB)
	return r
}

// reapply applies ts to a reload of cur that changes nothing, at now: the
// swap a replica makes when a tombstone may expire.
func reapply(ts *Tombstones, cur *feed.Snapshot, now time.Time) *feed.Snapshot {
	next := cur.At(now)
	return ts.Apply(DiffPosts(cur, next), next, now)
}

// checkTombstones checks that snap carries exactly the tombstones of the
// posts want, each noticed at the time given.
func checkTombstones(t *testing.T, what string, snap *feed.Snapshot, want map[*feed.Post]time.Time) {
	t.Helper()
	got := snap.Tombstones()
	if len(got) != len(want) {
		t.Errorf("%s: %d tombstones %v, want %d", what, len(got), got, len(want))
		return
	}
	for p, when := range want {
		i := slices.IndexFunc(got, func(ts feed.Tombstone) bool { return ts.ID == p.ItemID() })
		if i < 0 {
			t.Errorf("%s: no tombstone of %s in %v", what, p.Path, got)
			continue
		}
		w := feed.TombstoneOf(p, when)
		if ts := got[i]; !ts.When.Equal(w.When) || !slices.Equal(ts.Categories, w.Categories) || !slices.Equal(ts.Tags, w.Tags) {
			t.Errorf("%s: tombstone %+v, want %+v", what, ts, w)
		}
	}
}

// tombstonesInRedis returns the number of tombstones Redis holds.
func tombstonesInRedis(t *testing.T, c redis.UniversalClient) int64 {
	t.Helper()
	n, err := c.ZCard(context.Background(), tombstoneKey).Result()
	if err != nil {
		t.Fatalf("ZCARD: %v", err)
	}
	return n
}

// tombstoneClients is the two ways to run Tombstones: alone, and sharing a
// Redis (flushed for each test).
func tombstoneClients(t *testing.T) []struct {
	name   string
	client func(*testing.T) redis.UniversalClient
} {
	srv := redistest.Start(t)
	shared := srv.Client()
	return []struct {
		name   string
		client func(*testing.T) redis.UniversalClient
	}{
		{"without Redis", func(*testing.T) redis.UniversalClient { return nil }},
		{"with Redis", func(t *testing.T) redis.UniversalClient { flushRedis(t, shared); return shared }},
	}
}

func TestTombstonesRemovedPost(t *testing.T) {
	for _, c := range tombstoneClients(t) {
		t.Run(c.name, func(t *testing.T) {
			r := newRemovedSite(t)
			ts := NewTombstones(tombstoneDays, c.client(t), quietLog())
			t1 := r.at(1).Add(600 * time.Millisecond)
			want := t1.Truncate(time.Second)
			got := ts.Apply(DiffPosts(r.prevA, r.nextA), r.nextA, t1)
			checkTombstones(t, "after the removal", got, map[*feed.Post]time.Time{r.gone: want})
			if len(r.nextA.Tombstones()) != 0 {
				t.Error("Apply modified its input")
			}
			// The feeds that carried the post show it; the others do not.
			for _, f := range []struct {
				name string
				feed func(*feed.Snapshot) (*feed.Feed, error)
				want int
			}{
				{"site", func(s *feed.Snapshot) (*feed.Feed, error) { return s.SiteFeed(), nil }, 1},
				{"category jiabao", func(s *feed.Snapshot) (*feed.Feed, error) { return s.Category("jiabao") }, 1},
				{"tag 甲报新闻", func(s *feed.Snapshot) (*feed.Feed, error) { return s.Tag("甲报新闻") }, 1},
				{"category yibao", func(s *feed.Snapshot) (*feed.Feed, error) { return s.Category("yibao") }, 0},
				{"tag 乙报新闻", func(s *feed.Snapshot) (*feed.Feed, error) { return s.Tag("乙报新闻") }, 0},
			} {
				fd, err := f.feed(got)
				if err != nil {
					t.Fatalf("%s: %v", f.name, err)
				}
				if n := len(fd.Tombstones()); n != f.want {
					t.Errorf("%s feed shows %d tombstones, want %d", f.name, n, f.want)
				}
			}
			if got := ts.NextExpiry(); !got.Equal(want.Add(tombstoneTTL)) {
				t.Errorf("NextExpiry %v, want %v", got, want.Add(tombstoneTTL))
			}
			// Later swaps keep showing it, dated as first noticed.
			checkTombstones(t, "a day later", reapply(ts, got, t1.Add(24*time.Hour)), map[*feed.Post]time.Time{r.gone: want})
		})
	}
}

func TestTombstonesSharedWhen(t *testing.T) {
	srv := redistest.Start(t)
	shared := srv.Client()
	for _, tt := range []struct {
		name            string
		redis           bool
		firstAt, second int // hours after the clock of each replica's Apply
		wantSecond      int // hours: the When the second replica shows
	}{
		{"shared, second replica later", true, 1, 5, 1},
		{"shared, second replica's clock behind", true, 5, 1, 5}, // first to notice wins
		{"own, second replica later", false, 1, 5, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var client redis.UniversalClient
			if tt.redis {
				flushRedis(t, shared)
				client = shared
			}
			r := newRemovedSite(t)
			first := NewTombstones(tombstoneDays, client, quietLog())
			second := NewTombstones(tombstoneDays, client, quietLog())
			gotA := first.Apply(DiffPosts(r.prevA, r.nextA), r.nextA, r.at(tt.firstAt))
			gotB := second.Apply(DiffPosts(r.prevB, r.nextB), r.nextB, r.at(tt.second))
			checkTombstones(t, "first replica", gotA, map[*feed.Post]time.Time{r.gone: r.at(tt.firstAt)})
			want := r.at(tt.wantSecond)
			checkTombstones(t, "second replica", gotB, map[*feed.Post]time.Time{r.gone: want})
			if got := second.NextExpiry(); !got.Equal(want.Add(tombstoneTTL)) {
				t.Errorf("second replica's NextExpiry %v, want %v", got, want.Add(tombstoneTTL))
			}
			if !tt.redis {
				return
			}
			if got := first.NextExpiry(); !got.Equal(want.Add(tombstoneTTL)) {
				t.Errorf("first replica's NextExpiry %v, want %v", got, want.Add(tombstoneTTL))
			}
			if n := tombstonesInRedis(t, shared); n != 1 {
				t.Errorf("Redis holds %d tombstones, want 1", n)
			}
			// A replica started after the removal never saw the post: it
			// shows what Redis holds.
			late := NewTombstones(tombstoneDays, client, quietLog())
			snap := r.load(nil)
			checkTombstones(t, "replica started later", late.Apply(DiffPosts(nil, snap), snap, r.at(10)), map[*feed.Post]time.Time{r.gone: want})
		})
	}
}

func TestTombstonesTTL(t *testing.T) {
	for _, c := range tombstoneClients(t) {
		for _, tt := range []struct {
			name  string
			after time.Duration // after the removal was noticed
			kept  bool
		}{
			{"a second before the TTL", tombstoneTTL - time.Second, true},
			{"at the TTL", tombstoneTTL, false},
			{"long after", 30 * 24 * time.Hour, false},
		} {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				client := c.client(t)
				r := newRemovedSite(t)
				first := NewTombstones(tombstoneDays, client, quietLog())
				second := NewTombstones(tombstoneDays, client, quietLog())
				t1 := r.at(1)
				gotA := first.Apply(DiffPosts(r.prevA, r.nextA), r.nextA, t1)
				gotB := second.Apply(DiffPosts(r.prevB, r.nextB), r.nextB, t1)

				later := t1.Add(tt.after)
				want := map[*feed.Post]time.Time{}
				if tt.kept {
					want[r.gone] = t1
				}
				checkTombstones(t, "first replica", reapply(first, gotA, later), want)
				checkTombstones(t, "second replica", reapply(second, gotB, later), want)
				if !tt.kept && !first.NextExpiry().IsZero() {
					t.Errorf("NextExpiry %v with no tombstone left", first.NextExpiry())
				}
				if client != nil {
					if n := tombstonesInRedis(t, client); n != int64(len(want)) {
						t.Errorf("Redis holds %d tombstones, want %d", n, len(want))
					}
				}
			})
		}
	}
}

func TestTombstonesPostBack(t *testing.T) {
	for _, c := range tombstoneClients(t) {
		t.Run(c.name, func(t *testing.T) {
			client := c.client(t)
			r := newRemovedSite(t)
			first := NewTombstones(tombstoneDays, client, quietLog())
			second := NewTombstones(tombstoneDays, client, quietLog())
			gotA := first.Apply(DiffPosts(r.prevA, r.nextA), r.nextA, r.at(1))
			gotB := second.Apply(DiffPosts(r.prevB, r.nextB), r.nextB, r.at(2))
			checkTombstones(t, "removed", gotA, map[*feed.Post]time.Time{r.gone: r.at(1)})

			// The post comes back, as it was.
			r.post("a2", "甲报二", 2, "jiabao", "甲报新闻")
			backA, backB := r.load(gotA), r.load(gotB)
			gotA = first.Apply(DiffPosts(gotA, backA), backA, r.at(3))
			gotB = second.Apply(DiffPosts(gotB, backB), backB, r.at(4))
			none := map[*feed.Post]time.Time{}
			checkTombstones(t, "first replica, post back", gotA, none)
			checkTombstones(t, "second replica, post back", gotB, none)
			if !first.NextExpiry().IsZero() || !second.NextExpiry().IsZero() {
				t.Errorf("NextExpiry %v, %v with the post back", first.NextExpiry(), second.NextExpiry())
			}
			if client != nil {
				if n := tombstonesInRedis(t, client); n != 0 {
					t.Errorf("Redis holds %d tombstones with the post back", n)
				}
			}

			// Removed again: a new tombstone, dated anew.
			r.Remove(r.a2)
			againA, againB := r.load(gotA), r.load(gotB)
			want := map[*feed.Post]time.Time{r.gone: r.at(5)}
			checkTombstones(t, "first replica, removed again", first.Apply(DiffPosts(gotA, againA), againA, r.at(5)), want)
			if client == nil {
				want[r.gone] = r.at(6)
			}
			checkTombstones(t, "second replica, removed again", second.Apply(DiffPosts(gotB, againB), againB, r.at(6)), want)
		})
	}
}

func TestTombstonesNextExpiry(t *testing.T) {
	for _, c := range tombstoneClients(t) {
		t.Run(c.name, func(t *testing.T) {
			var nilTombstones *Tombstones
			if !nilTombstones.NextExpiry().IsZero() {
				t.Error("a nil *Tombstones has a NextExpiry")
			}
			r := newRemovedSite(t)
			ts := NewTombstones(tombstoneDays, c.client(t), quietLog())
			if !ts.NextExpiry().IsZero() {
				t.Errorf("NextExpiry %v before any removal", ts.NextExpiry())
			}
			t1, t2 := r.at(1), r.at(30)
			cur := ts.Apply(DiffPosts(r.prevA, r.nextA), r.nextA, t1) // a2 removed
			b1 := postByPath(t, cur, r.b1)
			r.Remove(r.b1)
			next := r.load(cur)
			cur = ts.Apply(DiffPosts(cur, next), next, t2) // b1 removed
			for _, step := range []struct {
				name string
				now  time.Time
				want map[*feed.Post]time.Time
				next time.Time
			}{
				{"both", t2, map[*feed.Post]time.Time{r.gone: t1, b1: t2}, t1.Add(tombstoneTTL)},
				{"first expired", t1.Add(tombstoneTTL), map[*feed.Post]time.Time{b1: t2}, t2.Add(tombstoneTTL)},
				{"both expired", t2.Add(tombstoneTTL), nil, time.Time{}},
			} {
				cur = reapply(ts, cur, step.now)
				checkTombstones(t, step.name, cur, step.want)
				if got := ts.NextExpiry(); !got.Equal(step.next) {
					t.Errorf("%s: NextExpiry %v, want %v", step.name, got, step.next)
				}
			}
		})
	}
}

func TestTombstonesNone(t *testing.T) {
	srv := redistest.Start(t)
	for _, tt := range []struct {
		name string
		ts   *Tombstones
	}{
		{"nil", nil},
		{"0 days", NewTombstones(0, nil, quietLog())},
		{"0 days with Redis", NewTombstones(0, srv.Client(), quietLog())},
		{"negative days", NewTombstones(-1, srv.Client(), quietLog())},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRemovedSite(t)
			if got := tt.ts.Apply(DiffPosts(r.prevA, r.nextA), r.nextA, r.at(1)); got != r.nextA {
				t.Errorf("Apply did not return the next snapshot as it is; tombstones %v", got.Tombstones())
			}
			if !tt.ts.NextExpiry().IsZero() {
				t.Errorf("NextExpiry %v", tt.ts.NextExpiry())
			}
			if n, err := srv.Client().Exists(context.Background(), tombstoneKey).Result(); err != nil || n != 0 {
				t.Errorf("EXISTS %s = %d, %v; want 0", tombstoneKey, n, err)
			}
		})
	}
}

// TestTombstonesOnlyVisibleRemoved checks the removals that get no
// tombstone: a post that now fails to load, and one that was held back.
func TestTombstonesOnlyVisibleRemoved(t *testing.T) {
	for _, tt := range []struct {
		name    string
		change  func(s *fleetSite, path string) // after the first load
		future  bool                            // the post is dated after the load
		problem bool                            // the change makes the file a problem
		want    int
	}{
		{"removed", func(s *fleetSite, path string) { s.Remove(path) }, false, false, 1},
		{"now a problem", func(s *fleetSite, path string) { s.Write(path, "---\ntitle: [broken\n---\n<p>x</p>\n") }, false, true, 0},
		{"held back, removed", func(s *fleetSite, path string) { s.Remove(path) }, true, false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newFleetSite(t)
			s.post("a1", "甲报一", 3, "jiabao", "甲报新闻")
			days := 2
			if tt.future {
				days = -2
			}
			path := s.post("a2", "甲报二", days, "jiabao", "甲报新闻")
			prev := s.load(nil)
			if held := !slices.Contains(prev.Posts(), postByPath(t, prev, path)); held != tt.future {
				t.Fatalf("a2 held back %v, want %v", held, tt.future)
			}
			tt.change(s, path)
			next := s.load(prev)
			if d := DiffPosts(prev, next); len(d.gone) != 1 || len(d.added) != 0 {
				t.Fatalf("%d posts gone, %d added; want 1 and 0", len(d.gone), len(d.added))
			}
			problem := slices.ContainsFunc(next.Problems, func(p feed.Problem) bool { return p.Path == path })
			if problem != tt.problem {
				t.Fatalf("%s a problem %v, want %v: %v", path, problem, tt.problem, next.Problems)
			}
			got := NewTombstones(tombstoneDays, nil, quietLog()).Apply(DiffPosts(prev, next), next, s.at(1))
			if n := len(got.Tombstones()); n != tt.want {
				t.Errorf("%d tombstones, want %d; problems %v", n, tt.want, next.Problems)
			}
		})
	}
}

func TestTombstonesRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	client := failFastClient(t, srv)
	r := newRemovedSite(t)
	rec := &logRecorder{}
	ts := NewTombstones(tombstoneDays, client, slog.New(rec))
	cur := reapply(ts, r.prevA, r.at(0)) // Redis up: the client holds a connection
	srv.Kill()

	t1 := r.at(1)
	start := time.Now()
	got := ts.Apply(DiffPosts(cur, r.nextA), r.nextA, t1)
	if d := time.Since(start); d > tombstoneTimeout+time.Second {
		t.Errorf("Apply took %v with Redis down", d)
	}
	checkTombstones(t, "Redis down", got, map[*feed.Post]time.Time{r.gone: t1})
	if !rec.warned("tombstones not shared") {
		t.Errorf("no warning logged; log: %q", rec.msgs)
	}

	// Redis back, empty: the tombstone this replica kept is shared, with
	// its time, and a replica started now shows it too.
	srv.Restart()
	got = reapply(ts, got, r.at(2))
	checkTombstones(t, "Redis back", got, map[*feed.Post]time.Time{r.gone: t1})
	late := NewTombstones(tombstoneDays, client, quietLog())
	snap := r.load(nil)
	checkTombstones(t, "replica started after", late.Apply(DiffPosts(nil, snap), snap, r.at(3)), map[*feed.Post]time.Time{r.gone: t1})
}
