package server

import (
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/feedwire/feedwire/internal/sitetest"
)

// historySite serves twelve posts over three months in UTC+8, six of them
// in January, four to a feed page and five to an archive page.
// It returns the server and the post titles, newest first.
func historySite(t *testing.T) (*testServer, []string) {
	t.Helper()
	cst := time.FixedZone("CST", 8*3600)
	var posts []sitetest.Post
	var titles []string
	for i, d := range []string{"01-02", "01-05", "01-09", "01-14", "01-20", "01-31", "02-01", "02-10", "02-28", "03-01", "03-02", "03-03"} {
		day, err := time.ParseInLocation("2006-01-02", "2026-"+d, cst)
		if err != nil {
			t.Fatal(err)
		}
		titles = append([]string{"第" + d + "篇"}, titles...)
		posts = append(posts, sitetest.Post{
			Title:      "第" + d + "篇",
			Date:       day.Add(time.Duration(i) * time.Minute),
			Categories: []string{[]string{"zhuzhouribao", "xiangtanribao"}[i%2]},
			Tags:       []string{"株洲日报新闻"},
		})
	}
	root := sitetest.Write(t, "历史", posts)
	return startServer(t, map[string]string{"POSTS_DIR": root, "FEED_LIMIT": "4", "MAX_LIMIT": "5", "TIMEZONE": "Asia/Shanghai"}), titles
}

func TestHistoryRoutes(t *testing.T) {
	ts, _ := historySite(t)
	const tag = "/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB"
	tests := []struct {
		path string
		want int
		// No document is promised immutable: a closed month's archive
		// changes when a post is backdated into it or removed from it.
		immutable bool
	}{
		{"/feed.xml", 200, false},
		{"/feed.xml?page=1", 200, false},
		{"/feed.xml?page=3", 200, false},
		{"/feed.xml?page=4", 404, false},
		{"/feed.xml?page=0", 400, false},
		{"/feed.xml?page=-1", 400, false},
		{"/feed.xml?page=two", 400, false},
		{"/feed.xml?page=", 400, false},
		{"/feed.xml?page=2&utm_source=x", 200, false},
		{"/feed.xml?page=+2", 400, false},
		{"/feed.xml?page=1&page=2", 400, false},
		{"/feed.xml?page=99999999999999999999", 400, false},
		{"/atom.xml?limit=5&page=3", 200, false},
		{"/atom.xml?limit=5&page=4", 404, false},
		{"/categories/zhuzhouribao/feed.json?page=2", 200, false},
		{"/categories/zhuzhouribao/feed.json?page=3", 404, false},
		{"/archive/2026/01/feed.xml", 200, false},
		{"/archive/2026/01/feed.xml?page=2", 200, false},
		{"/archive/2026/01/feed.xml?page=3", 404, false},
		{"/archive/2026/01/feed.xml?page=0", 400, false},
		{"/archive/2026/02/atom.xml", 200, false},
		{"/archive/2026/03/feed.json", 200, false}, // the open month
		{"/archive/2026/04/feed.xml", 404, false},
		{"/archive/2025/12/feed.xml", 404, false},
		{"/archive/2026/13/feed.xml", 400, false},
		{"/archive/2026/1/feed.xml", 400, false},
		{"/archive/26/01/feed.xml", 400, false},
		{"/archive/2026/01/rss.xml", 404, false},
		{"/categories/xiangtanribao/archive/2026/01/atom.xml", 200, false},
		{"/categories/XiangtanRibao/archive/2026/02/feed.xml", 200, false},
		{"/categories/nope/archive/2026/01/atom.xml", 404, false},
		{tag + "/archive/2026/02/feed.json", 200, false},
		{tag + "/archive/2026/03/feed.json", 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, "GET", ts.URL+tt.path, nil)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			if tt.want != 200 {
				return
			}
			cc := resp.Header.Get("Cache-Control")
			if strings.Contains(cc, "immutable") != tt.immutable {
				t.Errorf("Cache-Control %q, immutable should be %v", cc, tt.immutable)
			}
			etag := resp.Header.Get("ETag")
			again, _ := get(t, "GET", ts.URL+tt.path, map[string]string{"If-None-Match": etag})
			if again.StatusCode != 304 || again.Header.Get("Cache-Control") != cc {
				t.Errorf("with its ETag: %d, Cache-Control %q", again.StatusCode, again.Header.Get("Cache-Control"))
			}
		})
	}
	// Each page and month is its own document, with its own ETag.
	seen := map[string]string{}
	for _, p := range []string{"/feed.xml", "/feed.xml?page=2", "/feed.xml?page=3", "/feed.xml?limit=5",
		"/feed.xml?limit=5&page=2", "/archive/2026/01/feed.xml", "/archive/2026/01/feed.xml?page=2", "/archive/2026/02/feed.xml"} {
		resp, _ := get(t, "GET", ts.URL+p, nil)
		etag := resp.Header.Get("ETag")
		if other, ok := seen[etag]; ok || etag == "" {
			t.Errorf("%s and %s share ETag %q", p, other, etag)
		}
		seen[etag] = p
	}
}

