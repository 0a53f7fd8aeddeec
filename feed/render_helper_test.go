package feed

import (
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// testSite is the site the renderer tests publish.
func testSite() Site {
	return Site{
		URL:          "https://finews.example.com",
		Title:        "财经快讯",
		Description:  "地方报纸财经新闻",
		Lang:         "zh-CN",
		Author:       "编辑部",
		Permalink:    "/:categories/:year/:month/:day/:title:output_ext",
		Location:     time.FixedZone("CST", 8*3600),
		FullContent:  true,
		SummaryRunes: 200,
	}
}

// testNow is the clock of the test snapshots: after every fixture post.
var testNow = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// readFixtures returns the files of a testdata directory as path -> text.
func readFixtures(t testing.TB, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files["_posts/"+e.Name()] = string(data)
	}
	return files
}

// buildSnapshot puts files in a MapFS and builds the posts by hand, in the
// order given (sorted paths when order is nil), then a snapshot of them.
func buildSnapshot(t testing.TB, site Site, files map[string]string, order []string) *Snapshot {
	t.Helper()
	fsys := fstest.MapFS{}
	for p, text := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(text)}
	}
	if order == nil {
		for p := range files {
			order = append(order, p)
		}
		slices.Sort(order)
	}
	posts := make([]*Post, 0, len(order))
	for _, p := range order {
		posts = append(posts, handPost(t, site, p, []byte(files[p])))
	}
	return NewSnapshot(site, fsys, posts, nil, testNow)
}

// handPost fills a Post from a file with simple "key: value" front matter.
func handPost(t testing.TB, site Site, p string, data []byte) *Post {
	t.Helper()
	text := string(data)
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		t.Fatalf("%s: no front matter", p)
	}
	front, _, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		t.Fatalf("%s: front matter not closed", p)
	}
	fm := map[string]string{}
	for _, line := range strings.Split(front, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		fm[strings.TrimSpace(k)] = v
	}
	base := path.Base(p)
	ext := path.Ext(base)
	slug := strings.TrimSuffix(base, ext)
	if len(slug) > 11 {
		slug = slug[11:]
	}
	post := &Post{
		Path:             p,
		Slug:             slug,
		Title:            fm["title"],
		Categories:       list(fm["categories"]),
		Tags:             list(fm["tags"]),
		Author:           fm["author"],
		Description:      fm["description"],
		ExcerptSeparator: fm["excerpt_separator"],
		Lang:             fm["lang"],
		Hash:             contentHash(p, data),
		markdown:         ext == ".md" || ext == ".markdown",
		bodyStart:        len(text) - len(rest) + len(front) + len("\n---\n"),
	}
	post.Date = parseTestDate(t, fm["date"], site.Location)
	post.Updated = post.Date
	if fm["last_modified_at"] != "" {
		post.Updated = parseTestDate(t, fm["last_modified_at"], site.Location)
	}
	if post.Author == "" {
		post.Author = site.Author
	}
	segs := []string{}
	for _, c := range post.Categories {
		segs = append(segs, url.PathEscape(c))
	}
	segs = append(segs, post.Date.Format("2006/01/02"), url.PathEscape(slug)+".html")
	post.URL = site.URL + "/" + strings.Join(segs, "/")
	post.ID = post.URL
	if img := fm["image"]; img != "" {
		u, err := url.Parse(site.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		ref, err := url.Parse(img)
		if err != nil {
			t.Fatal(err)
		}
		post.Image = u.ResolveReference(ref).String()
	}
	return post
}

// list parses a front-matter list: "[a, b]" or space-separated words.
func list(v string) []string {
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		var out []string
		for _, s := range strings.Split(v[1:len(v)-1], ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return strings.Fields(v)
}

// parseTestDate parses the date shapes of the fixtures.
func parseTestDate(t testing.TB, v string, loc *time.Location) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02"} {
		if d, err := time.ParseInLocation(layout, v, loc); err == nil {
			return d
		}
	}
	t.Fatalf("bad date %q", v)
	return time.Time{}
}

// renderString renders one feed document and fails the test on error.
func renderString(t testing.TB, s *Snapshot, f *Feed, format Format, limit int) string {
	t.Helper()
	var b strings.Builder
	if err := s.Render(&b, f, format, limit); err != nil {
		t.Fatalf("render %s: %v", f.Path(format), err)
	}
	return b.String()
}

// fixtureSnapshot builds the snapshot of testdata/render.
func fixtureSnapshot(t testing.TB) *Snapshot {
	t.Helper()
	return buildSnapshot(t, testSite(), readFixtures(t, "testdata/render"), nil)
}

// allFeeds returns the site feed, then every category and tag feed.
func allFeeds(s *Snapshot) []*Feed {
	return append(append([]*Feed{s.SiteFeed()}, s.Categories()...), s.Tags()...)
}
