package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/sitetest"
)

// TestClosedArchivePromisesOnlyWhatHolds backdates a post into a closed
// month and removes one from it: the month's archive changes, so it is
// never served immutable, a cache that revalidates it gets the new bytes,
// and it has no Last-Modified that If-Modified-Since could match.
func TestClosedArchivePromisesOnlyWhatHolds(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-01-10-a.md", "一月甲", "2026-01-10 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-01-20-b.md", "一月乙", "2026-01-20 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-02-10-c.md", "二月", "2026-02-10 08:00:00", "jiabao", "甲报新闻")
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	r := startReplica(t, s.Root, 7, nil, now)
	paths := []string{"/archive/2026/01/atom.xml", "/categories/jiabao/archive/2026/01/feed.xml", "/tags/%E7%94%B2%E6%8A%A5%E6%96%B0%E9%97%BB/archive/2026/01/feed.json"}
	etags := map[string]string{}
	steps := []struct {
		name   string
		change func()
		want   []string // titles the month shows
	}{
		{"closed", func() {}, []string{"一月甲", "一月乙"}},
		{"backdated into it", func() { s.Post("2026-01-15-late.md", "一月迟到", "2026-01-15 08:00:00", "jiabao", "甲报新闻") }, []string{"一月甲", "一月迟到", "一月乙"}},
		{"removed from it", func() { s.Remove("_posts/2026-01-10-a.md") }, []string{"一月迟到", "一月乙"}},
	}
	for i, step := range steps {
		step.change()
		r.reload(now.Add(time.Duration(i) * time.Hour))
		for _, path := range paths {
			resp, b := get(t, "GET", r.URL+path, nil)
			if resp.StatusCode != 200 || !strings.Contains(string(b), "archive") {
				t.Fatalf("%s %s: %d\n%s", step.name, path, resp.StatusCode, b)
			}
			if cc := resp.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
				t.Errorf("%s %s: Cache-Control %q promises what a late post breaks", step.name, path, cc)
			}
			if lm := resp.Header.Get("Last-Modified"); lm != "" {
				t.Errorf("%s %s: Last-Modified %s", step.name, path, lm)
			}
			for _, title := range step.want {
				if !strings.Contains(string(b), title) {
					t.Errorf("%s %s lacks %s", step.name, path, title)
				}
			}
			if old := etags[path]; old != "" {
				again, _ := get(t, "GET", r.URL+path, map[string]string{"If-None-Match": old})
				if again.StatusCode != http.StatusOK || resp.Header.Get("ETag") == old {
					t.Errorf("%s %s: revalidating the earlier ETag gave %d, ETag %s", step.name, path, again.StatusCode, resp.Header.Get("ETag"))
				}
			}
			etags[path] = resp.Header.Get("ETag")
		}
	}
	// The late post reaches subscribers through the feed too.
	if _, b := get(t, "GET", r.URL+"/categories/jiabao/atom.xml", nil); !strings.Contains(string(b), "一月迟到") {
		t.Errorf("the feed lacks the late post:\n%s", b)
	}
}
