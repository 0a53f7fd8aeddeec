package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// probe is one hostile request, sent as raw bytes, and the statuses that
// are a correct answer to it.
type probe struct {
	name   string
	raw    string
	expect []int
}

// get builds a raw GET of target with extra header lines.
func get(target string, headers ...string) string {
	return rawReq("GET", target, headers...)
}

func rawReq(method, target string, headers ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: feeds.test\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	return b.String()
}

var notFound = []int{404}
var badRequest = []int{400}
var okOrNotModified = []int{200, 304}

// probes are the hostile requests; paths are relative to a generated
// corpus, whose site feed and first category feed exist.
func probes(category string) []probe {
	feedURL := "/feed.xml"
	cat := "/categories/" + category + "/feed.xml"
	long := strings.Repeat("a", 10<<10)
	return []probe{
		// Path traversal: never a file, at most a redirect to a cleaned path.
		{"traversal ../ at the root", get("/../../../etc/passwd"), []int{301, 307, 308, 404}},
		{"traversal ../ in a category", get("/categories/../../etc/passwd/feed.xml"), []int{301, 307, 308, 404}},
		{"traversal %2e%2e as the category", get("/categories/%2e%2e/feed.xml"), notFound},
		{"traversal %2e%2e%2f chain", get("/categories/%2e%2e%2f%2e%2e%2fetc%2fpasswd/feed.xml"), notFound},
		{"traversal ..%2f in a tag", get("/tags/..%2f..%2fetc/feed.xml"), notFound},
		{"encoded slash as a tag", get("/tags/a%2fb/feed.xml"), notFound},
		{"traversal %2e%2e segments at the root", get("/%2e%2e/%2e%2e/etc/passwd"), notFound},
		{"backslash traversal %5c", get("/categories/..%5c..%5cwindows/feed.xml"), notFound},
		{"overlong UTF-8 dots %c0%ae", get("/tags/%c0%ae%c0%ae/feed.xml"), notFound},
		{"absolute-form file URL", get("file:///etc/passwd"), []int{400, 404}},
		// NUL and invalid UTF-8.
		{"raw NUL in the path", get("/tags/\x00/feed.xml"), badRequest},
		{"encoded NUL as a tag", get("/tags/%00/feed.xml"), notFound},
		{"raw invalid UTF-8 in the path", get("/tags/\xff\xfe/feed.xml"), []int{400, 404}},
		{"encoded invalid UTF-8 as a tag", get("/tags/%ff%fe/feed.xml"), notFound},
		{"encoded invalid UTF-8 as a category", get("/categories/%ed%a0%80/atom.xml"), notFound},
		// Sizes.
		{"10 KB query string", get(feedURL + "?x=" + long), []int{414}},
		{"10 KB path", get("/tags/" + long + "/feed.xml"), []int{414}},
		{"1 MB header", get(feedURL, "X-Big: "+strings.Repeat("a", 1<<20)), []int{431}},
		{"2,000 headers", get(feedURL, slices.Repeat([]string{"X-Many: 0123456789012345678901234567890123456789"}, 2000)...), []int{431}},
		// Malformed conditional and negotiation headers: ignored or answered.
		{"If-None-Match: lone quote", get(feedURL, `If-None-Match: "`), okOrNotModified},
		{"If-None-Match: commas only", get(feedURL, "If-None-Match: ,,,,"), okOrNotModified},
		{"If-None-Match: bare W/", get(feedURL, "If-None-Match: W/"), okOrNotModified},
		{"If-None-Match: 8 KB list", get(feedURL, "If-None-Match: "+strings.Repeat(`"x",`, 2000)), []int{200}},
		{"If-None-Match: unquoted", get(feedURL, "If-None-Match: abc"), []int{200}},
		{"If-None-Match: *", get(feedURL, "If-None-Match: *"), []int{304}},
		{"If-Modified-Since: garbage", get(feedURL, "If-Modified-Since: yesterday"), []int{200}},
		{"If-Modified-Since: year 99999", get(feedURL, "If-Modified-Since: Mon, 01 Jan 99999 00:00:00 GMT"), []int{200}},
		{"If-Modified-Since: far future", get(feedURL, "If-Modified-Since: Fri, 31 Dec 9999 23:59:59 GMT"), okOrNotModified},
		{"Accept-Encoding: bad q-values", get(feedURL, "Accept-Encoding: gzip;q=abc, br;q=-1"), []int{200}},
		{"Accept-Encoding: 4 KB of gzip,", get(feedURL, "Accept-Encoding: "+strings.Repeat("gzip,", 800)), []int{200}},
		{"Accept-Encoding: *;q=0", get(feedURL, "Accept-Encoding: *;q=0"), []int{200, 406}},
		{"Accept-Encoding: identity;q=0", get(feedURL, "Accept-Encoding: identity;q=0"), []int{200, 406}},
		{"Range: end before start", get(feedURL, "Range: bytes=999999-1"), []int{200, 416}},
		{"Range: 1,000 overlapping ranges", get(feedURL, "Range: bytes="+strings.TrimSuffix(strings.Repeat("0-0,", 1000), ",")), []int{200, 206, 416}},
		{"Range: garbage", get(feedURL, "Range: bytes=-"), []int{200, 416}},
		// Methods.
		{"DELETE", rawReq("DELETE", feedURL), []int{405}},
		{"PUT with a body", rawReq("PUT", feedURL, "Content-Length: 5") + "hello", []int{405}},
		{"POST", rawReq("POST", cat, "Content-Length: 0"), []int{405}},
		{"PROPFIND", rawReq("PROPFIND", feedURL), []int{405}},
		{"TRACE", rawReq("TRACE", feedURL), []int{405}},
		{"OPTIONS", rawReq("OPTIONS", feedURL), []int{204, 405}},
		{"CONNECT", rawReq("CONNECT", "127.0.0.1:22"), []int{400, 405}},
		{"lower-case get", rawReq("get", feedURL), []int{405}},
		{"NUL in the method", rawReq("G\x00T", feedURL), badRequest},
		{"HEAD", rawReq("HEAD", cat), []int{200}},
		// limit.
		{"limit=-1", get(feedURL + "?limit=-1"), badRequest},
		{"limit=1e9", get(feedURL + "?limit=1e9"), badRequest},
		{"limit=0", get(feedURL + "?limit=0"), badRequest},
		{"limit=1000000000", get(feedURL + "?limit=1000000000"), badRequest},
		{"limit beyond int64", get(feedURL + "?limit=99999999999999999999999"), badRequest},
		{"limit=%00", get(feedURL + "?limit=%00"), badRequest},
		{"limit twice", get(feedURL + "?limit=1&limit=2"), []int{200, 400}},
		// Protocol.
		{"HTTP/1.1 without Host", "GET /feed.xml HTTP/1.1\r\nConnection: close\r\n\r\n", badRequest},
		{"HTTP/9.9", "GET /feed.xml HTTP/9.9\r\nHost: x\r\n\r\n", []int{505}},
		{"Content-Length: -1", rawReq("GET", feedURL, "Content-Length: -1"), badRequest},
		{"Content-Length and chunked", rawReq("POST", feedURL, "Content-Length: 3", "Transfer-Encoding: chunked") + "0\r\n\r\n", []int{400, 405}}, // RFC 9112 6.3: reject, or go by Transfer-Encoding
		{"unknown category", get("/categories/no-such-newspaper/feed.xml"), notFound},
	}
}

