package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/h1"
)

// shortcutPair is the example site served twice over loopback, each with
// its own caches, metrics and subscriber counts: by h1 with the shortcut,
// and by h1 with every request going to the handlers.
type shortcutPair struct {
	with, without string // addresses
	answered      atomic.Int64
}

// countingShortcut counts the requests a shortcut answers.
type countingShortcut struct {
	h1.Shortcut
	n *atomic.Int64
}

func (c countingShortcut) Answer(w *h1.Reply, r *h1.Request) bool {
	ok := c.Shortcut.Answer(w, r)
	if ok {
		c.n.Add(1)
	}
	return ok
}

func newShortcutPair(t testing.TB, env map[string]string) *shortcutPair {
	t.Helper()
	cfg := testConfig(t, env)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := &shortcutPair{}
	start := func(shortcut bool) string {
		d, err := newDeps(context.Background(), cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := loadSnapshot(context.Background(), cfg, time.Now(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.server.swap(snap); err != nil {
			t.Fatal(err)
		}
		srv := h1.New(newHTTPServer(d.server.routes(), log))
		if shortcut {
			srv.Shortcut = countingShortcut{newShortcut(d.server, d.tiered.Cached, d.metrics, d.subscribers), &p.answered}
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv.Serve(ln)
		}()
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				t.Errorf("shutdown: %v", err)
			}
			<-done
			d.close()
		})
		return ln.Addr().String()
	}
	p.with, p.without = start(true), start(false)
	return p
}

var dateLine = regexp.MustCompile(`(?m)^Date: [^\r]*\r$`)

