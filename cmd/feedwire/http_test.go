package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConditionalGET(t *testing.T) {
	ts := startServer(t, nil)
	url := ts.URL + "/feed.xml"
	resp, body := get(t, "GET", url, nil)
	if resp.StatusCode != 200 || len(body) == 0 {
		t.Fatalf("GET /feed.xml: %d, %d bytes", resp.StatusCode, len(body))
	}
	etag := resp.Header.Get("ETag")
	lastMod := resp.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
		t.Fatalf("ETag %q is not a strong tag", etag)
	}
	modTime, err := http.ParseTime(lastMod)
	if err != nil {
		t.Fatalf("Last-Modified %q: %v", lastMod, err)
	}
	_, gzBody := get(t, "GET", url, map[string]string{"Accept-Encoding": "gzip"})
	gzResp, _ := get(t, "HEAD", url, map[string]string{"Accept-Encoding": "gzip"})
	gzTag := gzResp.Header.Get("ETag")
	if gzTag == etag || gzTag == "" {
		t.Fatalf("gzip ETag %q must differ from identity ETag %q", gzTag, etag)
	}
	if len(gzBody) == 0 {
		t.Fatal("empty gzip body")
	}

	before := modTime.Add(-time.Hour).UTC().Format(http.TimeFormat)
	after := modTime.Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"unconditional", nil, 200},
		{"exact tag", map[string]string{"If-None-Match": etag}, 304},
		{"tag in list", map[string]string{"If-None-Match": `"nope", ` + etag + `, "other"`}, 304},
		{"weak form of tag", map[string]string{"If-None-Match": "W/" + etag}, 304},
		{"star", map[string]string{"If-None-Match": "*"}, 304},
		{"other tag", map[string]string{"If-None-Match": `"nope"`}, 200},
		{"malformed tag", map[string]string{"If-None-Match": `nope, "`}, 200},
		{"gzip tag for identity", map[string]string{"If-None-Match": gzTag}, 200},
		{"gzip tag with gzip", map[string]string{"If-None-Match": gzTag, "Accept-Encoding": "gzip"}, 304},
		{"identity tag with gzip", map[string]string{"If-None-Match": etag, "Accept-Encoding": "gzip"}, 200},
		{"not modified since", map[string]string{"If-Modified-Since": lastMod}, 304},
		{"modified since earlier", map[string]string{"If-Modified-Since": before}, 200},
		{"since later", map[string]string{"If-Modified-Since": after}, 304},
		{"malformed date", map[string]string{"If-Modified-Since": "yesterday"}, 200},
		{"tag mismatch beats date", map[string]string{"If-None-Match": `"nope"`, "If-Modified-Since": after}, 200},
		{"tag match beats old date", map[string]string{"If-None-Match": etag, "If-Modified-Since": before}, 304},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, "GET", url, tt.header)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			for _, h := range []string{"ETag", "Cache-Control", "Vary"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("%d response lacks %s", resp.StatusCode, h)
				}
			}
			if tt.want == 304 && len(body) != 0 {
				t.Errorf("304 with %d body bytes", len(body))
			}
		})
	}
}

func TestResponses(t *testing.T) {
	ts := startServer(t, nil)
	resp, body := get(t, "GET", ts.URL+"/feed.xml", map[string]string{"Accept-Encoding": "gzip"})
	if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", got)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	_, want := get(t, "GET", ts.URL+"/feed.xml", nil)
	if !bytes.Equal(plain, want) {
		t.Fatal("gunzipped body differs from the identity body")
	}
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=300, stale-while-revalidate=300" {
		t.Errorf("Cache-Control %q", got)
	}
	if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
		t.Errorf("Vary %q", got)
	}

	long := ts.URL + "/feed.xml?x=" + strings.Repeat("a", 3000)
	tests := []struct {
		method, path string
		want         int
		ctype        string
	}{
		{"GET", "/feed.xml", 200, "application/rss+xml; charset=utf-8"},
		{"GET", "/atom.xml", 200, "application/atom+xml; charset=utf-8"},
		{"GET", "/feed.json", 200, "application/feed+json; charset=utf-8"},
		{"GET", "/opml.xml", 200, "text/x-opml; charset=utf-8"},
		{"GET", "/", 200, "text/html; charset=utf-8"},
		{"HEAD", "/feed.xml", 200, "application/rss+xml; charset=utf-8"},
		{"GET", "/healthz", 200, ""},
		{"GET", "/readyz", 200, ""},
		{"GET", "/metrics", 200, ""},
		{"GET", "/feed.xml?limit=5", 200, ""},
		{"GET", "/feed.xml?limit=100", 200, ""},
		{"GET", "/feed.xml?utm_source=x", 200, ""},
		{"GET", "/feed.xml?limit=0", 400, ""},
		{"GET", "/feed.xml?limit=101", 400, ""},
		{"GET", "/feed.xml?limit=-1", 400, ""},
		{"GET", "/feed.xml?limit=1e9", 400, ""},
		{"GET", "/feed.xml?limit=abc", 400, ""},
		{"GET", "/feed.xml?limit=%zz", 400, ""},
		{"GET", "/categories/no-such-paper/feed.xml", 404, ""},
		{"GET", "/tags/%E6%B2%A1%E6%9C%89/atom.xml", 404, ""},
		{"GET", "/nothing-here", 404, ""},
		{"POST", "/feed.xml", 405, ""},
		{"DELETE", "/categories/x/feed.xml", 405, ""},
		{"GET", long[len(ts.URL):], 414, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path[:min(len(tt.path), 40)], func(t *testing.T) {
			resp, body := get(t, tt.method, ts.URL+tt.path, nil)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d (%q)", resp.StatusCode, tt.want, body)
			}
			if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tt.ctype)
			}
			if tt.want >= 400 && len(body) > 200 {
				t.Errorf("error body is %d bytes; want a short reason", len(body))
			}
			if tt.method == "HEAD" && len(body) != 0 {
				t.Errorf("HEAD returned %d body bytes", len(body))
			}
		})
	}
}