// send writes raw to the server and reads the status line and the body.
func send(addr, raw string) (int, string, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return 0, "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// A server may close after rejecting the head of a large request: a
	// write error then is no failure if a status line can be read.
	go func() { _, _ = io.WriteString(c, raw) }()
	br := bufio.NewReader(c)
	method := strings.SplitN(raw, " ", 2)[0]
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(body), nil
}

// hostile sends every probe, then 2,000 unknown tags, then holds idle
// connections open, and checks that the server stays healthy and bounded.
func hostile(ctx context.Context, c config, ps *procs) (*report, error) {
	s := c.scale
	dir, err := corpus(ctx, c, s.fleetPosts)
	if err != nil {
		return nil, err
	}
	fw, err := ps.feedwire(ctx, c.bin, "hostile", dir)
	if err != nil {
		return nil, err
	}
	paths, err := feedPaths(fw.base())
	if err != nil {
		return nil, err
	}
	category := ""
	for _, p := range paths {
		if rest, ok := strings.CutPrefix(p, "/categories/"); ok {
			category, _, _ = strings.Cut(rest, "/")
			break
		}
	}
	// Warm the documents the probes ask for, so that memory is measured
	// after the first renders.
	client := newClient(4)
	for _, p := range []string{"/feed.xml", "/categories/" + category + "/feed.xml"} {
		if st, err := fetchStatus(client, fw.base()+p); err != nil || st != 200 {
			return nil, fmt.Errorf("warm %s: %d %v", p, st, err)
		}
	}
	rss0, _, err := memory(fw.pid())
	if err != nil {
		return nil, err
	}
	r := &report{title: "3. Hostile requests"}
	pr := probes(category)
	var wrong []string
	for _, p := range pr {
		st, body, err := send(fw.addr, p.raw)
		switch {
		case err != nil:
			wrong = append(wrong, fmt.Sprintf("%s: %v", p.name, err))
		case !slices.Contains(p.expect, st):
			wrong = append(wrong, fmt.Sprintf("%s: %d, want %v", p.name, st, p.expect))
		case strings.Contains(body, "root:"):
			wrong = append(wrong, p.name+": body looks like /etc/passwd")
		}
	}
	r.add(fmt.Sprintf("%d malformed or abusive requests (traversal, NUL, invalid UTF-8, 10 KB URL, 1 MB header, bad conditionals, Accept-Encoding, Range, methods, limit, protocol)", len(pr)),
		"each gets its expected status", fmt.Sprintf("%d of %d as expected %v", len(pr)-len(wrong), len(pr), wrong), len(wrong) == 0, true)

	// 2,000 unknown tags in a row: 404 each, nothing cached.
	m0, err := scrape(fw.base())
	if err != nil {
		return nil, err
	}
	notFoundN, others := 0, map[int]int{}
	for i := range s.hostileTags {
		st, err := fetchStatus(client, fmt.Sprintf("%s/tags/unknown-%d-%s/feed.xml", fw.base(), i, strings.Repeat("x", i%64)))
		if err != nil {
			return nil, err
		}
		if st == 404 {
			notFoundN++
		} else {
			others[st]++
		}
	}
	m1, err := scrape(fw.base())
	if err != nil {
		return nil, err
	}
	rss1, _, _ := memory(fw.pid())
	r.add(fmt.Sprintf("%d unknown tags in a row", s.hostileTags), "all 404", fmt.Sprintf("%d 404, others %v", notFoundN, others), notFoundN == s.hostileTags, true)
	cb0, cb1 := m0.sum("feedwire_cache_bytes", `tier="memory"`), m1.sum("feedwire_cache_bytes", `tier="memory"`)
	renders := m1.sum("feedwire_renders_total") - m0.sum("feedwire_renders_total")
	r.add("memory cache and renders after them", "no growth", fmt.Sprintf("cache %.0f → %.0f bytes, %.0f renders", cb0, cb1, renders), cb1 <= cb0 && renders == 0, true)
	r.add("RSS after them", "growth < 32 MiB", fmt.Sprintf("%s → %s", mib(rss0), mib(rss1)), rss1-rss0 < 32<<20, true)

	// Slowloris: connections that send part of a request line and hold.
	held, err := slowloris(fw.addr, s.slowloris)
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	if err != nil {
		return nil, err
	}
	opened := time.Now()
	var lat []time.Duration
	served := 0
	for range 50 {
		t := time.Now()
		if st, err := fetchStatus(client, fw.base()+"/categories/"+category+"/feed.xml"); err == nil && st == 200 {
			served++
		}
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)
	r.add(fmt.Sprintf("others served while %d connections hang", len(held)), "50 of 50 answered 200",
		fmt.Sprintf("%d of 50, max %s", served, ms(lat[len(lat)-1])), served == 50, true)
	closed, last := awaitClosed(held, opened, 15*time.Second)
	r.add("hanging connections closed by the server", "all, by ReadHeaderTimeout (5 s)",
		fmt.Sprintf("%d of %d, last after %.1f s", closed, len(held), last.Seconds()), closed == len(held), true)

	// Afterwards: healthy, documents still right, memory bounded.
	hz, _ := fetchStatus(client, fw.base()+"/healthz")
	st, body, err := fetchBody(client, fw.base()+"/feed.xml")
	okDoc := err == nil && st == 200 && wellFormed("/feed.xml", body) == nil
	rss2, hwm, _ := memory(fw.pid())
	r.add("afterwards", "/healthz 200, /feed.xml 200 and well-formed", fmt.Sprintf("/healthz %d, /feed.xml %d, well-formed %v", hz, st, okDoc), hz == 200 && okDoc, true)
	r.add("RSS afterwards", "growth < 64 MiB", fmt.Sprintf("%s → %s (peak %s)", mib(rss0), mib(rss2), mib(hwm)), rss2-rss0 < 64<<20, true)
	r.setup = fmt.Sprintf("one feedwire over %d posts; raw requests over TCP (%d probes), %d unknown tags over one keep-alive connection, %d connections each sending `GET /feed.xml HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: ` and nothing more",
		s.fleetPosts, len(pr), s.hostileTags, len(held))
	return r, nil
}

