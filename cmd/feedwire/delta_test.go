package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/feedwire/feedwire/internal/redistest"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// deltaTitles parses a feed document of any format with gofeed and returns
// its item titles.
func deltaTitles(t *testing.T, body []byte) []string {
	t.Helper()
	parsed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("gofeed: %v\n%s", err, body)
	}
	var out []string
	for _, it := range parsed.Items {
		out = append(out, it.Title)
	}
	return out
}

// askDelta requests url with A-IM: feed and If-None-Match: etag and checks
// a 226 response's headers.
func askDelta(t *testing.T, url, etag string, header map[string]string) (int, []byte) {
	t.Helper()
	h := map[string]string{"A-IM": "feed", "If-None-Match": etag}
	for k, v := range header {
		h[k] = v
	}
	resp, body := get(t, "GET", url, h)
	if resp.StatusCode == http.StatusIMUsed {
		if got := resp.Header.Get("IM"); got != "feed" {
			t.Errorf("226 with IM %q, want feed", got)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") || strings.Contains(cc, "public") {
			t.Errorf("226 with Cache-Control %q: a cache could keep it as the feed", cc)
		}
		if v := resp.Header.Get("Vary"); !strings.Contains(v, "A-IM") || !strings.Contains(v, "If-None-Match") {
			t.Errorf("226 with Vary %q", v)
		}
		current := etagOf(t, url)
		if enc := header["Accept-Encoding"]; enc != "" {
			r, _ := get(t, "HEAD", url, map[string]string{"Accept-Encoding": enc})
			current = r.Header.Get("ETag")
		}
		if got := resp.Header.Get("ETag"); got != current {
			t.Errorf("226 with ETag %s, want the current %s", got, current)
		}
	}
	return resp.StatusCode, body
}

func TestDeltaCarriesExactlyTheNewItems(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-02-b1.md", "乙报一", "2026-10-02 08:00:00", "yibao", "乙报新闻")
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0"})

	urls := []string{ts.URL + "/feed.xml", ts.URL + "/atom.xml", ts.URL + "/feed.json", ts.URL + "/categories/jiabao/atom.xml"}
	v0 := map[string]string{}
	for _, u := range urls {
		v0[u] = etagOf(t, u)
	}
	yibao := ts.URL + "/categories/yibao/feed.xml"
	yibaoTag := etagOf(t, yibao)
	gz := map[string]string{"Accept-Encoding": "gzip"}
	r, _ := get(t, "HEAD", ts.URL+"/atom.xml", gz)
	atomGzip0 := r.Header.Get("ETag")

	s.Post("2026-10-03-a2.md", "甲报二", "2026-10-03 08:00:00", "jiabao", "甲报新闻")
	ts.waitLoaded(t)
	v1 := map[string]string{}
	for _, u := range urls {
		v1[u] = etagOf(t, u)
	}
	s.Post("2026-10-01-a1.md", "甲报一（更正）", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	ts.waitLoaded(t)

	tests := []struct {
		name   string
		url    string
		etag   string
		header map[string]string
		status int
		want   []string // titles of a 226
	}{
		{"rss since two versions", urls[0], v0[urls[0]], nil, http.StatusIMUsed, []string{"甲报二", "甲报一（更正）"}},
		{"atom since two versions", urls[1], v0[urls[1]], nil, http.StatusIMUsed, []string{"甲报二", "甲报一（更正）"}},
		{"json since two versions", urls[2], v0[urls[2]], nil, http.StatusIMUsed, []string{"甲报二", "甲报一（更正）"}},
		{"category since two versions", urls[3], v0[urls[3]], nil, http.StatusIMUsed, []string{"甲报二", "甲报一（更正）"}},
		{"since the last change", urls[1], v1[urls[1]], nil, http.StatusIMUsed, []string{"甲报一（更正）"}},
		{"tag among others", urls[1], `"nope", W/` + v1[urls[1]], nil, http.StatusIMUsed, []string{"甲报一（更正）"}},
		{"gzip tag, gzip delta", urls[1], atomGzip0, gz, http.StatusIMUsed, []string{"甲报二", "甲报一（更正）"}},
		{"feed among other IMs", urls[1], v1[urls[1]], map[string]string{"A-IM": "vcdiff, feed;q=0.5"}, http.StatusIMUsed, []string{"甲报一（更正）"}},
		{"current tag", urls[1], etagOf(t, urls[1]), nil, 304, nil},
		{"unchanged feed", yibao, yibaoTag, nil, 304, nil},
		{"unknown tag", urls[1], `"0123456789abcdef0123456789abcdef"`, nil, 200, nil},
		{"another feed's tag", urls[3], v0[urls[1]], nil, 200, nil},
		{"another format's tag", urls[0], v0[urls[1]], nil, 200, nil},
		{"no feed IM", urls[1], v1[urls[1]], map[string]string{"A-IM": "vcdiff"}, 200, nil},
		{"feed refused", urls[1], v1[urls[1]], map[string]string{"A-IM": "feed;q=0"}, 200, nil},
		{"other limit", urls[1] + "?limit=5", v1[urls[1]], nil, 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := askDelta(t, tt.url, tt.etag, tt.header)
			if status != tt.status {
				t.Fatalf("status %d, want %d", status, tt.status)
			}
			if status != http.StatusIMUsed {
				return
			}
			if tt.header["Accept-Encoding"] == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("gzip: %v", err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if got := deltaTitles(t, body); !slices.Equal(got, tt.want) {
				t.Fatalf("delta items %q, want exactly %q", got, tt.want)
			}
		})
	}
	if status, _ := askDelta(t, ts.URL+"/atom.xml", atomGzip0, nil); status != http.StatusIMUsed {
		t.Errorf("a gzip ETag without gzip accepted: %d, want a delta from its version", status)
	}
}

func TestDeltaFromAnotherReplicaThroughRedis(t *testing.T) {
	rs := redistest.Start(t)
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	env := map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0", "REDIS_URL": rs.URL(), "REDIS_TIMEOUT": "2s"}
	first := startServer(t, env)
	old := etagOf(t, first.URL+"/atom.xml")
	s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
	first.waitLoaded(t)

	// A replica started after the change never served the old version.
	second := startServer(t, env)
	status, body := askDelta(t, second.URL+"/atom.xml", old, nil)
	if status != http.StatusIMUsed {
		t.Fatalf("second replica: status %d, want 226 from the version in Redis", status)
	}
	if got := deltaTitles(t, body); !slices.Equal(got, []string{"甲报二"}) {
		t.Fatalf("delta items %q, want exactly 甲报二", got)
	}
	// Redis gone: a full document, never an error.
	rs.Kill()
	third := startServer(t, env)
	if status, _ := askDelta(t, third.URL+"/atom.xml", old, nil); status != 200 {
		t.Fatalf("without Redis: status %d, want 200", status)
	}
}
