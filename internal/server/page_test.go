package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/httpx"
	"github.com/feedwire/feedwire/internal/sitetest"
	"github.com/feedwire/feedwire/subscribers"
)

// hostile names and titles: html/template must escape every one of them.
// The title's markup is written as entities: titles are plain text, so tags
// would be stripped at load, but the text they decode to is markup again.
const (
	scriptTitle = `&lt;script&gt;console.error("title ran")&lt;/script&gt; 株洲 &amp; "Co"`
	oddCategory = `a<b"c`
	scriptTag   = `<script>alert(1)</script>`
)

// pageSite is the small site the page tests serve.
func pageSite(t *testing.T) string {
	t.Helper()
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	return sitetest.Write(t, "Test <News>", []sitetest.Post{
		{Title: scriptTitle, Date: day, Categories: []string{oddCategory}, Tags: []string{scriptTag, "株洲日报新闻"}},
		{Title: "Second post", Date: day.Add(time.Hour), Categories: []string{oddCategory}, Tags: []string{"plain"}},
		{Title: "Other paper", Date: day.Add(2 * time.Hour), Categories: []string{"xiangtanribao"}, Tags: []string{"plain"}},
	})
}

func TestPages(t *testing.T) {
	ts := startServer(t, map[string]string{"POSTS_DIR": pageSite(t)})
	oddPage := "/categories/" + url.PathEscape(oddCategory) + "/"
	tests := []struct {
		name    string
		path    string
		want    []string // substrings of the body
		notWant []string
	}{
		{"index", "/", []string{
			`<title>Test &lt;News&gt; · feeds</title>`,
			`<link rel="alternate" type="application/rss+xml" title="Test &lt;News&gt; (RSS)" href="/feed.xml">`,
			`<link rel="alternate" type="application/atom+xml" title="Test &lt;News&gt; (Atom)" href="/atom.xml">`,
			`<link rel="alternate" type="application/feed+json" title="Test &lt;News&gt; (JSON Feed)" href="/feed.json">`,
			`<a href="/opml.xml" type="text/x-opml">`,
			`<a href="/categories/a%3Cb%22c/">a&lt;b&#34;c</a><td>2<td><time>2026-03-01</time>`,
			`<a href="/categories/a%3Cb%22c/feed.xml" type="application/rss+xml">RSS</a>`,
			`<a href="/tags/%3Cscript%3Ealert%281%29%3C%2Fscript%3E/">&lt;script&gt;alert(1)&lt;/script&gt;</a>`,
			`<a href="/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/atom.xml" type="application/atom+xml">`,
			`<input type="search" id="filter" hidden`,
			`<h2>Categories (2)</h2>`,
			`<h2>Tags (3)</h2>`,
		}, []string{"<script>alert", "<script>console"}},
		{"category page", oddPage, []string{
			`<title>a&lt;b&#34;c · Test &lt;News&gt;</title>`,
			`<link rel="alternate" type="application/rss+xml" title="a&lt;b&#34;c (RSS)" href="/categories/a%3Cb%22c/feed.xml">`,
			`<link rel="alternate" type="application/atom+xml" title="a&lt;b&#34;c (Atom)" href="/categories/a%3Cb%22c/atom.xml">`,
			`<link rel="alternate" type="application/feed+json" title="a&lt;b&#34;c (JSON Feed)" href="/categories/a%3Cb%22c/feed.json">`,
			`<h1>a&lt;b&#34;c</h1>`,
			`Category · 2 items, updated <time datetime="2026-03-01T10:00:00&#43;08:00">2026-03-01</time>`,
			`<time datetime="2026-03-01T10:00:00&#43;08:00">2026-03-01</time> <a href="https://news.example.org/`,
			`">Second post</a>`,
			`">&lt;script&gt;console.error(&#34;title ran&#34;)&lt;/script&gt; 株洲 &amp; &#34;Co&#34;</a>`,
		}, []string{"<script"}},
		{"category page in other case", "/categories/A%3CB%22C/", []string{`<h1>a&lt;b&#34;c</h1>`}, nil},
		{"tag page", "/tags/" + url.PathEscape(scriptTag) + "/", []string{
			`<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>`,
			`Tag · 1 items`,
			`href="/tags/%3Cscript%3Ealert%281%29%3C%2Fscript%3E/feed.json">`,
		}, []string{"<script"}},
		{"Chinese tag page", "/tags/株洲日报新闻/", []string{`<h1>株洲日报新闻</h1>`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, "GET", ts.URL+tt.path, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", tt.path, resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			for _, w := range tt.want {
				if !bytes.Contains(body, []byte(w)) {
					t.Errorf("body lacks %s", w)
				}
			}
			for _, w := range tt.notWant {
				if bytes.Contains(body, []byte(w)) {
					t.Errorf("body holds %s", w)
				}
			}
			checkCSP(t, resp.Header.Get("Content-Security-Policy"), body)
			if t.Failed() {
				t.Logf("body:\n%s", body)
			}
		})
	}

	for _, path := range []string{"/categories/nope/", "/tags/nope/", "/categories/" + url.PathEscape(scriptTag) + "/"} {
		if resp, _ := get(t, "GET", ts.URL+path, nil); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
}