// slowloris opens n connections that each send an incomplete request head.
func slowloris(addr string, n int) ([]net.Conn, error) {
	var held []net.Conn
	for range n {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			return held, fmt.Errorf("slowloris dial: %w", err)
		}
		if _, err := io.WriteString(c, "GET /feed.xml HTTP/1.1\r\nHost: x\r\nX-Slow: "); err != nil {
			c.Close()
			return held, err
		}
		held = append(held, c)
	}
	return held, nil
}

// awaitClosed reads every held connection until the server closes it (or
// answers it, a 408), within timeout; it returns how many closed and when
// the last of them did, counted from opened.
func awaitClosed(held []net.Conn, opened time.Time, timeout time.Duration) (int, time.Duration) {
	deadline := time.Now().Add(timeout)
	type res struct {
		closed bool
		at     time.Duration
	}
	ch := make(chan res, len(held))
	for _, c := range held {
		go func() {
			c.SetReadDeadline(deadline)
			_, err := io.Copy(io.Discard, c)
			var ne net.Error
			ch <- res{closed: !(errors.As(err, &ne) && ne.Timeout()), at: time.Since(opened)}
		}()
	}
	closed, last := 0, time.Duration(0)
	for range held {
		if x := <-ch; x.closed {
			closed++
			last = max(last, x.at)
		}
	}
	return closed, last
}

// fetchStatus GETs url and returns the status.
func fetchStatus(c *http.Client, url string) (int, error) {
	st, _, err := fetchBody(c, url)
	return st, err
}

func fetchBody(c *http.Client, url string) (int, []byte, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