// roundTrip sends raw on a new connection to addr and returns the bytes of
// every response to it, Date fields blanked, until the server closes or
// answers the last of methods.
func roundTrip(t testing.TB, addr, raw string, methods []string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	br := bufio.NewReader(io.TeeReader(c, &got))
	for _, m := range methods {
		res, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			break // closed: what came is compared
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	// What the reader buffered past the last response is compared too.
	return dateLine.ReplaceAllString(got.String()[:got.Len()-br.Buffered()], "Date: -\r")
}

// exchange sends raw to both servers and fails t when the answers differ.
func (p *shortcutPair) exchange(t testing.TB, raw string, methods ...string) {
	t.Helper()
	want := roundTrip(t, p.without, raw, methods)
	got := roundTrip(t, p.with, raw, methods)
	if got != want {
		t.Errorf("request %q\nwith the shortcut:\n%s\nwithout:\n%s", raw, got, want)
	}
}

// rawETag returns the ETag the server at addr gives path with the header
// lines extra.
func rawETag(t *testing.T, addr, path, extra string) string {
	t.Helper()
	res := roundTrip(t, addr, "HEAD "+path+" HTTP/1.1\r\nHost: x\r\n"+extra+"\r\n", []string{"HEAD"})
	m := regexp.MustCompile(`(?m)^Etag: ([^\r]*)\r$`).FindStringSubmatch(res)
	if m == nil {
		t.Fatalf("no ETag for %s in %q", path, res)
	}
	return m[1]
}

// TestShortcutMatchesHandler sends the requests aggregators send, and odd
// ones, to the example site with and without the shortcut, and wants the
// same bytes back, the same metrics and the same subscriber counts; and
// the shortcut to have answered the plain ones.
func TestShortcutMatchesHandler(t *testing.T) {
	t.Run("defaults", func(t *testing.T) { shortcutMatchesHandler(t, nil) })
	// A hub adds Link fields to every feed; the hub is never contacted here.
	t.Run("websub", func(t *testing.T) {
		shortcutMatchesHandler(t, map[string]string{"WEBSUB_HUB": "http://127.0.0.1:9/hub", "MAX_AGE": "60"})
	})
}

func shortcutMatchesHandler(t *testing.T, env map[string]string) {
	p := newShortcutPair(t, env)
	const cat = "/categories/zhuzhouribao/feed.xml"
	tag := "/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/atom.xml"
	etagOf := func(path, extra string) string { // asked of both, to leave the same counts
		tag := rawETag(t, p.without, path, extra)
		if got := rawETag(t, p.with, path, extra); got != tag {
			t.Fatalf("%s: ETag %s with the shortcut, %s without", path, got, tag)
		}
		return tag
	}
	etag := etagOf(cat, "")
	gzTag := etagOf(cat, "Accept-Encoding: gzip\r\n")
	tagETag := etagOf(tag, "")
	paths := []string{
		"/feed.xml", "/atom.xml", "/feed.json", cat, tag,
		"/categories/ZhuZhouRiBao/feed.json", // names match whatever their case
		strings.ToLower(tag),                 // lower-case escapes
		"/tags/%e6%a0%aa/feed.xml",
		"/categories/nowhere/feed.xml",
		"/categories//feed.xml", "/categories/./feed.xml", "/categories/../feed.xml",
		"/categories/zhuzhouribao%2Ffeed.xml", "/categories/zhuzhouribao/feed.xml/",
		"/categories/zhuzhouribao/feed.xml?limit=5", "/feed.xml?", "/feed.xml?utm_source=x",
		"/categories/zhuzhouribao/feed.XML", "/Categories/zhuzhouribao/feed.xml",
		"/categories/zhuzhouribao/", "/opml.xml", "/healthz", "/tags/feed.xml",
		"/categories/zhuzhouribao/archive/2024/01/feed.xml",
	}
	headers := []string{
		"",
		"If-None-Match: " + etag + "\r\n",
		"If-None-Match: W/" + etag + "\r\n",
		"If-None-Match: \"nope\", " + etag + "\r\n",
		"If-None-Match: \"nope\"\r\n",
		"If-None-Match: *\r\n",
		"If-None-Match: \r\n",
		"If-None-Match: \"nope\"\r\nIf-None-Match: " + etag + "\r\n",
		"If-None-Match: " + tagETag + "\r\n",
		"Accept-Encoding: gzip\r\nIf-None-Match: " + gzTag + "\r\n",
		"Accept-Encoding: gzip\r\nIf-None-Match: " + etag + "\r\n",
		"If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n",
		"If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n",
		"If-Modified-Since: yesterday\r\n",
		"If-Modified-Since: \r\nIf-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n",
		"If-None-Match: \"nope\"\r\nIf-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n",
		"If-Match: " + etag + "\r\n",
		"If-Match: \"nope\"\r\n",
		"If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n",
		"Accept-Encoding: gzip\r\n",
		"Accept-Encoding: br\r\n",
		"accept-encoding: br;q=0.5, gzip;q=0.9\r\n",
		"Accept-Encoding: identity;q=0, *;q=0.1\r\n",
		"Accept-Encoding: br;q=0\r\nAccept-Encoding: gzip\r\n",
		"User-Agent: Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; like FeedFetcher-Google)\r\n",
		"User-Agent: \r\nUser-Agent: Inoreader/1.0 (7 subscribers)\r\n",
		"A-IM: feed\r\nIf-None-Match: \"nope\"\r\n",
		"Connection: close\r\n",
		"Pragma: no-cache\r\nCache-Control: no-cache\r\n",
	}
	for _, path := range paths {
		for _, h := range headers {
			for _, method := range []string{"GET", "HEAD"} {
				raw := method + " " + path + " HTTP/1.1\r\nHost: feeds.example\r\n" + h + "\r\n"
				// Twice: the first may fill the cache, the second finds it filled.
				p.exchange(t, raw+raw, method, method)
			}
		}
	}
	// Pipelined, and kept alive across the shortcut and the handlers.
	get := func(path, h string) string { return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + h + "\r\n" }
	p.exchange(t, get(cat, "")+get("/opml.xml", "")+get(cat, "If-None-Match: "+etag+"\r\n")+get("/nowhere", "")+get(cat, "Connection: close\r\n")+get(cat, ""),
		"GET", "GET", "GET", "GET", "GET", "GET")
	// A request h1 leaves to net/http after the shortcut answered one.
	p.exchange(t, get(cat, "")+"POST "+cat+" HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"+get(cat, ""), "GET", "POST", "GET")

	if n := p.answered.Load(); n < 100 {
		t.Errorf("the shortcut answered %d requests, want at least 100: it is not in use", n)
	}

	// What the requests left behind: metrics and subscriber counts.
	for _, name := range []string{
		"feedwire_http_requests_total",
		"feedwire_http_response_size_bytes",
		"feedwire_http_request_duration_seconds_count",
		"feedwire_cache_requests_total",
		"feedwire_subscribers",
	} {
		got, want := metricLines(t, p.with, name), metricLines(t, p.without, name)
		if len(want) == 0 {
			t.Errorf("no %s series", name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s differs: with the shortcut only:\n%s\nwithout only:\n%s", name,
				strings.Join(missing(want, got), "\n"), strings.Join(missing(got, want), "\n"))
		}
	}
	stats := func(addr string) string {
		return roundTrip(t, addr, "GET /stats.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", []string{"GET"})
	}
	if got, want := stats(p.with), stats(p.without); got != want {
		t.Errorf("/stats.json with the shortcut:\n%s\nwithout:\n%s", got, want)
	}
	if !strings.Contains(stats(p.with), `"feedly":42`) {
		t.Errorf("/stats.json does not count the Feedly subscribers: %s", stats(p.with))
	}
}

// metricLines returns the sample lines of /metrics at addr whose name
// starts with name, sorted, but those of /metrics.
func metricLines(t testing.TB, addr, name string) []string {
	t.Helper()
	body := roundTrip(t, addr, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", []string{"GET"})
	var out []string
	for line := range strings.SplitSeq(body, "\n") {
		// The size of /metrics itself varies with the durations it reports.
		if strings.HasPrefix(line, name) && !strings.Contains(line, `route="GET /metrics"`) {
			out = append(out, line)
		}
	}
	slices.Sort(out)
	return out
}

// FuzzShortcut sends requests made of fuzzed parts to the example site with
// and without the shortcut, and wants the same bytes back.
func FuzzShortcut(f *testing.F) {
	f.Add(true, "/categories/zhuzhouribao/feed.xml", "If-None-Match", `"x"`, "Accept-Encoding", "gzip")
	f.Add(false, "/feed.json", "If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT", "accept-encoding", "br;q=0.9")
	f.Add(true, "/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/atom.xml", "if-none-match", "*", "User-Agent", "x (3 readers)")
	f.Add(true, "/categories/%7a%68uzhouribao/feed.xml", "A-IM", "feed", "If-Match", "*")
	p := newShortcutPair(f, nil)
	f.Fuzz(func(t *testing.T, get bool, path, k1, v1, k2, v2 string) {
		method := "HEAD"
		if get {
			method = "GET"
		}
		raw := method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + k1 + ": " + v1 + "\r\n" + k2 + ": " + v2 + "\r\n\r\n"
		p.exchange(t, raw+raw, method, method)
	})
}

// missing returns the lines of b not in a.
func missing(a, b []string) []string {
	var out []string
	for _, l := range b {
		if !slices.Contains(a, l) {
			out = append(out, l)
		}
	}
	return out
}