// checkCSP checks that the policy allows exactly the page's inline style
// and, if it has one, its inline script, and nothing from elsewhere.
func checkCSP(t *testing.T, policy string, body []byte) {
	t.Helper()
	if !strings.HasPrefix(policy, "default-src 'none';") {
		t.Errorf("Content-Security-Policy %q does not start with default-src 'none'", policy)
	}
	for _, el := range []struct{ tag, directive string }{{"style", "style-src"}, {"script", "script-src"}} {
		_, rest, ok := bytes.Cut(body, []byte("<"+el.tag+">"))
		if !ok {
			continue
		}
		text, _, ok := bytes.Cut(rest, []byte("</"+el.tag+">"))
		if !ok {
			t.Errorf("<%s> never closed", el.tag)
			continue
		}
		sum := sha256.Sum256(text)
		want := el.directive + " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "';"
		if !strings.Contains(policy, want) {
			t.Errorf("Content-Security-Policy %q lacks %s", policy, want)
		}
	}
}

func TestFeedPageCaching(t *testing.T) {
	ts := startServer(t, map[string]string{"POSTS_DIR": pageSite(t)})
	for _, path := range []string{"/", "/categories/xiangtanribao/", "/tags/plain/"} {
		t.Run(path, func(t *testing.T) {
			resp, plain := get(t, "GET", ts.URL+path, nil)
			etag := resp.Header.Get("ETag")
			if resp.StatusCode != 200 || !strings.HasPrefix(etag, `"`) {
				t.Fatalf("GET %s: %d, ETag %q", path, resp.StatusCode, etag)
			}
			// No Last-Modified: subscriber counts change a page between
			// swaps, when no time is recorded; the ETag validates it.
			if resp.Header.Get("Last-Modified") != "" || resp.Header.Get("Cache-Control") == "" {
				t.Errorf("GET %s has a Last-Modified or lacks Cache-Control: %v", path, resp.Header)
			}
			resp, _ = get(t, "GET", ts.URL+path, map[string]string{"If-None-Match": etag})
			if resp.StatusCode != 304 {
				t.Errorf("conditional GET %s: %d, want 304", path, resp.StatusCode)
			}
			if resp.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("304 for %s lacks Content-Security-Policy", path)
			}
			resp, zipped := get(t, "GET", ts.URL+path, map[string]string{"Accept-Encoding": "gzip"})
			if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("ETag") == etag {
				t.Fatalf("gzip GET %s: encoding %q, ETag %q", path, resp.Header.Get("Content-Encoding"), resp.Header.Get("ETag"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(zipped))
			if err != nil {
				t.Fatal(err)
			}
			unzipped, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(unzipped, plain) {
				t.Errorf("gunzipped page differs from the plain one (err %v)", err)
			}
		})
	}
}

// loadSite loads a generated site the way serve does.
func loadSite(t testing.TB, root string) *feed.Snapshot {
	t.Helper()
	fsys := os.DirFS(root)
	site, err := feed.ReadSiteConfig(fsys)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := feed.Load(context.Background(), fsys, feed.LoadOptions{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Problems) > 0 {
		t.Fatalf("problems: %v", snap.Problems)
	}
	return snap
}

func TestPageSubscribers(t *testing.T) {
	snap := loadSite(t, pageSite(t))
	counts := map[string]int{"category/xiangtanribao": 7, "tag/plain": 1234, "site/": 99}
	subscribers := func(kind feed.Kind, key string) int { return counts[kind.String()+"/"+key] }
	cat, err := snap.Category("xiangtanribao")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		subscribers subscriberFunc
		index, page []string // substrings of the index and of the category page
		notIndex    []string
	}{
		{"none", nil, nil, nil, []string{"<th>Subscribers", "subscribers"}},
		{"counted", subscribers,
			[]string{"<th>Subscribers", "<a href=\"/tags/plain/\">plain</a><td>2<td>", "type=\"application/feed+json\">JSON</a><td>1234\n", "99 subscribers"},
			[]string{"7 subscribers"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPages(20, tt.subscribers)
			var index, page bytes.Buffer
			if err := p.writeIndex(&index, snap, 20); err != nil {
				t.Fatal(err)
			}
			d := p.feedDocument(snap, cat, 20)
			if err := d.render(&page); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.index {
				if !strings.Contains(index.String(), w) {
					t.Errorf("index lacks %q", w)
				}
			}
			for _, w := range tt.notIndex {
				if strings.Contains(index.String(), w) {
					t.Errorf("index holds %q", w)
				}
			}
			for _, w := range tt.page {
				if !strings.Contains(page.String(), w) {
					t.Errorf("category page lacks %q", w)
				}
			}
		})
	}

	// A changed subscriber count changes the page's validator, so that no
	// cache serves the old count.
	before := newPages(20, subscribers).feedDocument(snap, cat, 20).validator
	counts["category/xiangtanribao"]++
	if after := newPages(20, subscribers).feedDocument(snap, cat, 20).validator; after == before {
		t.Errorf("validator %s unchanged after the subscriber count changed", after)
	}
}

// bigSnapshot indexes n posts in memory across 2,000 categories (every
// tenth Chinese) and 5,000 tags.
func bigSnapshot(n int) *feed.Snapshot {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	posts := make([]*feed.Post, n)
	for i := range posts {
		cat := fmt.Sprintf("newspaper%04d", i%2000)
		if i%10 == 0 {
			cat = fmt.Sprintf("株洲日报%04d", i%2000)
		}
		date := base.Add(time.Duration(i) * time.Minute)
		posts[i] = &feed.Post{
			Path: fmt.Sprintf("_posts/%d.md", i), Title: fmt.Sprintf("标题 %d", i),
			Date: date, Updated: date, URL: fmt.Sprintf("https://news.example.org/%d.html", i),
			Categories: []string{cat}, Tags: []string{fmt.Sprintf("标签%04d", i%5000)},
		}
	}
	return feed.NewSnapshot(feed.Site{Title: "Big"}, nil, posts, nil, base.Add(time.Duration(n)*time.Minute))
}

// BenchmarkIndexPage renders the index of 2,000 categories and 5,000 tags,
// as every snapshot swap does.
func BenchmarkIndexPage(b *testing.B) {
	snap := bigSnapshot(20000)
	p := newPages(20, func(feed.Kind, string) int { return 3 })
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := p.writeIndex(&buf, snap, 20); err != nil {
			b.Fatal(err)
		}
	}
	zipped, err := compress(buf.Bytes(), httpx.Gzip)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
	b.ReportMetric(float64(len(zipped)), "gzip-bytes")
}

