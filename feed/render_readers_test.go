package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// needTool skips the test when a tool is missing, saying how to install it,
// and fails it instead when CI is set: CI must run every reader.
func needTool(t *testing.T, what, install string) {
	t.Helper()
	msg := fmt.Sprintf("%s not found; install it with: %s", what, install)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// sharedDir is the reference corpus beside the repository, if present.
const sharedDir = "../../shared"

// readerSnapshots returns the fixture snapshot and, when the reference
// corpus is present, a snapshot of each of its sites loaded with Load.
func readerSnapshots(t *testing.T) map[string]*Snapshot {
	t.Helper()
	summaryOnly := testSite()
	summaryOnly.FullContent = false
	out := map[string]*Snapshot{
		"fixtures":              fixtureSnapshot(t),
		"fixtures-summary-only": buildSnapshot(t, summaryOnly, readFixtures(t, "testdata/render"), nil),
		"unsafe":                unsafeSite(t, false),
	}
	for _, dir := range []string{"corpus/finews", "corpus/quirks", "examples"} {
		root := filepath.Join(sharedDir, dir)
		if _, err := os.Stat(root); err != nil {
			continue
		}
		fsys := os.DirFS(root)
		site, err := ReadSiteConfig(fsys)
		if err != nil {
			t.Fatal(err)
		}
		if site.URL == "" {
			site.URL = "https://example.com"
		}
		if site.Title == "" {
			site.Title = dir
		}
		site.FullContent, site.SummaryRunes = true, 200
		s, err := Load(context.Background(), fsys, LoadOptions{Site: site, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		out[dir] = s
	}
	return out
}

// sameInstant reports whether a reader saw want: the same instant parsed,
// and the same offset in the text it parsed (gofeed gives parsed times in
// UTC, so the offset is checked on the raw text).
func sameInstant(parsed *time.Time, raw string, want time.Time) bool {
	if parsed == nil || !parsed.Equal(want) {
		return false
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC3339} {
		if t, err := time.Parse(layout, raw); err == nil {
			_, g := t.Zone()
			_, w := want.Zone()
			return g == w
		}
	}
	return false
}

func TestRenderGofeed(t *testing.T) {
	for name, s := range readerSnapshots(t) {
		for _, f := range allFeeds(s) {
			for _, format := range formats {
				t.Run(name+f.Path(format), func(t *testing.T) {
					doc := renderString(t, s, f, format, 0)
					parsed, err := gofeed.NewParser().ParseString(doc)
					if err != nil {
						t.Fatalf("gofeed: %v", err)
					}
					if want := s.Site.URL + f.HomePath(); parsed.Link != want {
						t.Errorf("feed link %q, want %q", parsed.Link, want)
					}
					if format != RSS && parsed.FeedLink != s.Site.URL+f.Path(format) {
						t.Errorf("feed self link %q", parsed.FeedLink)
					}
					wantTitle := s.Site.Title
					if f.Kind != KindSite {
						wantTitle += " · " + f.Name
					}
					if parsed.Title != cleanText(wantTitle) {
						t.Errorf("feed title %q, want %q", parsed.Title, wantTitle)
					}
					if parsed.Language != s.Site.Lang {
						t.Errorf("feed language %q, want %q", parsed.Language, s.Site.Lang)
					}
					var newest time.Time
					for _, p := range f.Posts {
						if u := updatedOf(p); u.After(newest) {
							newest = u
						}
					}
					if parsed.UpdatedParsed == nil || !parsed.UpdatedParsed.Equal(newest) {
						t.Errorf("feed updated %v, want the newest item's %v", parsed.UpdatedParsed, newest)
					}
					if len(parsed.Items) != len(f.Posts) {
						t.Fatalf("%d items, want %d", len(parsed.Items), len(f.Posts))
					}
					for i, p := range f.Posts {
						it := parsed.Items[i]
						if it.GUID != itemID(p) || it.GUID == "" {
							t.Errorf("item %d: id %q, want %q", i, it.GUID, itemID(p))
						}
						if it.Link != p.URL {
							t.Errorf("item %d: link %q, want %q", i, it.Link, p.URL)
						}
						if it.Title != cleanText(p.Title) {
							t.Errorf("item %d: title %q, want %q", i, it.Title, p.Title)
						}
						if !sameInstant(it.PublishedParsed, it.Published, p.Date) {
							t.Errorf("item %d: published %v, want %v", i, it.PublishedParsed, p.Date)
						}
						if !sameInstant(it.UpdatedParsed, it.Updated, updatedOf(p)) {
							t.Errorf("item %d: updated %v, want %v", i, it.UpdatedParsed, updatedOf(p))
						}
						if !slices.Equal(it.Categories, terms(p)) && !(len(it.Categories) == 0 && len(terms(p)) == 0) {
							t.Errorf("item %d: categories %q, want %q", i, it.Categories, terms(p))
						}
						if want := cleanText(authorOf(p, s.Site.Author)); want != "" {
							if len(it.Authors) == 0 || it.Authors[0].Name != want {
								t.Errorf("item %d: authors %+v, want %q", i, it.Authors, want)
							}
						}
						if p.Image != "" && (it.Image == nil || it.Image.URL != p.Image) && format == JSON {
							t.Errorf("item %d: image %+v, want %q", i, it.Image, p.Image)
						}
						want, err := s.item(p, new(htmlBuffer))
						if err != nil {
							t.Fatal(err)
						}
						wantContent := want.content
						if format == JSON && wantContent == "" && want.summary != "" {
							wantContent = "<p>" + html.EscapeString(want.summary) + "</p>"
						}
						if it.Content != wantContent {
							t.Errorf("item %d: content read back differs\n got %q\nwant %q", i, it.Content, wantContent)
						}
						if it.Description != want.summary {
							t.Errorf("item %d: summary %q, want %q", i, it.Description, want.summary)
						}
					}
				})
			}
		}
	}
}

// feedparserScript parses the files named in argv with Universal Feed Parser
// and prints, per file, bozo and the entry IDs as JSON.
const feedparserScript = `
import json, sys, feedparser
out = []
for name in sys.argv[1:]:
    d = feedparser.parse(name)
    out.append({"bozo": int(d.bozo), "error": str(d.get("bozo_exception", "")),
                "ids": [e.get("id", "") for e in d.entries],
                "links": [e.get("link", "") for e in d.entries]})
print(json.dumps(out))
`

func TestRenderFeedparser(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import feedparser").Run(); err != nil {
		needTool(t, "python3 feedparser", "apt-get install python3-feedparser")
	}
	dir := t.TempDir()
	type doc struct {
		name string
		feed *Feed
	}
	var names []string
	var docs []doc
	for name, s := range readerSnapshots(t) {
		for i, f := range allFeeds(s) {
			for _, format := range []Format{RSS, Atom} {
				file := filepath.Join(dir, fmt.Sprintf("%s-%d.%s.xml", strings.ReplaceAll(name, "/", "_"), i, format))
				if err := os.WriteFile(file, []byte(renderString(t, s, f, format, 0)), 0o644); err != nil {
					t.Fatal(err)
				}
				names = append(names, file)
				docs = append(docs, doc{name + f.Path(format), f})
			}
		}
	}
	out, err := exec.Command(python, append([]string{"-c", feedparserScript}, names...)...).Output()
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var results []struct {
		Bozo  int
		Error string
		IDs   []string
		Links []string
	}
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(docs) {
		t.Fatalf("feedparser output: %v, %d results for %d documents", err, len(results), len(docs))
	}
	for i, r := range results {
		d := docs[i]
		t.Run(d.name, func(t *testing.T) {
			if r.Bozo != 0 {
				t.Errorf("bozo: %s", r.Error)
			}
			if len(r.IDs) != len(d.feed.Posts) {
				t.Fatalf("%d entries, want %d", len(r.IDs), len(d.feed.Posts))
			}
			for j, p := range d.feed.Posts {
				if r.IDs[j] != itemID(p) || r.Links[j] != p.URL {
					t.Errorf("entry %d: id %q link %q, want %q", j, r.IDs[j], r.Links[j], itemID(p))
				}
			}
		})
	}
}

func TestRenderJSONSchema(t *testing.T) {
	ajv := filepath.Join("..", "tools", "node_modules", ".bin", "ajv")
	schema := filepath.Join("..", "tools", "node_modules", "jsonfeed-schema", "schema-v1.1.json")
	for _, p := range []string{ajv, schema} {
		if _, err := os.Stat(p); err != nil {
			needTool(t, "ajv and jsonfeed-schema", "npm ci --prefix tools")
		}
	}
	dir := t.TempDir()
	args := []string{"validate", "--spec=draft7", "-c", "ajv-formats", "--errors=text", "-s", schema}
	n := 0
	for name, s := range readerSnapshots(t) {
		for _, f := range allFeeds(s) {
			file := filepath.Join(dir, fmt.Sprintf("%d.json", n))
			n++
			if err := os.WriteFile(file, []byte(renderString(t, s, f, JSON, 0)), 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, "-d", file)
			_ = name
		}
	}
	cmd := exec.Command(ajv, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("ajv: %v\n%s", err, out.String())
	}
	if got := strings.Count(out.String(), " valid"); got != n {
		t.Errorf("ajv reported %d valid documents of %d:\n%s", got, n, out.String())
	}
}
