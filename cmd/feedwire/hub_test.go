package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/redistest"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// pushSubscriber is a WebSub subscriber on loopback that echoes
// challenges, checks every push's signature, and hands pushes to the test.
type pushSubscriber struct {
	*httptest.Server
	t        *testing.T
	secret   string
	verified chan url.Values
	pushes   chan *http.Response
}

func newPushSubscriber(t *testing.T, secret string) *pushSubscriber {
	s := &pushSubscriber{t: t, secret: secret, verified: make(chan url.Values, 8), pushes: make(chan *http.Response, 8)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			q := r.URL.Query()
			io.WriteString(w, q.Get("hub.challenge"))
			s.verified <- q
			return
		}
		body, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte(s.secret))
		m.Write(body)
		if r.Header.Get("X-Hub-Signature") != "sha256="+hex.EncodeToString(m.Sum(nil)) {
			http.Error(w, "bad signature", http.StatusForbidden) // the hub retries; the test sees none
			return
		}
		w.WriteHeader(http.StatusNoContent)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		s.pushes <- &http.Response{Header: r.Header, Body: r.Body}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *pushSubscriber) next(t *testing.T) []byte {
	t.Helper()
	select {
	case r := <-s.pushes:
		b, _ := io.ReadAll(r.Body)
		wantLinks := []string{`<https://news.example.org/websub>; rel="hub"`, `<https://news.example.org/categories/jiabao/atom.xml>; rel="self"`}
		if got := r.Header.Values("Link"); !slices.Equal(got, wantLinks) {
			t.Errorf("push Link %q, want %q", got, wantLinks)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Errorf("push Content-Type %q", ct)
		}
		return b
	case <-time.After(15 * time.Second):
		t.Fatal("no signed push within 15s")
		return nil
	}
}

func TestBuiltinHubPushesNewPosts(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-02-b1.md", "乙报一", "2026-10-02 08:00:00", "yibao", "乙报新闻")
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0", "HUB": "builtin", "HUB_ALLOW_PRIVATE": "true"})
	topic := "https://news.example.org/categories/jiabao/atom.xml"

	resp, body := get(t, "GET", ts.URL+"/categories/jiabao/atom.xml", nil)
	if links := resp.Header.Values("Link"); len(links) == 0 || links[0] != `<https://news.example.org/websub>; rel="hub"` {
		t.Errorf("Link headers %q do not name the built-in hub", links)
	}
	if !strings.Contains(string(body), `href="https://news.example.org/websub" rel="hub"`) {
		t.Errorf("Atom does not name the built-in hub")
	}

	sub := newPushSubscriber(t, "between us")
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {sub.URL}, "hub.secret": {"between us"}}
	r, err := http.PostForm(ts.URL+"/websub", form)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %s", r.Status)
	}
	select {
	case q := <-sub.verified:
		if q.Get("hub.topic") != topic || q.Get("hub.lease_seconds") != "604800" {
			t.Fatalf("verification %v", q)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no verification within 15s")
	}
	waitMetric(t, ts, 1, "feedwire_hub_verifications_total", "result=verified")

	s.Post("2026-10-03-a2.md", "甲报二", "2026-10-03 08:00:00", "jiabao", "甲报要闻")
	ts.waitLoaded(t)
	if got := deltaTitles(t, sub.next(t)); !slices.Equal(got, []string{"甲报二"}) {
		t.Fatalf("push carries %q, want only the new post", got)
	}
	waitMetric(t, ts, 1, "feedwire_hub_deliveries_total", "result=delivered")

	s.Remove("_posts/2026-10-01-a1.md")
	ts.waitLoaded(t)
	gone := sub.next(t)
	if got := deltaTitles(t, gone); len(got) != 0 || !strings.Contains(string(gone), "<at:deleted-entry") {
		t.Fatalf("push after a deletion carries %q and no tombstone:\n%s", got, gone)
	}

	_, stats := get(t, "GET", ts.URL+"/stats.json", nil)
	var st struct {
		PushTotal int `json:"push_total"`
		Feeds     []struct {
			Path string `json:"path"`
			Push int    `json:"push"`
		} `json:"feeds"`
	}
	if err := json.Unmarshal(stats, &st); err != nil {
		t.Fatal(err)
	}
	if st.PushTotal != 1 || len(st.Feeds) != 1 || st.Feeds[0].Path != "/categories/jiabao/atom.xml" || st.Feeds[0].Push != 1 {
		t.Fatalf("stats.json %s", stats)
	}
}

func TestBuiltinHubRefusesPrivateCallbacks(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0", "HUB": "builtin"})
	sub := newPushSubscriber(t, "")
	for _, cb := range []string{sub.URL, "http://localhost:1/cb", "http://169.254.169.254/latest/meta-data/"} {
		form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {"https://news.example.org/feed.xml"}, "hub.callback": {cb}}
		r, err := http.PostForm(ts.URL+"/websub", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "callback") {
			t.Errorf("callback %s: %s %s, want 400 naming the callback", cb, r.Status, b)
		}
	}
}

func TestBuiltinHubAcrossReplicasAndRestarts(t *testing.T) {
	rs := redistest.Start(t)
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	env := map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0", "HUB": "builtin", "HUB_ALLOW_PRIVATE": "true",
		"REDIS_URL": rs.URL(), "REDIS_TIMEOUT": "2s"}
	a, b := startServer(t, env), startServer(t, env)
	topic := "https://news.example.org/categories/jiabao/atom.xml"
	sub := newPushSubscriber(t, "s")
	r, err := http.PostForm(b.URL+"/websub", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {sub.URL}, "hub.secret": {"s"}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	<-sub.verified
	deadline := time.Now().Add(15 * time.Second)
	for scrape(t, a.URL, "feedwire_hub_verifications_total", "result=verified")+scrape(t, b.URL, "feedwire_hub_verifications_total", "result=verified") < 1 {
		if time.Now().After(deadline) {
			t.Fatal("subscription not verified within 15s")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Both replicas reload each change; the subscriber gets it once.
	for i, title := range []string{"甲报二", "甲报三"} {
		s.Post("2026-10-0"+string(rune('2'+i))+"-a.md", title, "2026-10-0"+string(rune('2'+i))+" 08:00:00", "jiabao", "甲报新闻")
		a.waitLoaded(t)
		b.waitLoaded(t)
		if got := deltaTitles(t, sub.next(t)); !slices.Equal(got, []string{title}) {
			t.Fatalf("push %d carries %q, want only %q", i+1, got, title)
		}
	}
	delivered := func(servers ...*testServer) float64 {
		n := 0.0
		for _, ts := range servers {
			n += scrape(t, ts.URL, "feedwire_hub_deliveries_total", "result=delivered")
		}
		return n
	}
	if n := delivered(a, b); n != 2 {
		t.Fatalf("two replicas delivered %v pushes for 2 changes", n)
	}

	// Every replica restarts: the subscription is in Redis.
	a.shutdown(t)
	b.shutdown(t)
	c := startServer(t, env)
	s.Post("2026-10-05-a.md", "甲报五", "2026-10-05 08:00:00", "jiabao", "甲报新闻")
	c.waitLoaded(t)
	if got := deltaTitles(t, sub.next(t)); !slices.Equal(got, []string{"甲报五"}) {
		t.Fatalf("push after the restart carries %q", got)
	}
}
