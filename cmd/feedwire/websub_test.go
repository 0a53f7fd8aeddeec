package main

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/sitetest"
)

// recordingHub is a WebSub hub on loopback that records publish pings.
type recordingHub struct {
	*httptest.Server
	mu    sync.Mutex
	urls  []string
	pings chan struct{}
	fail  bool
}

func newRecordingHub(t *testing.T) *recordingHub {
	h := &recordingHub{pings: make(chan struct{}, 16)}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.PostForm.Get("hub.mode") != "publish" {
			http.Error(w, "bad ping", http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		fail := h.fail
		if !fail {
			h.urls = append(h.urls, r.PostForm["hub.url"]...)
		}
		h.mu.Unlock()
		if fail {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		h.pings <- struct{}{}
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *recordingHub) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.urls
	h.urls = nil
	slices.Sort(out)
	return out
}

func TestWebSubAnnouncesChangedFeeds(t *testing.T) {
	hub := newRecordingHub(t)
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-02-b1.md", "乙报一", "2026-10-02 08:00:00", "yibao", "乙报新闻")
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0", "WEBSUB_HUB": hub.URL})

	resp, body := get(t, "GET", ts.URL+"/categories/jiabao/feed.xml", nil)
	links := resp.Header.Values("Link")
	wantLinks := []string{"<" + hub.URL + `>; rel="hub"`, `<https://news.example.org/categories/jiabao/feed.xml>; rel="self"`}
	if !slices.Equal(links, wantLinks) {
		t.Errorf("Link headers %q, want %q", links, wantLinks)
	}
	if !strings.Contains(string(body), `href="`+hub.URL+`" rel="hub"`) {
		t.Errorf("RSS does not name the hub")
	}

	s.Post("2026-10-03-b2.md", "乙报二", "2026-10-03 08:00:00", "yibao", "乙报要闻")
	ts.waitLoaded(t)
	select {
	case <-hub.pings:
	case <-time.After(10 * time.Second):
		t.Fatal("hub got no ping within 10s of the swap")
	}
	var want []string
	for _, p := range []string{"/", "/categories/yibao/", "/tags/%E4%B9%99%E6%8A%A5%E8%A6%81%E9%97%BB/"} {
		for _, f := range []string{"feed.xml", "atom.xml", "feed.json"} {
			want = append(want, "https://news.example.org"+p+f)
		}
	}
	slices.Sort(want)
	if got := hub.take(); !slices.Equal(got, want) {
		t.Fatalf("hub was told of\n%q\nwant exactly the changed feeds\n%q", got, want)
	}
	waitMetric(t, ts, 1, "feedwire_websub_pings_total", "result=ok")
}

func TestWebSubRetriesWhileHubIsDown(t *testing.T) {
	hub := newRecordingHub(t)
	hub.fail = true
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0", "WEBSUB_HUB": hub.URL})
	s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
	ts.waitLoaded(t)
	waitMetric(t, ts, 1, "feedwire_websub_pings_total", "result=error")
	if n := scrape(t, ts.URL, "feedwire_websub_queue_length"); n != 9 {
		t.Fatalf("queue length %v while the hub is down, want 9 (3 feeds x 3 formats)", n)
	}
	// Serving is unaffected meanwhile.
	if resp, _ := get(t, "GET", ts.URL+"/feed.xml", nil); resp.StatusCode != 200 {
		t.Fatalf("feed %d while the hub is down", resp.StatusCode)
	}
	hub.mu.Lock()
	hub.fail = false
	hub.mu.Unlock()
	select {
	case <-hub.pings:
	case <-time.After(15 * time.Second):
		t.Fatal("no retry reached the hub within 15s of it coming back")
	}
	if got := hub.take(); len(got) != 9 {
		t.Fatalf("after the hub came back it got %d URLs, want 9", len(got))
	}
}
