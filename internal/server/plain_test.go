package server

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/feedwire/feedwire/cache"
	"github.com/feedwire/feedwire/example"
	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/metrics"
	"github.com/feedwire/feedwire/subscribers"
)

// plainPair is the example site served twice, each server with its own
// metrics and subscriber counts: once through plainFeeds, once through the
// mux alone.
type plainPair struct {
	plain, mux http.Handler
}

func newPlainPair(t testing.TB) *plainPair {
	t.Helper()
	cfg := config.Default()
	site, err := cfg.Site(example.FS())
	if err != nil {
		t.Fatal(err)
	}
	snap, err := feed.Load(context.Background(), example.FS(), feed.LoadOptions{Site: site, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	build := func(plain bool) http.Handler {
		m := metrics.New(prometheus.NewRegistry(), "test")
		s := New(Options{
			FeedLimit: cfg.FeedLimit, MaxLimit: cfg.MaxLimit, MaxAge: cfg.MaxAge,
			Cache:       cache.NewTiered(cache.NewMemory(64<<20, nil), nil, cache.TieredOptions{}),
			Subscribers: subscribers.New(subscribers.Options{}),
			Metrics:     m.Handler(),
			Instrument:  m.Route,
			Outer:       m.Unmatched,
		})
		if _, err := s.Swap(snap); err != nil {
			t.Fatal(err)
		}
		return s.handler(plain)
	}
	return &plainPair{plain: build(true), mux: build(false)}
}

// answer serves one request and returns its status line, fields (without
// Date) and body as text.
func answer(h http.Handler, method, target string, header http.Header) string {
	r := httptest.NewRequest(method, "http://feedwire.test"+target, nil)
	r.RequestURI = target
	r.Header = header.Clone()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var b strings.Builder
	b.WriteString(http.StatusText(w.Code) + "\n")
	keys := make([]string, 0, len(w.Header()))
	for k := range w.Header() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(k + ": " + strings.Join(w.Header()[k], ", ") + "\n")
	}
	b.Write(w.Body.Bytes())
	return b.String()
}

// same sends one request to both and fails when the answers differ.
func (p *plainPair) same(t testing.TB, method, target string, header http.Header) {
	t.Helper()
	a, b := answer(p.plain, method, target, header), answer(p.mux, method, target, header)
	if a != b {
		t.Errorf("%s %s %v:\nplainFeeds:\n%.600s\nmux:\n%.600s", method, target, header, a, b)
	}
}

// metricLines returns the request and size series of /metrics, whose
// values the two servers must agree on.
func metricLines(t testing.TB, h http.Handler) []string {
	t.Helper()
	body := answer(h, "GET", "/metrics", nil)
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "feedwire_http_requests_total") || strings.HasPrefix(l, "feedwire_http_response_size_bytes_count") {
			out = append(out, l)
		}
	}
	return out
}

func TestPlainFeedsMatchMux(t *testing.T) {
	p := newPlainPair(t)
	etag := func(target string) string { // asked of both, so that their metrics stay equal
		var tags []string
		for _, h := range []http.Handler{p.plain, p.mux} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
			tags = append(tags, w.Header().Get("Etag"))
		}
		if tags[0] != tags[1] || tags[0] == "" {
			t.Fatalf("ETags of %s: %q", target, tags)
		}
		return tags[0]
	}
	tag := `/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB`
	targets := []string{
		"/feed.xml", "/atom.xml", "/feed.json",
		"/categories/zhuzhouribao/feed.xml", "/categories/ZhuZhouRiBao/atom.xml", "/categories/zhuzhouribao/feed.json",
		tag + "/feed.xml", strings.ToLower(tag) + "/atom.xml", "/categories/nosuch/feed.json",
		"/categories/a%2Fb/feed.xml", "/categories/../feed.xml", "/categories//feed.xml", "/categories/./feed.xml",
		"//feed.xml", "/feed.xml?limit=5", "/feed.xml?", "/categories/zhuzhouribao/feed.xml/",
		"/categories/zhuzhouribao/x/feed.xml", "/categories/zhuzhouribao", "/tags/feed.xml", "/feed.XML",
	}
	headers := []http.Header{
		nil,
		{"If-None-Match": {etag("/categories/zhuzhouribao/feed.xml")}},
		{"If-None-Match": {etag("/feed.xml"), `"other"`}, "Accept-Encoding": {"gzip"}},
		{"Accept-Encoding": {"br;q=0.9, gzip;q=0.5"}},
		{"If-Match": {`"nope"`}},
		{"If-Modified-Since": {time.Now().UTC().Format(http.TimeFormat)}},
		{"User-Agent": {"Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; like FeedFetcher-Google)"}},
		{"A-IM": {"feed"}, "If-None-Match": {`"unknown"`}},
	}
	for _, target := range targets {
		for _, h := range headers {
			for _, method := range []string{"GET", "HEAD", "POST"} {
				p.same(t, method, target, h)
			}
		}
	}
	a, b := metricLines(t, p.plain), metricLines(t, p.mux)
	if !slices.Equal(a, b) || len(a) == 0 {
		t.Errorf("metrics differ:\nplainFeeds:\n%s\nmux:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	p.same(t, "GET", "/stats.json", nil)
}

func FuzzPlainFeeds(f *testing.F) {
	for _, s := range []string{"/feed.xml", "/categories/zhuzhouribao/atom.xml", "/tags/%E6%A0%AA/feed.json",
		"/categories/../feed.xml", "/categories/%2e%2e/feed.xml", "/categories/a%2Fb/feed.json", "/feed.xml?page=2"} {
		f.Add(s, "GET", "")
	}
	p := newPlainPair(f)
	f.Fuzz(func(t *testing.T, target, method, inm string) {
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \t\r\n#") || len(target) > 300 {
			return
		}
		if method != "GET" && method != "HEAD" {
			method = "GET"
		}
		var h http.Header
		if inm != "" && !strings.ContainsAny(inm, "\r\n\x00") {
			h = http.Header{"If-None-Match": {inm}}
		}
		if _, err := http.ReadRequest(bufio.NewReader(strings.NewReader(method + " " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"))); err != nil {
			return // not a request net/http would serve
		}
		p.same(t, method, target, h)
	})
}
