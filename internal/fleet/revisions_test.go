package fleet

import (
	"context"
	"encoding/hex"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/redistest"
)

// correctedSite is a site of two posts, a1 and a2, loaded by two replicas
// (prevA, prevB) before a1 was corrected under the same ID and again after
// it (nextA, nextB).
type correctedSite struct {
	*fleetSite
	a1, a2                     string // paths
	a1Updated, a2Updated       time.Time
	prevA, prevB, nextA, nextB *feed.Snapshot
}

func newCorrectedSite(t *testing.T) *correctedSite {
	t.Helper()
	c := &correctedSite{fleetSite: newFleetSite(t)}
	c.a1 = c.post("a1", "甲报一", 3, "jiabao", "甲报新闻")
	c.a2 = c.post("a2", "甲报二", 2, "jiabao", "甲报新闻")
	c.prevA, c.prevB = c.load(nil), c.load(nil)
	c.a1Updated = postByPath(t, c.prevA, c.a1).Updated
	c.a2Updated = postByPath(t, c.prevA, c.a2).Updated
	c.post("a1", "甲报一（更正）", 3, "jiabao", "甲报新闻") // same file, same ID, other content
	c.nextA, c.nextB = c.load(c.prevA), c.load(c.prevB)
	if d := DiffPosts(c.prevA, c.nextA); len(d.gone) != 1 || len(d.added) != 1 {
		t.Fatalf("correcting a1: %d gone, %d added; want 1 and 1", len(d.gone), len(d.added))
	}
	if postByPath(t, c.prevA, c.a1).ItemID() != postByPath(t, c.nextA, c.a1).ItemID() {
		t.Fatal("the correction changed a1's ID")
	}
	return c
}

// checkUpdated checks the Updated of a1 and a2 in snap.
func (c *correctedSite) checkUpdated(t *testing.T, what string, snap *feed.Snapshot, a1 time.Time) {
	t.Helper()
	if got := postByPath(t, snap, c.a1).Updated; !got.Equal(a1) {
		t.Errorf("%s: a1 updated %v, want %v", what, got, a1)
	}
	if got := postByPath(t, snap, c.a2).Updated; !got.Equal(c.a2Updated) {
		t.Errorf("%s: a2 (unchanged) updated %v, want its own %v", what, got, c.a2Updated)
	}
}

// revisionScore returns the time Redis holds for the content of the post
// at path in snap.
func revisionScore(t *testing.T, client redis.UniversalClient, snap *feed.Snapshot, path string) (time.Time, bool) {
	t.Helper()
	h := postByPath(t, snap, path).Hash
	score, err := client.ZScore(context.Background(), revisionKey, hex.EncodeToString(h[:])).Result()
	if err == redis.Nil {
		return time.Time{}, false
	}
	if err != nil {
		t.Fatalf("ZSCORE: %v", err)
	}
	return time.Unix(int64(score), 0), true
}

func TestRevisionsSharedFirstNoticeWins(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client()
	for _, tt := range []struct {
		name            string
		firstAt, second int // hours after the site's clock of each replica's Apply
	}{
		{"second replica later", 1, 3},
		{"second replica's clock behind", 3, 1}, // the first to notice wins, not the earliest time
		{"same second", 2, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			flushRedis(t, client)
			c := newCorrectedSite(t)
			first := NewRevisions(client, quietLog())
			second := NewRevisions(client, quietLog())
			t1 := c.at(tt.firstAt).Add(700 * time.Millisecond) // Apply keeps whole seconds
			t2 := c.at(tt.second).Add(300 * time.Millisecond)
			want := t1.Truncate(time.Second)

			gotA := first.Apply(DiffPosts(c.prevA, c.nextA), t1)
			gotB := second.Apply(DiffPosts(c.prevB, c.nextB), t2)
			c.checkUpdated(t, "first replica", gotA, want)
			c.checkUpdated(t, "second replica", gotB, want)
			if got := gotB.SiteFeed().Updated(-1); !got.Equal(want) {
				t.Errorf("second replica's site feed updated %v, want %v", got, want)
			}
			if got := postByPath(t, c.nextB, c.a1).Updated; !got.Equal(c.a1Updated) {
				t.Errorf("Apply modified its input: a1 updated %v, want %v", got, c.a1Updated)
			}
			if got, ok := revisionScore(t, client, c.nextA, c.a1); !ok || !got.Equal(want) {
				t.Errorf("Redis holds %v (%v), want %v", got, ok, want)
			}

			// A replica started after the change never saw the earlier
			// content: it applies what Redis holds.
			late := NewRevisions(client, quietLog())
			snap := c.load(nil)
			c.checkUpdated(t, "replica started later", late.Apply(DiffPosts(nil, snap), c.at(10)), want)

			// A reload that changes nothing keeps the revision.
			again := c.load(gotB)
			c.checkUpdated(t, "second replica's next reload", second.Apply(DiffPosts(gotB, again), c.at(11)), want)

			// A second correction is a new revision, noticed anew.
			c.post("a1", "甲报一（再更正）", 3, "jiabao", "甲报新闻")
			t3, t4 := c.at(20), c.at(21)
			nextA2, nextB2 := c.load(gotA), c.load(again)
			c.checkUpdated(t, "first replica, second correction", first.Apply(DiffPosts(gotA, nextA2), t3), t3)
			c.checkUpdated(t, "second replica, second correction", second.Apply(DiffPosts(again, nextB2), t4), t3)
		})
	}
}