// local maps a link in a served document to the test server.
func local(ts *testServer, u string) string {
	return strings.Replace(u, "https://news.example.org", ts.URL, 1)
}

// rssHistory fetches an RSS document and reads it with gofeed: its item
// titles and its atom:link elements by relation.
func rssHistory(t *testing.T, ts *testServer, u string) (titles []string, links map[string]string, archive bool) {
	t.Helper()
	resp, body := get(t, "GET", local(ts, u), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", u, resp.StatusCode)
	}
	f, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	links = map[string]string{}
	for _, l := range f.Extensions["atom"]["link"] {
		links[l.Attrs["rel"]] = l.Attrs["href"]
	}
	for _, it := range f.Items {
		titles = append(titles, it.Title)
	}
	_, archive = f.Extensions["fh"]["archive"]
	return titles, links, archive
}

func TestHistoryWalksOverHTTP(t *testing.T) {
	ts, everything := historySite(t)
	t.Run("next", func(t *testing.T) {
		var seen []string
		for u, n := ts.URL+"/feed.xml", 0; u != ""; n++ {
			if n > 3 {
				t.Fatalf("more pages than 3 at %s", u)
			}
			titles, links, _ := rssHistory(t, ts, u)
			seen = append(seen, titles...)
			u = links["next"]
		}
		if strings.Join(seen, ",") != strings.Join(everything, ",") {
			t.Errorf("pages hold %q, want %q", seen, everything)
		}
	})
	t.Run("prev-archive", func(t *testing.T) {
		titles, links, _ := rssHistory(t, ts, ts.URL+"/feed.xml")
		seen := titles[:3] // the open month, March, holds three posts
		for u, n := links["prev-archive"], 0; u != ""; n++ {
			if n > 2 {
				t.Fatalf("more archives than 2 at %s", u)
			}
			first := u
			for page := u; page != ""; {
				titles, links, archive := rssHistory(t, ts, page)
				if !archive {
					t.Errorf("%s lacks fh:archive", page)
				}
				seen = append(seen, titles...)
				page = links["next"]
				if page == "" {
					_, firstLinks, _ := rssHistory(t, ts, first)
					u = firstLinks["prev-archive"]
				}
			}
		}
		if strings.Join(seen, ",") != strings.Join(everything, ",") {
			t.Errorf("current feed and archives hold %q, want %q", seen, everything)
		}
	})
}

// BenchmarkNewState derives the server state of 100,000 posts in 2,000
// categories and 5,000 tags, as every snapshot swap does: three validators
// per feed, each finding the feed's newest closed month.
func BenchmarkNewState(b *testing.B) {
	snap := bigSnapshot(100000)
	for b.Loop() {
		if _, err := newState(snap, 20, ""); err != nil {
			b.Fatal(err)
		}
	}
}
