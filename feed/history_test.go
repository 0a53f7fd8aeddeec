package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
)

// historySnapshot builds a snapshot of n posts spread over three months,
// with posts on both sides of month boundaries in the site's zone (UTC+8):
// 2021-12-01 00:30 +0800 is in December there and in November in UTC.
func historySnapshot(t testing.TB) *Snapshot {
	t.Helper()
	dates := []string{
		"2021-11-03 09:00:00 +0800", "2021-11-15 10:00:00 +0800", "2021-11-30 23:59:59 +0800",
		"2021-12-01 00:30:00 +0800", "2021-12-01 00:30:00 +0800", "2021-12-09 08:00:00 +0800",
		"2021-12-20 12:00:00 -0500", "2021-12-31 15:59:00 +0000", "2021-12-31 16:00:00 +0000",
		"2022-01-02 07:00:00 +0800", "2022-01-05 07:00:00 +0800", "2022-01-06 07:00:00 +0800",
		"2022-01-07 07:00:00 +0800", "2022-01-08 07:00:00 +0800",
	}
	files := map[string]string{}
	for i, d := range dates {
		cat := []string{"zhuzhouribao", "xiangjiangribao"}[i%2]
		name := fmt.Sprintf("_posts/%s-post-%02d.html", d[:10], i)
		files[name] = fmt.Sprintf("---\ntitle: 第%d篇\ndate: %s\ncategories: %s\ntags: 新闻 t%d\n---\n<p>正文 %d</p>\n", i, d, cat, i%3, i)
	}
	return buildSnapshot(t, testSite(), files, nil)
}

// historyDoc is what gofeed reads of a document's RFC 5005 parts.
type historyDoc struct {
	links   map[string]string // href by relation, besides alternate and self
	self    string
	ids     []string
	archive bool
}

// readHistory parses doc with gofeed's parser for format.
func readHistory(t *testing.T, doc string, format Format) historyDoc {
	t.Helper()
	h := historyDoc{links: map[string]string{}}
	switch format {
	case RSS:
		f, err := gofeed.NewParser().ParseString(doc)
		if err != nil {
			t.Fatalf("gofeed: %v", err)
		}
		if f.FeedType != "rss" {
			t.Fatalf("gofeed read %s", f.FeedType)
		}
		for _, l := range f.Extensions["atom"]["link"] {
			if rel := l.Attrs["rel"]; rel == "self" {
				h.self = l.Attrs["href"]
			} else if rel != "hub" {
				h.links[rel] = l.Attrs["href"]
			}
		}
		_, h.archive = f.Extensions["fh"]["archive"]
		for _, it := range f.Items {
			h.ids = append(h.ids, it.GUID)
		}
	case Atom:
		f, err := (&atom.Parser{}).Parse(strings.NewReader(doc))
		if err != nil {
			t.Fatalf("gofeed atom: %v", err)
		}
		for _, l := range f.Links {
			switch l.Rel {
			case "self":
				h.self = l.Href
			case "alternate", "hub":
			default:
				h.links[l.Rel] = l.Href
			}
		}
		_, h.archive = f.Extensions["fh"]["archive"]
		for _, e := range f.Entries {
			h.ids = append(h.ids, e.ID)
		}
	case JSON:
		f, err := (&jsonfeed.Parser{}).Parse(strings.NewReader(doc))
		if err != nil {
			t.Fatalf("gofeed json: %v", err)
		}
		for _, it := range f.Items {
			h.ids = append(h.ids, it.ID)
		}
		var ext struct {
			History map[string]any `json:"_history"`
		}
		if err := json.Unmarshal([]byte(doc), &ext); err != nil {
			t.Fatal(err)
		}
		for rel, v := range ext.History {
			switch v := v.(type) {
			case string:
				if rel != "about" {
					h.links[rel] = v
				}
			case bool:
				h.archive = rel == "archive" && v
			}
		}
		if f.NextURL != h.links["next"] {
			t.Errorf("next_url %q, _history next %q", f.NextURL, h.links["next"])
		}
		h.self = "" // JSON Feed has no self link; feed_url is the subscription's
	}
	return h
}

