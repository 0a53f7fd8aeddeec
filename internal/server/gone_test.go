package server

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/cache"
	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/fleet"
	"github.com/feedwire/feedwire/internal/redistest"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// replica is a Server over real HTTP whose snapshots are amended by the
// fleet's records as cmd/feedwire's wiring amends them, at times the test
// chooses.
type replica struct {
	t          *testing.T
	URL        string
	root       string
	server     *Server
	revisions  *fleet.Revisions
	tombstones *fleet.Tombstones
}

// startReplica serves the site at root, loaded at now, with tombstones
// kept days days, sharing the fleet's records through client (nil: none).
func startReplica(t *testing.T, root string, days int, client redis.UniversalClient, now time.Time) *replica {
	t.Helper()
	r := &replica{t: t, root: root,
		revisions:  fleet.NewRevisions(client, nil),
		tombstones: fleet.NewTombstones(days, client, nil),
	}
	r.server = New(Options{FeedLimit: 20, MaxLimit: 100, MaxAge: 300, Modified: fleet.NewModified(client, nil),
		Cache: cache.NewTiered(cache.NewMemory(16<<20, nil), nil, cache.TieredOptions{})})
	r.reload(now)
	hs := httptest.NewServer(r.server.Handler())
	t.Cleanup(hs.Close)
	r.URL = hs.URL
	return r
}

// reload loads the posts again at now, amends and swaps them in.
func (r *replica) reload(now time.Time) {
	r.t.Helper()
	fsys := os.DirFS(r.root)
	site, err := config.Default().Site(fsys)
	if err != nil {
		r.t.Fatal(err)
	}
	prev := r.server.Snapshot()
	next, err := feed.Load(context.Background(), fsys, feed.LoadOptions{Site: site, Now: now, Previous: prev})
	if err != nil {
		r.t.Fatal(err)
	}
	r.swap(prev, next, now)
}

// republish re-indexes the served posts at now, as the reload loop does
// when a tombstone expires.
func (r *replica) republish(now time.Time) {
	r.t.Helper()
	prev := r.server.Snapshot()
	r.swap(prev, prev.At(now), now)
}

func (r *replica) swap(prev, next *feed.Snapshot, now time.Time) {
	r.t.Helper()
	diff := fleet.DiffPosts(prev, next)
	next = r.tombstones.Apply(diff, r.revisions.Apply(diff, now), now)
	if _, err := r.server.Swap(next); err != nil {
		r.t.Fatal(err)
	}
}

// TestFeedOfDeletedPostsThenGone removes the only post of a category and of
// a tag: their feeds keep answering, with the deleted entry and no item,
// for the tombstone period, then answer 410 Gone, on a replica that saw it
// happen and, through Redis, on one started afterwards.
func TestFeedOfDeletedPostsThenGone(t *testing.T) {
	for _, withRedis := range []bool{false, true} {
		name := "without Redis"
		if withRedis {
			name = "with Redis"
		}
		t.Run(name, func(t *testing.T) {
			var client redis.UniversalClient
			if withRedis {
				rs := redistest.Start(t)
				c := redis.NewClient(&redis.Options{Addr: rs.Addr()})
				t.Cleanup(func() { c.Close() })
				client = c
			}
			s := sitetest.New(t)
			s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
			s.Post("2026-10-02-b1.md", "乙报一", "2026-10-02 08:00:00", "yibao", "乙报新闻")
			now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
			r := startReplica(t, s.Root, 7, client, now)
			feeds := []string{"/categories/yibao/atom.xml", "/categories/yibao/feed.xml",
				"/tags/%E4%B9%99%E6%8A%A5%E6%96%B0%E9%97%BB/atom.xml", "/categories/YiBao/feed.json"}
			const id = "https://news.example.org/yibao/2026/10/02/b1" // jekyll-feed's id of the post

			s.Post("2026-10-03-c1.md", "丙报一", "2026-10-03 08:00:00", "bingbao", "丙报新闻")
			r.reload(now.Add(time.Minute))
			s.Remove("_posts/2026-10-02-b1.md")
			// A post that breaks is reported, not retracted: its feed is
			// simply not found, never gone.
			s.Write("_posts/2026-10-03-c1.md", "---\ntitle: \"坏\"标题\"\ncategories: bingbao\n---\n<p>x</p>\n")
			r.reload(now.Add(time.Hour))
			for _, path := range feeds {
				resp, b := get(t, "GET", r.URL+path, nil)
				if resp.StatusCode != 200 {
					t.Fatalf("%s in the tombstone period: %d %s, want 200", path, resp.StatusCode, b)
				}
				if strings.Contains(string(b), "<entry") || strings.Contains(string(b), "<item") || strings.Contains(string(b), `"items":[{`) {
					t.Errorf("%s still shows an item:\n%s", path, b)
				}
				if !strings.HasSuffix(path, ".json") && !strings.Contains(string(b), `ref="`+id+`"`) {
					t.Errorf("%s lacks the deleted entry of %s:\n%s", path, id, b)
				}
				if strings.Contains(string(b), "1970") {
					t.Errorf("%s says 1970:\n%s", path, b)
				}
				if resp.Header.Get("Last-Modified") == "" {
					t.Errorf("%s has no Last-Modified", path)
				}
			}
			if resp, _ := get(t, "GET", r.URL+"/categories/jiabao/atom.xml", nil); resp.StatusCode != 200 {
				t.Errorf("an untouched category: %d", resp.StatusCode)
			}
			if resp, _ := get(t, "GET", r.URL+"/categories/neverwas/atom.xml", nil); resp.StatusCode != 404 {
				t.Errorf("a category that never was: %d, want 404", resp.StatusCode)
			}

			expired := now.Add(time.Hour + 7*24*time.Hour)
			r.republish(expired)
			later := []*replica{r}
			if withRedis {
				later = append(later, startReplica(t, s.Root, 7, client, expired.Add(time.Minute)))
			}
			for i, rep := range later {
				for _, path := range append(feeds, "/categories/yibao/", "/categories/yibao/tags.opml") {
					resp, b := get(t, "GET", rep.URL+path, nil)
					if resp.StatusCode != 410 || len(b) > 100 || len(b) == 0 {
						t.Errorf("replica %d: %s after the tombstone period: %d %q, want 410 with a short reason", i, path, resp.StatusCode, b)
					}
				}
				if resp, _ := get(t, "GET", rep.URL+"/categories/bingbao/atom.xml", nil); resp.StatusCode != 404 {
					t.Errorf("replica %d: the category of a broken post: %d, want 404", i, resp.StatusCode)
				}
			}
			// The post comes back: so does the feed.
			s.Post("2026-10-02-b1.md", "乙报一", "2026-10-02 08:00:00", "yibao", "乙报新闻")
			r.reload(expired.Add(time.Hour))
			if resp, b := get(t, "GET", r.URL+feeds[0], nil); resp.StatusCode != 200 || !strings.Contains(string(b), "乙报一") {
				t.Errorf("restored category: %d\n%s", resp.StatusCode, b)
			}
		})
	}
}
