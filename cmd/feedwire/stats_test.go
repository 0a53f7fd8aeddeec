package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/feedwire/feedwire/internal/redistest"
)

const (
	feedlyUA42  = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; like FeedFetcher-Google)"
	feedlyUA40  = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 40 subscribers; like FeedFetcher-Google)"
	inoreaderUA = "Mozilla/5.0 (compatible; inoreader.com; 3 subscribers)"
	feedbinUA   = "Feedbin feed-id:1234 - 7 subscribers"
)

// statsJSON is the body of /stats.json.
type statsJSON struct {
	Total        int            `json:"total"`
	Totals       map[string]int `json:"totals"`
	Feeds        []statsFeed    `json:"feeds"`
	FeedsOmitted int            `json:"feeds_omitted"`
}

// statsFeed is one feed document's counts in /stats.json.
type statsFeed struct {
	Path        string         `json:"path"`
	Total       int            `json:"total"`
	Subscribers map[string]int `json:"subscribers"`
}

// getStats fetches /stats.json and decodes it.
func getStats(t *testing.T, base string) (statsJSON, []byte) {
	t.Helper()
	resp, body := get(t, "GET", base+"/stats.json", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /stats.json: %d %s", resp.StatusCode, body)
	}
	for h, want := range map[string]string{
		"Content-Type":  "application/json; charset=utf-8",
		"Cache-Control": "public, max-age=10",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("/stats.json %s = %q, want %q", h, got, want)
		}
	}
	var st statsJSON
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatalf("decode /stats.json: %v\n%s", err, body)
	}
	return st, body
}

func TestStatsCountAggregatorsFeedRequests(t *testing.T) {
	ts := startServer(t, nil)
	resp, _ := get(t, "GET", ts.URL+"/feed.xml", map[string]string{"User-Agent": feedlyUA42})
	etag := resp.Header.Get("ETag")
	requests := []struct {
		name, path string
		header     map[string]string
		status     int
	}{
		{"conditional GET counts", "/feed.xml", map[string]string{"User-Agent": inoreaderUA, "If-None-Match": etag}, 304},
		{"category in another case", "/categories/HunanRibao/atom.xml", map[string]string{"User-Agent": feedbinUA}, 200},
		{"unknown feed does not count", "/categories/nosuch/feed.xml", map[string]string{"User-Agent": feedlyUA42}, 404},
		{"browser does not count", "/feed.json", map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"}, 200},
		{"latest count wins", "/feed.xml", map[string]string{"User-Agent": feedlyUA40}, 200},
	}
	for _, tt := range requests {
		t.Run(tt.name, func(t *testing.T) {
			if resp, _ := get(t, "GET", ts.URL+tt.path, tt.header); resp.StatusCode != tt.status {
				t.Fatalf("GET %s: %d, want %d", tt.path, resp.StatusCode, tt.status)
			}
		})
	}

	st, body := getStats(t, ts.URL)
	want := statsJSON{
		Total:  50,
		Totals: map[string]int{"feedly": 40, "inoreader": 3, "feedbin": 7},
		Feeds: []statsFeed{
			{Path: "/feed.xml", Total: 43, Subscribers: map[string]int{"feedly": 40, "inoreader": 3}},
			{Path: "/categories/hunanribao/atom.xml", Total: 7, Subscribers: map[string]int{"feedbin": 7}},
		},
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("/stats.json =\n%+v\nwant\n%+v", st, want)
	}
	if _, again := getStats(t, ts.URL); !bytes.Equal(again, body) {
		t.Errorf("/stats.json differs between requests:\n%s\n%s", body, again)
	}

	for agg, want := range map[string]float64{"feedly": 40, "inoreader": 3, "feedbin": 7, "newsblur": 0, "other": 0} {
		t.Run("metric "+agg, func(t *testing.T) {
			if got := scrape(t, ts.URL, "feedwire_subscribers", "aggregator="+agg); got != want {
				t.Errorf("feedwire_subscribers{aggregator=%q} = %v, want %v", agg, got, want)
			}
		})
	}
}

func TestStatsMergeReplicasThroughRedis(t *testing.T) {
	rs := redistest.Start(t)
	env := map[string]string{"REDIS_URL": rs.URL(), "REDIS_TIMEOUT": "2s"}
	a := startServer(t, env)
	b := startServer(t, env)
	if resp, _ := get(t, "GET", a.URL+"/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/feed.json",
		map[string]string{"User-Agent": feedlyUA42}); resp.StatusCode != 200 {
		t.Fatalf("GET tag feed on a: %d", resp.StatusCode)
	}
	if resp, _ := get(t, "GET", b.URL+"/feed.xml", map[string]string{"User-Agent": inoreaderUA}); resp.StatusCode != 200 {
		t.Fatalf("GET /feed.xml on b: %d", resp.StatusCode)
	}
	a.shutdown(t) // writes a's counts to Redis before it stops

	st, _ := getStats(t, b.URL)
	want := statsJSON{
		Total:  45,
		Totals: map[string]int{"feedly": 42, "inoreader": 3},
		Feeds: []statsFeed{
			{Path: "/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/feed.json", Total: 42, Subscribers: map[string]int{"feedly": 42}},
			{Path: "/feed.xml", Total: 3, Subscribers: map[string]int{"inoreader": 3}},
		},
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("/stats.json on b =\n%+v\nwant\n%+v", st, want)
	}
}
