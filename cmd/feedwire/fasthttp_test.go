package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestFastHTTPMatchesNetHTTP serves the example site with and without the
// fast path and wants the same answers to the requests feed readers send.
func TestFastHTTPMatchesNetHTTP(t *testing.T) {
	fast := startServer(t, map[string]string{"FAST_HTTP": "true"})
	std := startServer(t, map[string]string{"FAST_HTTP": "false"})
	const feedPath = "/categories/zhuzhouribao/feed.xml"
	_, _ = get(t, "GET", fast.URL+feedPath, nil)
	res, _ := get(t, "GET", std.URL+feedPath, nil)
	etag := res.Header.Get("ETag")
	cases := []struct {
		method, path string
		header       map[string]string
	}{
		{"GET", feedPath, nil},
		{"HEAD", feedPath, nil},
		{"GET", feedPath, map[string]string{"If-None-Match": etag}},
		{"GET", feedPath, map[string]string{"Accept-Encoding": "gzip"}},
		{"GET", feedPath, map[string]string{"Accept-Encoding": "br;q=0.5, gzip;q=0.9"}},
		{"GET", "/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/atom.xml?limit=3", nil},
		{"GET", "/feed.json?limit=0", nil},
		{"GET", "/categories/nowhere/feed.xml", nil},
		{"POST", feedPath, nil},
		{"GET", "/opml.xml", nil},
		{"GET", "/readyz", nil},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			wr, wb := get(t, c.method, std.URL+c.path, c.header)
			gr, gb := get(t, c.method, fast.URL+c.path, c.header)
			if gr.StatusCode != wr.StatusCode || string(gb) != string(wb) {
				t.Fatalf("fast path: %d, %d bytes; net/http: %d, %d bytes", gr.StatusCode, len(gb), wr.StatusCode, len(wb))
			}
			for _, k := range []string{"Content-Type", "Content-Encoding", "Etag", "Cache-Control", "Vary", "Last-Modified", "Content-Length", "Allow"} {
				if g, w := gr.Header.Values(k), wr.Header.Values(k); strings.Join(g, "|") != strings.Join(w, "|") {
					t.Errorf("%s: fast path %q, net/http %q", k, g, w)
				}
			}
		})
	}
}

// TestHandoffCounted checks that a request the fast path leaves to net/http
// is answered and counted.
func TestHandoffCounted(t *testing.T) {
	ts := startServer(t, nil)
	before := scrape(t, ts.URL, "feedwire_http_handoffs_total")
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /categories/zhuzhouribao/feed.xml HTTP/1.0\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("HTTP/1.0 request: %d", res.StatusCode)
	}
	if after := scrape(t, ts.URL, "feedwire_http_handoffs_total"); after != before+1 {
		t.Errorf("feedwire_http_handoffs_total went from %v to %v, want one more", before, after)
	}
}
