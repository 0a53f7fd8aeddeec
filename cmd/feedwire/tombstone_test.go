package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/feedwire/feedwire/internal/redistest"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// itemIDByTitle returns the ID of the item titled title in the Atom
// document at url.
func itemIDByTitle(t *testing.T, url, title string) string {
	t.Helper()
	_, body := get(t, "GET", url, nil)
	parsed, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatalf("gofeed: %v", err)
	}
	for _, it := range parsed.Items {
		if it.Title == title {
			return it.GUID
		}
	}
	t.Fatalf("%s has no item %q", url, title)
	return ""
}

// deletedEntryRef is how a tombstone of id starts in a document.
func deletedEntryRef(id string) string {
	return `<at:deleted-entry xmlns:at="http://purl.org/atompub/tombstones/1.0" ref="` + id + `" when="`
}

func body(t *testing.T, url string) string {
	t.Helper()
	resp, b := get(t, "GET", url, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}

func TestTombstoneWhenPostRemoved(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-03-b1.md", "乙报一", "2026-10-03 08:00:00", "yibao", "乙报新闻")
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0"})
	site, jia, yi := ts.URL+"/atom.xml", ts.URL+"/categories/jiabao/atom.xml", ts.URL+"/categories/yibao/atom.xml"
	a1 := itemIDByTitle(t, site, "甲报一")
	a2 := itemIDByTitle(t, site, "甲报二")
	siteTag, yiTag := etagOf(t, site), etagOf(t, yi)

	if err := os.Remove(filepath.Join(s.Root, "_posts/2026-10-02-a2.md")); err != nil {
		t.Fatal(err)
	}
	ts.waitLoaded(t)
	for _, u := range []string{site, jia, ts.URL + "/feed.xml", ts.URL + "/tags/%E7%94%B2%E6%8A%A5%E6%96%B0%E9%97%BB/atom.xml"} {
		if b := body(t, u); strings.Count(b, deletedEntryRef(a2)) != 1 {
			t.Errorf("%s lacks the deleted entry of %s:\n%s", u, a2, b)
		}
	}
	if b := body(t, yi); strings.Contains(b, "deleted-entry") {
		t.Errorf("a feed that never carried the post shows its tombstone:\n%s", b)
	}
	if etagOf(t, yi) != yiTag {
		t.Error("a feed without tombstones changed its ETag")
	}
	if b := body(t, ts.URL+"/feed.json"); strings.Contains(b, a2) {
		t.Errorf("JSON Feed names the removed post: %s", b)
	}
	// The delta from before the removal has no items, and the tombstone.
	status, delta := askDelta(t, site, siteTag, nil)
	if status != http.StatusIMUsed || !strings.Contains(string(delta), deletedEntryRef(a2)) || strings.Contains(string(delta), "<entry") {
		t.Errorf("delta across the removal: %d\n%s", status, delta)
	}

	// A post that breaks is a problem to fix, not a retraction.
	s.Write("_posts/2026-10-01-a1.md", "---\ntitle: \"坏\"标题\"\ndate: 2026-10-01\ncategories: jiabao\n---\n<p>x</p>\n")
	ts.waitLoaded(t)
	if b := body(t, site); strings.Contains(b, deletedEntryRef(a1)) || !strings.Contains(b, deletedEntryRef(a2)) {
		t.Errorf("after a post broke:\n%s", b)
	}

	// A post that comes back loses its tombstone.
	s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
	ts.waitLoaded(t)
	if b := body(t, site); strings.Contains(b, "deleted-entry") {
		t.Errorf("a restored post still has a tombstone:\n%s", b)
	}
}

func TestTombstonesAgreeAcrossReplicas(t *testing.T) {
	rs := redistest.Start(t)
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
	env := map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0", "REDIS_URL": rs.URL(), "REDIS_TIMEOUT": "2s"}
	a, b := startServer(t, env), startServer(t, env)
	a2 := itemIDByTitle(t, a.URL+"/atom.xml", "甲报二")

	if err := os.Remove(filepath.Join(s.Root, "_posts/2026-10-02-a2.md")); err != nil {
		t.Fatal(err)
	}
	a.waitLoaded(t)
	b.waitLoaded(t)
	// A replica started after the removal never saw the post.
	c := startServer(t, env)
	for _, path := range []string{"/atom.xml", "/feed.xml", "/categories/jiabao/atom.xml"} {
		want := body(t, a.URL+path)
		if !strings.Contains(want, deletedEntryRef(a2)) {
			t.Fatalf("%s lacks the tombstone:\n%s", path, want)
		}
		for name, ts := range map[string]*testServer{"second": b, "started later": c} {
			if got := body(t, ts.URL+path); got != want {
				t.Errorf("%s replica's %s differs from the first's:\n%s\nwant\n%s", name, path, got, want)
			}
		}
	}
}
