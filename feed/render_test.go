package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// formats lists every format, for table tests.
var formats = []Format{RSS, Atom, JSON}

func TestRenderDeterministic(t *testing.T) {
	files := readFixtures(t, "testdata/render")
	var order []string
	for p := range files {
		order = append(order, p)
	}
	slices.Sort(order)
	forward := buildSnapshot(t, testSite(), files, order)
	slices.Reverse(order)
	backward := buildSnapshot(t, testSite(), files, order)

	a, b := allFeeds(forward), allFeeds(backward)
	if len(a) != len(b) || len(a) < 5 {
		t.Fatalf("feeds: %d and %d", len(a), len(b))
	}
	for i := range a {
		for _, format := range formats {
			t.Run(a[i].Path(format), func(t *testing.T) {
				first := renderString(t, forward, a[i], format, 0)
				again := renderString(t, forward, a[i], format, 0) // from the item cache
				other := renderString(t, backward, b[i], format, 0)
				if first != again {
					t.Error("a second render of the same snapshot differs")
				}
				if first != other {
					t.Error("snapshots of the same files read in another order differ")
				}
			})
		}
	}
	var o1, o2 bytes.Buffer
	if err := forward.RenderOPML(&o1); err != nil {
		t.Fatal(err)
	}
	if err := backward.RenderOPML(&o2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(o1.Bytes(), o2.Bytes()) {
		t.Error("OPML differs between read orders")
	}
}

// checkXML decodes doc with encoding/xml to its end, and fails on any error.
func checkXML(t testing.TB, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("ill-formed XML: %v\n%s", err, doc)
		}
	}
}

func TestRenderWellFormed(t *testing.T) {
	s := fixtureSnapshot(t)
	for _, f := range allFeeds(s) {
		for _, format := range formats {
			t.Run(f.Path(format), func(t *testing.T) {
				doc := []byte(renderString(t, s, f, format, 0))
				if format == JSON {
					if !json.Valid(doc) {
						t.Fatalf("invalid JSON:\n%s", doc)
					}
					if bytes.Contains(doc, []byte(`\u003c`)) {
						t.Error("JSON is HTML-escaped")
					}
					return
				}
				checkXML(t, doc)
			})
		}
	}
	var opml bytes.Buffer
	if err := s.RenderOPML(&opml); err != nil {
		t.Fatal(err)
	}
	checkXML(t, opml.Bytes())
}

func TestRenderContent(t *testing.T) {
	s := fixtureSnapshot(t)
	f, err := s.Category("xiangjiangribao")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		format Format
		want   []string
		never  []string
	}{
		{"rss", RSS, []string{
			`<atom:link href="https://finews.example.com/categories/xiangjiangribao/feed.xml" rel="self" type="application/rss+xml">`,
			`<title>财经快讯 · xiangjiangribao</title>`,
			`<link>https://finews.example.com/categories/xiangjiangribao/</link>`,
			`<lastBuildDate>Tue, 04 Jan 2022 00:00:00 +0800</lastBuildDate>`,
			`<guid isPermaLink="true">https://finews.example.com/xiangjiangribao/2021/12/29/jinrong-dongneng.html</guid>`,
			`<pubDate>Wed, 29 Dec 2021 07:52:46 +0800</pubDate>`,
			`<atom:updated>2021-12-29T07:52:46+08:00</atom:updated>`,
			`<dc:creator>编辑部</dc:creator>`,
			`<category>湘江日报新闻</category>`,
			`<media:content url="https://finews.example.com/img/2021/jinrong%20%E5%B0%81%E9%9D%A2.jpg" medium="image" type="image/jpeg">`,
			`<media:thumbnail url="https://finews.example.com/img/2021/jinrong%20%E5%B0%81%E9%9D%A2.jpg">`,
			`src="https://finews.example.com/img/chart.png"`,
			`https://cdn.example.com/c.png 3x`,
			`<title>控制字符测试标题</title>`,
		}, []string{"\x01", "\x0b", "\x00", "<author>", "\uFFFE"}},
		{"atom", Atom, []string{
			`<id>https://finews.example.com/categories/xiangjiangribao/atom.xml</id>`,
			`<link href="https://finews.example.com/categories/xiangjiangribao/atom.xml" rel="self" type="application/atom+xml">`,
			`<updated>2022-01-04T00:00:00+08:00</updated>`,
			`<published>2021-12-29T07:52:46+08:00</published>`,
			`<category term="湘江日报新闻">`,
			`<link href="https://finews.example.com/img/2021/jinrong%20%E5%B0%81%E9%9D%A2.jpg" rel="enclosure" type="image/jpeg">`,
			`<content type="html">`,
			`<summary type="text">湘江日报记者/王小明 通讯员/李华 经济是肌体，`,
			`xml:lang="zh-CN"`,
		}, []string{"urn:uuid:", "tag:"}},
		{"json", JSON, []string{
			`"feed_url":"https://finews.example.com/categories/xiangjiangribao/feed.json"`,
			`"home_page_url":"https://finews.example.com/categories/xiangjiangribao/"`,
			`"language":"zh-CN"`,
			`"image":"https://finews.example.com/img/2021/jinrong%20%E5%B0%81%E9%9D%A2.jpg"`,
			`"date_published":"2021-12-29T07:52:46+08:00"`,
			`<img src=\"https://finews.example.com/img/chart.png\"`,
		}, []string{`\u003c`, `\u0026`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := renderString(t, s, f, tt.format, 0)
			for _, w := range tt.want {
				if !strings.Contains(doc, w) {
					t.Errorf("missing %s", w)
				}
			}
			for _, n := range tt.never {
				if strings.Contains(doc, n) {
					t.Errorf("contains %q", n)
				}
			}
		})
	}
}