// fetchURL renders the document an absolute feed URL names: a feed or an
// archive, with ?page and ?limit, as the server would.
func fetchURL(t *testing.T, s *Snapshot, u string) string {
	t.Helper()
	path, query, _ := strings.Cut(strings.TrimPrefix(u, s.Site.URL), "?")
	pg := Paging{Size: 5, Page: 1}
	if strings.Contains(path, "/archive/") {
		pg.Size = 2 // archives page at 2 posts here, so that months span pages
	}
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "page":
			fmt.Sscan(v, &pg.Page)
		case "limit":
			fmt.Sscan(v, &pg.Size)
			pg.SizeInURL = true
		}
	}
	for _, f := range allFeeds(s) {
		for _, format := range formats {
			var b strings.Builder
			var err error
			switch {
			case path == f.Path(format):
				err = s.RenderPage(&b, f, format, pg)
			case strings.HasPrefix(path, f.HomePath()+"archive/") && strings.HasSuffix(path, "/"+format.FileName()):
				seg := strings.Split(strings.TrimPrefix(path, f.HomePath()+"archive/"), "/")
				if len(seg) != 3 {
					continue
				}
				m, err := ParseMonth(seg[0], seg[1])
				if err != nil {
					t.Fatalf("%s: %v", u, err)
				}
				a, err := s.Archive(f, m)
				if err != nil {
					t.Fatalf("%s: %v", u, err)
				}
				if err := s.RenderArchive(&b, a, format, pg); err != nil {
					t.Fatalf("%s: %v", u, err)
				}
			default:
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			return b.String()
		}
	}
	t.Fatalf("no document at %s", u)
	return ""
}

func ids(posts []*Post) []string {
	out := make([]string, len(posts))
	for i, p := range posts {
		out[i] = itemID(p)
	}
	return out
}

func TestPagingWalk(t *testing.T) {
	s := historySnapshot(t)
	tests := []struct {
		name  string
		first string // query of page 1
	}{
		{"default limit", ""},
		{"limit 3", "?limit=3"},
		{"limit 100", "?limit=100"},
	}
	for _, f := range allFeeds(s) {
		for _, format := range formats {
			for _, tt := range tests {
				t.Run(f.Path(format)+"/"+tt.name, func(t *testing.T) {
					size := 5
					fmt.Sscanf(tt.first, "?limit=%d", &size)
					u := s.Site.URL + f.Path(format) + tt.first
					var seen []string
					var pages []string
					for u != "" {
						if len(pages) > len(f.Posts)+1 {
							t.Fatalf("next links loop: %q", pages)
						}
						h := readHistory(t, fetchURL(t, s, u), format)
						if format != JSON && h.self != u {
							t.Errorf("page %d: self %q, want %q", len(pages)+1, h.self, u)
						}
						if len(pages) > 0 && h.links["previous"] != pages[len(pages)-1] {
							t.Errorf("page %d: previous %q, want %q", len(pages)+1, h.links["previous"], pages[len(pages)-1])
						}
						if n := f.Pages(size); n > 1 {
							if h.links["first"] != pages0(pages, u) || !strings.Contains(h.links["last"], fmt.Sprintf("page=%d", n)) {
								t.Errorf("page %d: first %q last %q", len(pages)+1, h.links["first"], h.links["last"])
							}
						} else if len(h.links["first"]+h.links["last"]+h.links["next"]) > 0 {
							t.Errorf("one page, yet paging links %v", h.links)
						}
						if tt.first != "" && h.links["next"] != "" && !strings.Contains(h.links["next"], "limit=") {
							t.Errorf("next %q drops the limit", h.links["next"])
						}
						_, hasArchive := h.links["prev-archive"]
						if _, want := s.PrevArchive(f); hasArchive != (want && len(pages) == 0) {
							t.Errorf("page %d: prev-archive %q", len(pages)+1, h.links["prev-archive"])
						}
						pages = append(pages, u)
						seen = append(seen, h.ids...)
						u = h.links["next"]
					}
					if len(pages) != f.Pages(size) {
						t.Errorf("walked %d pages, want %d", len(pages), f.Pages(size))
					}
					if !slices.Equal(seen, ids(f.Posts)) {
						t.Errorf("pages hold\n%q\nwant every post once, in order\n%q", seen, ids(f.Posts))
					}
				})
			}
		}
	}
}

// pages0 returns the first page walked: the one being read when none was before.
func pages0(pages []string, cur string) string {
	if len(pages) > 0 {
		return pages[0]
	}
	return cur
}

