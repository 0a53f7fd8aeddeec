package feed

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestLoadReusesUnchangedPosts(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	write := func(name, title string, mtime time.Time) {
		t.Helper()
		p := filepath.Join(dir, "_posts", name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		text := fmt.Sprintf("---\ntitle: %q\ndate: 2026-10-01 08:00:00 +0800\ncategories: jiabao\ntags: 甲报新闻\n---\n<p>%s</p>\n", title, title)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		write(fmt.Sprintf("2026-10-0%d-p%d.md", i+1, i), fmt.Sprintf("第%d篇", i), old)
	}
	write("2026-10-09-fresh.md", "刚写的", time.Now()) // modified just before the load
	fsys := os.DirFS(dir)
	opts := LoadOptions{Site: Site{URL: "https://news.example.org"}, Now: time.Now()}
	first, err := Load(context.Background(), fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	byPath := func(s *Snapshot) map[string]*Post {
		m := map[string]*Post{}
		for _, p := range s.AllPosts() {
			m[p.Path] = p
		}
		return m
	}
	before := byPath(first)
	if err := first.Render(io.Discard, first.SiteFeed(), RSS, -1); err != nil {
		t.Fatal(err)
	}

	write("2026-10-01-p0.md", "第0篇（改）", old.Add(time.Minute))   // changed
	write("2026-10-02-p1.md", "第1篇", time.Now())                // same bytes, new stamp (a checkout)
	os.Remove(filepath.Join(dir, "_posts", "2026-10-03-p2.md")) // deleted
	write("2026-10-08-new.md", "新的", old)                       // added

	opts.Previous = first
	opts.Now = time.Now()
	reloaded, err := Load(context.Background(), fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Changed = []string{"_posts/2026-10-01-p0.md", "_posts/2026-10-02-p1.md", "_posts/2026-10-03-p2.md",
		"_posts/2026-10-08-new.md", "_drafts/2026-10-08-draft.md", "_posts/notes.txt"}
	hinted, err := Load(context.Background(), fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Previous, opts.Changed = nil, nil
	fresh, err := Load(context.Background(), fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	after, want := byPath(reloaded), byPath(fresh)
	for name, got := range map[string]map[string]*Post{"stat": after, "hinted": byPath(hinted)} {
		if len(got) != len(want) {
			t.Fatalf("%s reload has %d posts, a fresh load %d", name, len(got), len(want))
		}
		for path, w := range want {
			if !reflect.DeepEqual(got[path], w) {
				t.Errorf("%s reload: %s differs from a fresh load:\n%+v\n%+v", name, path, got[path], w)
			}
		}
	}
	if len(hinted.Problems) != 0 {
		t.Errorf("hinted reload reported %v", hinted.Problems)
	}
	if byPath(hinted)["_posts/2026-10-04-p3.md"] != before["_posts/2026-10-04-p3.md"] {
		t.Error("hinted reload did not keep an unchanged post")
	}
	tests := []struct {
		path  string
		reuse bool
	}{
		{"_posts/2026-10-04-p3.md", true},     // untouched: not even read
		{"_posts/2026-10-05-p4.md", true},     // untouched
		{"_posts/2026-10-01-p0.md", false},    // changed
		{"_posts/2026-10-09-fresh.md", false}, // too recent at the last load to trust its stamp
	}
	for _, tt := range tests {
		if got := after[tt.path] == before[tt.path]; got != tt.reuse {
			t.Errorf("%s: reused = %v, want %v", tt.path, got, tt.reuse)
		}
	}
	if _, ok := reloaded.items.get(after["_posts/2026-10-04-p3.md"]); !ok {
		t.Error("a kept post's rendered item did not survive the reload")
	}
	if _, ok := reloaded.items.get(after["_posts/2026-10-01-p0.md"]); ok {
		t.Error("a changed post has a rendered item before any render")
	}
	if after["_posts/2026-10-01-p0.md"].Title != "第0篇（改）" {
		t.Error("changed post not read again")
	}
	for i, f := range reloaded.SiteFeed().Posts {
		if fresh.SiteFeed().Posts[i].Path != f.Path {
			t.Fatalf("site feed order differs at %d", i)
		}
	}
	if reloaded.SiteFeed().Validator("rss", 20) != fresh.SiteFeed().Validator("rss", 20) {
		t.Error("validators differ between a reload and a fresh load")
	}

	// Other site settings: nothing is reused.
	opts.Previous = reloaded
	opts.Site.URL = "https://other.example.org"
	other, err := Load(context.Background(), fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	if byPath(other)["_posts/2026-10-04-p3.md"] == after["_posts/2026-10-04-p3.md"] {
		t.Error("post reused across a change of site URL")
	}
}
