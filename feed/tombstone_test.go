package feed

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// tombstoned returns the fixture snapshot with one tombstone in the site
// feed and the first category, and the tombstone.
func tombstoned(t *testing.T) (*Snapshot, *Snapshot, Tombstone) {
	t.Helper()
	s := fixtureSnapshot(t)
	if len(s.Categories()) == 0 {
		t.Fatal("fixtures have no category")
	}
	ts := Tombstone{
		ID:         "https://example.com/gone/2021/12/29/撤稿.html?a=1&b=\"2\"",
		When:       time.Date(2026, 11, 20, 8, 0, 0, 0, time.FixedZone("", 8*3600)),
		Categories: []string{s.Categories()[0].Key},
	}
	return s, s.WithTombstones([]Tombstone{ts}), ts
}

func TestTombstonesRendered(t *testing.T) {
	s, n, ts := tombstoned(t)
	cat := n.Categories()[0]
	want := `<at:deleted-entry xmlns:at="http://purl.org/atompub/tombstones/1.0" ref="https://example.com/gone/2021/12/29/撤稿.html?a=1&amp;b=&#34;2&#34;" when="2026-11-20T00:00:00Z"></at:deleted-entry>`
	for _, tt := range []struct {
		name string
		f    *Feed
		in   bool
	}{{"site", n.SiteFeed(), true}, {"category", cat, true}, {"other category", n.Categories()[len(n.Categories())-1], len(n.Categories()) == 1}} {
		for _, format := range []Format{RSS, Atom, JSON} {
			t.Run(tt.name+"/"+format.String(), func(t *testing.T) {
				doc := renderString(t, n, tt.f, format, 0)
				has := strings.Contains(doc, want)
				if has != (tt.in && format != JSON) {
					t.Fatalf("deleted entry present %v, want %v:\n%s", has, !has, doc)
				}
				before := lookupFeed(t, s, tt.f)
				same := before.Validator(format.String(), 20) == tt.f.Validator(format.String(), 20)
				if same == has {
					t.Errorf("validator unchanged %v with the deleted entry present %v", same, has)
				}
				if !has && doc != renderString(t, s, before, format, 0) {
					t.Error("a document without tombstones changed")
				}
			})
		}
	}
	if got := n.SiteFeed().Tombstones(); len(got) != 1 || got[0].ID != ts.ID {
		t.Errorf("site tombstones %v", got)
	}
}

func lookupFeed(t *testing.T, s *Snapshot, f *Feed) *Feed {
	t.Helper()
	switch f.Kind {
	case KindCategory:
		g, err := s.Category(f.Key)
		if err != nil {
			t.Fatal(err)
		}
		return g
	case KindTag:
		g, err := s.Tag(f.Key)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	return s.SiteFeed()
}

func TestTombstonesOfLoadedPostsDropped(t *testing.T) {
	s := fixtureSnapshot(t)
	p := s.Posts()[0]
	n := s.WithTombstones([]Tombstone{TombstoneOf(p, time.Unix(1e9, 0))})
	if len(n.Tombstones()) != 0 || len(n.SiteFeed().Tombstones()) != 0 {
		t.Fatalf("a loaded post got a tombstone: %v", n.Tombstones())
	}
	if n.SiteFeed() != s.SiteFeed() || n.At(s.Loaded).SiteFeed().Validator("atom", 20) != s.SiteFeed().Validator("atom", 20) {
		t.Error("a snapshot without tombstones changed its feeds")
	}
}

func TestTombstonesBoundedAndOrdered(t *testing.T) {
	s := fixtureSnapshot(t)
	var ts []Tombstone
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range MaxFeedTombstones + 5 {
		ts = append(ts, Tombstone{ID: fmt.Sprintf("https://example.com/gone/%03d", i), When: base.Add(time.Duration(i%7) * time.Hour)})
	}
	n := s.WithTombstones(ts)
	got := n.SiteFeed().Tombstones()
	if len(got) != MaxFeedTombstones {
		t.Fatalf("%d tombstones in the site feed, want %d", len(got), MaxFeedTombstones)
	}
	for i := 1; i < len(got); i++ {
		if got[i].When.After(got[i-1].When) || (got[i].When.Equal(got[i-1].When) && got[i].ID < got[i-1].ID) {
			t.Fatalf("tombstones out of order at %d: %v, %v", i, got[i-1], got[i])
		}
	}
	// The order of the input does not matter: replicas agree.
	rev := append([]Tombstone(nil), ts...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if a, b := renderString(t, n, n.SiteFeed(), Atom, 0), renderString(t, s.WithTombstones(rev), s.WithTombstones(rev).SiteFeed(), Atom, 0); a != b {
		t.Error("the same tombstones in another order render differently")
	}
	// At keeps them.
	if n.At(s.Loaded).SiteFeed().Validator("atom", 20) != n.SiteFeed().Validator("atom", 20) {
		t.Error("At dropped the tombstones")
	}
}

func TestTombstonesReaders(t *testing.T) {
	_, n, ts := tombstoned(t)
	f := n.Categories()[0]
	dir := t.TempDir()
	var files []string
	for _, format := range []Format{RSS, Atom} {
		doc := renderString(t, n, f, format, 0)
		parsed, err := gofeed.NewParser().ParseString(doc)
		if err != nil {
			t.Fatalf("gofeed %s: %v", format, err)
		}
		if len(parsed.Items) != len(f.Posts) {
			t.Errorf("gofeed %s: %d items, want %d", format, len(parsed.Items), len(f.Posts))
		}
		file := filepath.Join(dir, format.String()+".xml")
		if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import feedparser").Run(); err != nil {
		needTool(t, "python3 feedparser", "apt-get install python3-feedparser")
	}
	out, err := exec.Command(python, append([]string{"-c", feedparserScript}, files...)...).Output()
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var results []struct {
		Bozo  int
		Error string
		IDs   []string
	}
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(files) {
		t.Fatalf("feedparser output: %v, %d results", err, len(results))
	}
	for i, r := range results {
		if r.Bozo != 0 {
			t.Errorf("%s: bozo: %s", files[i], r.Error)
		}
		if len(r.IDs) != len(f.Posts) {
			t.Errorf("%s: %d entries, want %d (the deleted entry is not an entry)", files[i], len(r.IDs), len(f.Posts))
		}
		for _, id := range r.IDs {
			if id == ts.ID {
				t.Errorf("%s: the deleted entry was read as an entry", files[i])
			}
		}
	}
}