func TestRenderFeedIDsDistinct(t *testing.T) {
	s := fixtureSnapshot(t)
	seen := map[string]string{}
	for _, f := range allFeeds(s) {
		var doc struct {
			ID string `xml:"id"`
		}
		if err := xml.Unmarshal([]byte(renderString(t, s, f, Atom, 0)), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.ID == "" {
			t.Errorf("%s: empty feed id", f.Path(Atom))
		}
		if other, ok := seen[doc.ID]; ok {
			t.Errorf("%s and %s share the id %s", other, f.Path(Atom), doc.ID)
		}
		seen[doc.ID] = f.Path(Atom)
	}
}

func TestRenderLimit(t *testing.T) {
	s := fixtureSnapshot(t)
	tests := []struct {
		limit, want int
	}{{0, 5}, {-1, 5}, {2, 2}, {1, 1}, {99, 5}}
	for _, tt := range tests {
		t.Run(strings.Repeat("n", tt.want), func(t *testing.T) {
			var doc struct {
				Items []struct{ ID string } `json:"items"`
			}
			if err := json.Unmarshal([]byte(renderString(t, s, s.SiteFeed(), JSON, tt.limit)), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Items) != tt.want {
				t.Errorf("limit %d: %d items, want %d", tt.limit, len(doc.Items), tt.want)
			}
		})
	}
}

func TestRenderEmptyFeed(t *testing.T) {
	s := NewSnapshot(testSite(), fstest.MapFS{}, nil, nil, testNow)
	for _, format := range formats {
		t.Run(format.String(), func(t *testing.T) {
			doc := renderString(t, s, s.SiteFeed(), format, 0)
			switch format {
			case RSS:
				if !strings.Contains(doc, "<lastBuildDate>Thu, 01 Jan 1970 00:00:00 +0000</lastBuildDate>") {
					t.Errorf("no fixed lastBuildDate:\n%s", doc)
				}
			case Atom:
				if !strings.Contains(doc, "<updated>1970-01-01T00:00:00Z</updated>") {
					t.Errorf("no fixed updated:\n%s", doc)
				}
			case JSON:
				if !strings.Contains(doc, `"items":[]`) {
					t.Errorf("no items array:\n%s", doc)
				}
			}
		})
	}
}

func TestRenderSummaryOnly(t *testing.T) {
	site := testSite()
	site.FullContent = false
	s := buildSnapshot(t, site, readFixtures(t, "testdata/render"), nil)
	tests := []struct {
		format Format
		never  string
		want   string
	}{
		{RSS, "<content:encoded>", "<description>湘江日报记者/王小明 通讯员/李华 经济是肌体，"},
		{Atom, "<content", `<summary type="text">湘江日报记者/王小明 通讯员/李华 经济是肌体，`},
		{JSON, "<strong>", `"content_html":"<p>湘江日报记者/王小明 通讯员/李华 经济是肌体，`},
	}
	for _, tt := range tests {
		t.Run(tt.format.String(), func(t *testing.T) {
			doc := renderString(t, s, s.SiteFeed(), tt.format, 0)
			if strings.Contains(doc, tt.never) {
				t.Errorf("summary-only document contains %q", tt.never)
			}
			if !strings.Contains(doc, tt.want) {
				t.Errorf("missing %s", tt.want)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	files := readFixtures(t, "testdata/render")
	tests := []struct {
		name   string
		change func(fstest.MapFS)
		want   error
	}{
		{"changed file", func(m fstest.MapFS) {
			m["_posts/2021-12-29-jinrong-dongneng.md"].Data = []byte("---\ntitle: x\n---\nother")
		}, ErrChanged},
		{"missing file", func(m fstest.MapFS) { delete(m, "_posts/2021-12-29-jinrong-dongneng.md") }, fs.ErrNotExist},
	}
	for _, tt := range tests {
		for _, format := range formats {
			t.Run(tt.name+"/"+format.String(), func(t *testing.T) {
				s := buildSnapshot(t, testSite(), files, nil)
				tt.change(s.FS().(fstest.MapFS))
				var buf bytes.Buffer
				err := s.Render(&buf, s.SiteFeed(), format, 0)
				if !errors.Is(err, tt.want) {
					t.Errorf("Render error = %v, want %v", err, tt.want)
				}
				if buf.Len() != 0 {
					t.Errorf("Render wrote %d bytes before failing", buf.Len())
				}
			})
		}
	}
	t.Run("unknown format", func(t *testing.T) {
		s := buildSnapshot(t, testSite(), files, nil)
		if err := s.Render(io.Discard, s.SiteFeed(), Format(9), 0); !errors.Is(err, ErrFormat) {
			t.Errorf("Render error = %v, want ErrFormat", err)
		}
	})
	t.Run("nil feed", func(t *testing.T) {
		s := buildSnapshot(t, testSite(), files, nil)
		if err := s.Render(io.Discard, nil, RSS, 0); !errors.Is(err, ErrNotFound) {
			t.Errorf("Render error = %v, want ErrNotFound", err)
		}
	})
}

func TestRenderOPML(t *testing.T) {
	s := fixtureSnapshot(t)
	var buf bytes.Buffer
	if err := s.RenderOPML(&buf); err != nil {
		t.Fatal(err)
	}
	var doc opmlDoc
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.0" {
		t.Errorf("version %q", doc.Version)
	}
	var groups []string
	got := map[string]opmlOutline{}
	for _, g := range doc.Body.Outlines {
		groups = append(groups, g.Text)
		for _, o := range g.Outlines {
			got[o.XMLURL] = o
		}
	}
	if want := []string{"Site", "Categories", "Tags"}; !slices.Equal(groups, want) {
		t.Errorf("groups %q, want %q", groups, want)
	}
	feeds := allFeeds(s)
	if len(got) != len(feeds) {
		t.Errorf("%d outlines for %d feeds", len(got), len(feeds))
	}
	for _, f := range feeds {
		o, ok := got[s.Site.URL+f.Path(RSS)]
		if !ok {
			t.Errorf("no outline for %s", f.Path(RSS))
			continue
		}
		if o.Type != "rss" || o.HTMLURL != s.Site.URL+f.HomePath() || o.Title == "" {
			t.Errorf("outline %+v", o)
		}
	}
}

func TestGolden(t *testing.T) {
	s := fixtureSnapshot(t)
	f, err := s.Category("xiangjiangribao")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		render func(io.Writer) error
	}{
		{"site.feed.xml", func(w io.Writer) error { return s.Render(w, s.SiteFeed(), RSS, 0) }},
		{"category.atom.xml", func(w io.Writer) error { return s.Render(w, f, Atom, 0) }},
		{"site.feed.json", func(w io.Writer) error { return s.Render(w, s.SiteFeed(), JSON, 0) }},
		{"opml.xml", s.RenderOPML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.render(&buf); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", tt.name)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from the golden file; if the change is intended, bump RendererVersion and run go test -run TestGolden -update\n%s", tt.name, buf.String())
			}
		})
	}
}

func TestRenderPostLanguage(t *testing.T) {
	s := fixtureSnapshot(t)
	tests := []struct {
		format Format
		want   string
		count  int
	}{
		{Atom, `xml:lang="en-US"`, 1},
		{JSON, `"language":"en-US"`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.format.String(), func(t *testing.T) {
			doc := renderString(t, s, s.SiteFeed(), tt.format, 0)
			if n := strings.Count(doc, tt.want); n != tt.count {
				t.Errorf("%s occurs %d times, want %d", tt.want, n, tt.count)
			}
		})
	}
}