func TestArchiveWalk(t *testing.T) {
	s := historySnapshot(t)
	for _, f := range allFeeds(s) {
		for _, format := range formats {
			t.Run(f.Path(format), func(t *testing.T) {
				months := s.Months(f)
				cur := readHistory(t, fetchURL(t, s, s.Site.URL+f.Path(format)+"?limit=100"), format)
				// The current document holds the open month; the archives
				// hold every closed month.
				open, err := s.Archive(f, months[0])
				if err != nil {
					t.Fatal(err)
				}
				seen := slices.Clone(cur.ids[:len(open.Posts)])
				u, newer := cur.links["prev-archive"], s.Site.URL+archivePath(f, months[0], format)
				walked := 0
				for u != "" {
					if walked >= len(months) {
						t.Fatalf("prev-archive links loop at %s", u)
					}
					walked++
					first := readHistory(t, fetchURL(t, s, u), format)
					if got := first.links["next-archive"]; got != newer {
						t.Errorf("%s: next-archive %q, want %q", u, got, newer)
					}
					monthIDs := first.ids
					for page, h := first.links["next"], first; ; page = h.links["next"] {
						if !h.archive {
							t.Errorf("%s lacks the archive marker", u)
						}
						if h.links["current"] != s.Site.URL+f.Path(format) {
							t.Errorf("%s: current %q", u, h.links["current"])
						}
						if page == "" {
							break
						}
						h = readHistory(t, fetchURL(t, s, page), format) // a month may have pages
						monthIDs = append(monthIDs, h.ids...)
					}
					seen = append(seen, monthIDs...)
					newer, u = u, first.links["prev-archive"]
				}
				if walked != len(months)-1 {
					t.Errorf("walked %d archives, want %d", walked, len(months)-1)
				}
				if !slices.Equal(seen, ids(f.Posts)) {
					t.Errorf("current document and archives hold\n%q\nwant every post once, in order\n%q", seen, ids(f.Posts))
				}
			})
		}
	}
}

func TestArchiveMonths(t *testing.T) {
	s := historySnapshot(t)
	f := s.SiteFeed()
	if got, want := s.Months(f), []Month{{2022, 1}, {2021, 12}, {2021, 11}}; !slices.Equal(got, want) {
		t.Fatalf("months %v, want %v", got, want)
	}
	tests := []struct {
		month      Month
		posts      int
		prev, next Month
	}{
		{Month{2022, 1}, 6, Month{2021, 12}, Month{}}, // 2021-12-31 16:00 UTC is January in UTC+8
		{Month{2021, 12}, 5, Month{2021, 11}, Month{2022, 1}},
		{Month{2021, 11}, 3, Month{}, Month{2021, 12}},
	}
	for _, tt := range tests {
		t.Run(tt.month.String(), func(t *testing.T) {
			a, err := s.Archive(f, tt.month)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Posts) != tt.posts || a.Prev != tt.prev || a.Next != tt.next {
				t.Errorf("%d posts, prev %v, next %v; want %d, %v, %v", len(a.Posts), a.Prev, a.Next, tt.posts, tt.prev, tt.next)
			}
			if a.Closed() != !tt.next.IsZero() {
				t.Errorf("closed %v", a.Closed())
			}
		})
	}
	for _, m := range []Month{{2021, 10}, {2022, 2}, {2020, 12}} {
		if _, err := s.Archive(f, m); !errors.Is(err, ErrNotFound) {
			t.Errorf("%v: %v, want ErrNotFound", m, err)
		}
	}
	if m, ok := s.PrevArchive(f); !ok || m != (Month{2021, 12}) {
		t.Errorf("prev archive %v %v", m, ok)
	}
	one := buildSnapshot(t, testSite(), map[string]string{
		"_posts/2021-12-01-a.html": "---\ntitle: a\ndate: 2021-12-01 08:00:00 +0800\n---\n<p>a</p>\n",
	}, nil)
	if m, ok := one.PrevArchive(one.SiteFeed()); ok {
		t.Errorf("one month: prev archive %v", m)
	}
}