func TestIndexSubscriberRefresh(t *testing.T) {
	snap := loadSite(t, pageSite(t))
	store := subscribers.New(subscribers.Options{})
	key := subscriberKey(feed.KindCategory, "xiangtanribao", feed.RSS)
	store.Record(key, "feedly", 5)
	clock := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	s := New(Options{FeedLimit: 20, MaxLimit: 100, Subscribers: store})
	s.pages.now = func() time.Time { return clock }
	if _, err := s.Swap(snap); err != nil {
		t.Fatal(err)
	}
	st := s.state.Load()
	served := func() (validator, body string) {
		t.Helper()
		idx := s.home(st)
		var b strings.Builder
		if err := idx.doc.render(&b); err != nil {
			t.Fatal(err)
		}
		return idx.doc.validator, b.String()
	}
	first, body := served()
	if !strings.Contains(body, "<td>5\n") {
		t.Fatalf("index lacks the count 5:\n%s", body)
	}
	store.Record(key, "feedly", 6)
	clock = clock.Add(indexRefresh - time.Second)
	if v, _ := served(); v != first {
		t.Errorf("index rendered again %v after the first request, sooner than %v", indexRefresh-time.Second, indexRefresh)
	}
	clock = clock.Add(2 * time.Second)
	v, body := served()
	if v == first || !strings.Contains(body, "<td>6\n") || strings.Contains(body, "<td>5\n") {
		t.Errorf("index after %v: validator %s (was %s), counts not 6:\n%s", indexRefresh, v, first, body)
	}
	if again, _ := served(); again != v {
		t.Errorf("refreshed index not kept: validator %s, then %s", v, again)
	}
}

func TestPagesShowSubscribers(t *testing.T) {
	ts := startServer(t, map[string]string{"POSTS_DIR": pageSite(t)})
	const ua = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; like FeedFetcher-Google)"
	if resp, _ := get(t, "GET", ts.URL+"/categories/XiangtanRibao/atom.xml", map[string]string{"User-Agent": ua}); resp.StatusCode != 200 {
		t.Fatalf("aggregator's GET: %d", resp.StatusCode)
	}
	_, page := get(t, "GET", ts.URL+"/categories/xiangtanribao/", nil)
	if !bytes.Contains(page, []byte(", 42 subscribers.")) {
		t.Errorf("category page lacks the aggregator's 42 subscribers:\n%s", page)
	}
	_, page = get(t, "GET", ts.URL+"/tags/plain/", nil)
	if !bytes.Contains(page, []byte(", 0 subscribers.")) {
		t.Errorf("tag page lacks 0 subscribers:\n%s", page)
	}
	_, index := get(t, "GET", ts.URL+"/", nil)
	if !bytes.Contains(index, []byte("<th>Subscribers")) {
		t.Errorf("index lacks the subscriber column")
	}
}