func TestRevisionsWithoutRedis(t *testing.T) {
	c := newCorrectedSite(t)
	first := NewRevisions(nil, quietLog())
	second := NewRevisions(nil, quietLog())
	t1, t2 := c.at(1).Add(400*time.Millisecond), c.at(2) // Apply keeps whole seconds
	for _, tt := range []struct {
		name string
		got  *feed.Snapshot
		want time.Time
	}{
		{"first replica", first.Apply(DiffPosts(c.prevA, c.nextA), t1), t1.Truncate(time.Second)},
		{"second replica: its own time", second.Apply(DiffPosts(c.prevB, c.nextB), t2), t2},
		{"replica started later: the post's own", NewRevisions(nil, quietLog()).Apply(DiffPosts(nil, c.load(nil)), t2), c.a1Updated},
		{"first replica, reload without change", first.Apply(DiffPosts(c.nextA, c.nextA.At(c.at(3))), c.at(3)), t1.Truncate(time.Second)},
	} {
		t.Run(tt.name, func(t *testing.T) { c.checkUpdated(t, tt.name, tt.got, tt.want) })
	}
	t.Run("nil Revisions", func(t *testing.T) {
		var r *Revisions
		if got := r.Apply(DiffPosts(c.prevA, c.nextA), t1); got != c.nextA {
			t.Error("a nil *Revisions did not return the next snapshot as it is")
		}
	})
	t.Run("nothing changed", func(t *testing.T) {
		r := NewRevisions(nil, quietLog())
		if got := r.Apply(DiffPosts(nil, c.prevA), t1); got != c.prevA {
			t.Error("without revisions, Apply did not return the next snapshot as it is")
		}
	})
}

// TestRevisionsFrontMatterLater checks that a correction whose
// last_modified_at is later than the time it is noticed keeps its own.
func TestRevisionsFrontMatterLater(t *testing.T) {
	srv := redistest.Start(t)
	s := newFleetSite(t)
	date := s.clock.AddDate(0, 0, -3).In(siteZone)
	file := "_posts/" + date.Format(time.DateOnly) + "-m.md"
	write := func(title string, modified time.Time) {
		s.Write(file, "---\ntitle: "+title+"\ndate: "+date.Format("2006-01-02 15:04:05 -0700")+
			"\nlast_modified_at: "+modified.In(siteZone).Format("2006-01-02 15:04:05 -0700")+"\n---\n<p>"+title+"</p>\n")
	}
	write("before", date)
	prev := s.load(nil)
	modified := s.at(48) // later than the Apply below
	write("after", modified)
	next := s.load(prev)
	got := NewRevisions(srv.Client(), quietLog()).Apply(DiffPosts(prev, next), s.at(1))
	if u := postByPath(t, got, file).Updated; !u.Equal(modified) {
		t.Errorf("updated %v, want last_modified_at %v", u, modified)
	}
}

func TestRevisionsRedisDown(t *testing.T) {
	for _, tt := range []struct {
		name   string
		client func(*testing.T, *redistest.Server) redis.UniversalClient
	}{
		{"default client", func(_ *testing.T, s *redistest.Server) redis.UniversalClient { return s.Client() }},
		{"fail-fast client", func(t *testing.T, s *redistest.Server) redis.UniversalClient { return failFastClient(t, s) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := redistest.Start(t)
			client := tt.client(t, srv)
			c := newCorrectedSite(t)
			rec := &logRecorder{}
			r := NewRevisions(client, slog.New(rec))
			// A first swap while Redis is up, so that the client holds a
			// connection that the kill breaks.
			r.Apply(DiffPosts(nil, c.prevA), c.at(0))
			srv.Kill()

			t1 := c.at(1)
			start := time.Now()
			got := r.Apply(DiffPosts(c.prevA, c.nextA), t1)
			if d := time.Since(start); d > revisionTimeout+time.Second {
				t.Errorf("Apply took %v with Redis down", d)
			}
			c.checkUpdated(t, "Redis down", got, t1)
			if !rec.warned("revisions not shared") {
				t.Errorf("no warning logged; log: %q", rec.msgs)
			}

			// Redis back (empty): this replica still shows the revision it
			// noticed, carried by the post its reload keeps.
			srv.Restart()
			next := c.load(got)
			c.checkUpdated(t, "Redis back", r.Apply(DiffPosts(got, next), c.at(2)), t1)

			// What was noticed during the outage reached Redis at that
			// swap, so a replica started now agrees.
			if got, ok := revisionScore(t, client, c.nextA, c.a1); !ok || !got.Equal(t1) {
				t.Errorf("after the outage Redis holds %v (%v), want %v", got, ok, t1)
			}
			late := NewRevisions(client, quietLog())
			c.checkUpdated(t, "replica started after the outage", late.Apply(DiffPosts(nil, c.load(nil)), c.at(3)), t1)
		})
	}
}