func TestParseMonth(t *testing.T) {
	tests := []struct {
		year, month string
		want        Month
		ok          bool
	}{
		{"2021", "12", Month{2021, 12}, true},
		{"2022", "01", Month{2022, 1}, true},
		{"2022", "1", Month{}, false},
		{"2022", "13", Month{}, false},
		{"2022", "00", Month{}, false},
		{"0000", "01", Month{}, false},
		{"+202", "01", Month{}, false},
		{"2022", "+1", Month{}, false},
		{"-202", "01", Month{}, false},
		{"20221", "01", Month{}, false},
		{"abcd", "01", Month{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.year+"/"+tt.month, func(t *testing.T) {
			m, err := ParseMonth(tt.year, tt.month)
			if tt.ok != (err == nil) || m != tt.want {
				t.Errorf("ParseMonth = %v, %v; want %v, ok %v", m, err, tt.want, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrMonth) {
				t.Errorf("error %v is not ErrMonth", err)
			}
		})
	}
}

func TestPageErrors(t *testing.T) {
	s := historySnapshot(t)
	f := s.SiteFeed()
	if err := s.RenderPage(io.Discard, f, RSS, Paging{Size: 5, Page: 4}); !errors.Is(err, ErrNotFound) {
		t.Errorf("page 4 of 3: %v, want ErrNotFound", err)
	}
	a, err := s.Archive(f, Month{2021, 12})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RenderArchive(io.Discard, a, Atom, Paging{Size: 5, Page: 2}); !errors.Is(err, ErrNotFound) {
		t.Errorf("archive page 2 of 1: %v, want ErrNotFound", err)
	}
}

func TestHistoryValidators(t *testing.T) {
	s := historySnapshot(t)
	f := s.SiteFeed()
	a, err := s.Archive(f, Month{2021, 12})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	add := func(name, v string) {
		if other, ok := seen[v]; ok {
			t.Errorf("%s and %s share validator %s", name, other, v)
		}
		seen[v] = name
	}
	for _, format := range formats {
		for page := 1; page <= f.Pages(5); page++ {
			pg := Paging{Size: 5, Page: page}
			add(fmt.Sprint(format, page), s.PageValidator(f, format, pg))
			pg.SizeInURL = true
			add(fmt.Sprint(format, page, "limit"), s.PageValidator(f, format, pg))
		}
		add(fmt.Sprint(format, "archive"), s.ArchiveValidator(a, format, Paging{Size: 5, Page: 1}))
		add(fmt.Sprint(format, "archive", 2), s.ArchiveValidator(a, format, Paging{Size: 2, Page: 2}))
	}
	// Equal posts give equal validators in another snapshot of them.
	again := historySnapshot(t)
	if got, want := again.PageValidator(again.SiteFeed(), RSS, Paging{Size: 5, Page: 2}), s.PageValidator(f, RSS, Paging{Size: 5, Page: 2}); got != want {
		t.Errorf("validator %s in a second snapshot, want %s", got, want)
	}
}

// historyDocs renders, for every feed of s in format, page 2 at five posts
// a page when there is one, and every month's document at two posts a page,
// each page of it. It returns the documents and their posts, by name.
func historyDocs(t *testing.T, s *Snapshot, format Format) (names []string, docs []string, posts [][]*Post) {
	t.Helper()
	for _, f := range allFeeds(s) {
		if f.Pages(5) > 1 {
			pg := Paging{Size: 5, Page: 2}
			var b strings.Builder
			if err := s.RenderPage(&b, f, format, pg); err != nil {
				t.Fatal(err)
			}
			names, docs, posts = append(names, f.Path(format)+"?page=2"), append(docs, b.String()), append(posts, pg.page(f.Posts))
		}
		for _, m := range s.Months(f) {
			a, err := s.Archive(f, m)
			if err != nil {
				t.Fatal(err)
			}
			for page := 1; page <= pageCount(len(a.Posts), 2); page++ {
				pg := Paging{Size: 2, Page: page}
				var b strings.Builder
				if err := s.RenderArchive(&b, a, format, pg); err != nil {
					t.Fatal(err)
				}
				names = append(names, fmt.Sprintf("%s?page=%d", a.Path(format), page))
				docs, posts = append(docs, b.String()), append(posts, pg.page(a.Posts))
			}
		}
	}
	return names, docs, posts
}

func TestHistoryFeedparser(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import feedparser").Run(); err != nil {
		needTool(t, "python3 feedparser", "apt-get install python3-feedparser")
	}
	s := historySnapshot(t)
	dir := t.TempDir()
	var names, files []string
	var want [][]*Post
	for _, format := range []Format{RSS, Atom} {
		n, docs, posts := historyDocs(t, s, format)
		for i, doc := range docs {
			file := filepath.Join(dir, fmt.Sprintf("%d.xml", len(files)))
			if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
			names = append(names, n[i])
			want = append(want, posts[i])
		}
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
		t.Fatalf("feedparser output: %v, %d results for %d documents", err, len(results), len(files))
	}
	for i, r := range results {
		t.Run(names[i], func(t *testing.T) {
			if r.Bozo != 0 {
				t.Errorf("bozo: %s", r.Error)
			}
			if !slices.Equal(r.IDs, ids(want[i])) {
				t.Errorf("entries %q, want %q", r.IDs, ids(want[i]))
			}
		})
	}
}

func TestHistoryJSONSchema(t *testing.T) {
	ajv := filepath.Join("..", "tools", "node_modules", ".bin", "ajv")
	schema := filepath.Join("..", "tools", "node_modules", "jsonfeed-schema", "schema-v1.1.json")
	for _, p := range []string{ajv, schema} {
		if _, err := os.Stat(p); err != nil {
			needTool(t, "ajv and jsonfeed-schema", "npm ci --prefix tools")
		}
	}
	s := historySnapshot(t)
	_, docs, _ := historyDocs(t, s, JSON)
	var b strings.Builder
	if err := s.RenderPage(&b, s.SiteFeed(), JSON, Paging{Size: 5, Page: 1}); err != nil {
		t.Fatal(err)
	}
	docs = append(docs, b.String()) // the current document, with its _history links
	dir := t.TempDir()
	args := []string{"validate", "--spec=draft7", "-c", "ajv-formats", "--errors=text", "-s", schema}
	for i, doc := range docs {
		file := filepath.Join(dir, fmt.Sprintf("%d.json", i))
		if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-d", file)
	}
	cmd := exec.Command(ajv, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("ajv: %v\n%s", err, out.String())
	}
	if got := strings.Count(out.String(), " valid"); got != len(docs) {
		t.Errorf("ajv reported %d valid documents of %d:\n%s", got, len(docs), out.String())
	}
}

func TestDeletedEntriesOnPageOneOnly(t *testing.T) {
	s := historySnapshot(t).WithTombstones([]Tombstone{{
		ID: "https://finews.example.com/gone.html", When: testNow.Add(-time.Hour)}})
	f := s.SiteFeed()
	a, err := s.Archive(f, Month{2021, 12})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		doc  func(w io.Writer) error
		want bool
	}{
		{"page 1", func(w io.Writer) error { return s.RenderPage(w, f, Atom, Paging{Size: 5, Page: 1}) }, true},
		{"page 2", func(w io.Writer) error { return s.RenderPage(w, f, Atom, Paging{Size: 5, Page: 2}) }, false},
		{"archive", func(w io.Writer) error { return s.RenderArchive(w, a, Atom, Paging{Size: 5, Page: 1}) }, false},
		{"rss page 2", func(w io.Writer) error { return s.RenderPage(w, f, RSS, Paging{Size: 5, Page: 2}) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.doc(&b); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(b.String(), "gone.html"); got != tt.want {
				t.Errorf("shows the deleted entry: %v, want %v", got, tt.want)
			}
		})
	}
	plain := historySnapshot(t)
	if s.PageValidator(f, Atom, Paging{Size: 5, Page: 1}) == plain.PageValidator(plain.SiteFeed(), Atom, Paging{Size: 5, Page: 1}) {
		t.Error("page 1 keeps its validator when it gains a deleted entry")
	}
	if s.PageValidator(f, Atom, Paging{Size: 5, Page: 2}) != plain.PageValidator(plain.SiteFeed(), Atom, Paging{Size: 5, Page: 2}) {
		t.Error("page 2 changes its validator for a deleted entry it does not show")
	}
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range [][2]string{{"2021", "12"}, {"0001", "01"}, {"2022", "13"}, {"+202", "01"}, {"20 1", "1 "}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, year, month string) {
		m, err := ParseMonth(year, month)
		if err != nil {
			if !m.IsZero() || !errors.Is(err, ErrMonth) {
				t.Fatalf("ParseMonth(%q, %q) = %v, %v", year, month, m, err)
			}
			return
		}
		if m.String() != year+"/"+month {
			t.Fatalf("ParseMonth(%q, %q) = %v: the URL does not round-trip", year, month, m)
		}
	})
}
