package hub

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/redistest"
)

const site = "https://news.example.org"

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// siteTopics is the site's feeds: /feed.xml and /feed.json, whose content
// names a version the test sets.
type siteTopics struct {
	mu      sync.Mutex
	version int
}

func (s *siteTopics) Topic(raw string) (string, bool) {
	switch raw {
	case site + "/feed.xml", site + "/feed.json":
		return raw, true
	}
	return "", false
}

func (s *siteTopics) Content(_ context.Context, topic string) (Content, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := strconv.Itoa(s.version)
	return Content{
		Body:        []byte("<rss><item>v" + v + "</item></rss>"),
		ContentType: "application/rss+xml; charset=utf-8",
		Links:       []string{"<" + site + `/websub>; rel="hub"`, "<" + topic + `>; rel="self"`},
		Version:     v,
	}, nil
}

func (s *siteTopics) bump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	return strconv.Itoa(s.version)
}

// counter is an Observer that counts.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(k string) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[k]++
	c.mu.Unlock()
}

func (c *counter) get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

func (c *counter) HubSubscriptions(string, int)     {}
func (c *counter) HubVerification(r string)         { c.add("verification:" + r) }
func (c *counter) HubDelivery(r string)             { c.add("delivery:" + r) }
func (c *counter) ObserveHubDelivery(time.Duration) {}

// testHub is a running hub behind a loopback HTTP server.
type testHub struct {
	*Hub
	URL    string
	obs    *counter
	topics *siteTopics
	clock  *clock
	stop   func()
}

// startHub runs a hub on store until the test ends; edit adjusts its
// options first.
func startHub(t *testing.T, store Store, clk *clock, topics *siteTopics, edit func(*Options)) *testHub {
	t.Helper()
	obs := &counter{}
	o := Options{Store: store, Topics: topics, Observer: obs, Now: clk.Now, AllowPrivate: true, Workers: 8}
	if edit != nil {
		edit(&o)
	}
	h := New(o)
	ts := httptest.NewServer(h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done; ts.Close() }) }
	t.Cleanup(stop)
	return &testHub{Hub: h, URL: ts.URL, obs: obs, topics: topics, clock: clk, stop: stop}
}

// stores lists the stores every behaviour is checked on: a Memory, and a
// Redis in a redis-server of its own.
func stores(t *testing.T) []struct {
	name string
	new  func(t *testing.T) Store
} {
	return []struct {
		name string
		new  func(t *testing.T) Store
	}{
		{"memory", func(*testing.T) Store { return NewMemory() }},
		{"redis", func(t *testing.T) Store {
			return NewRedis(redistest.Start(t).Client(), "test", time.Second)
		}},
	}
}

// push is one content delivery a subscriber received.
type push struct {
	body   []byte
	header http.Header
}

// subscriber is a WebSub subscriber on loopback: it echoes challenges
// (unless refuse) and records verifications and pushes.
type subscriber struct {
	*httptest.Server
	mu       sync.Mutex
	refuse   bool          // answer verifications without the challenge
	down     bool          // answer pushes 503
	hang     chan struct{} // not nil: pushes wait for it to close
	gets     chan url.Values
	pushes   chan push
	received int
	hanging  int // pushes held by hang
}

func newSubscriber(t *testing.T) *subscriber {
	s := &subscriber{gets: make(chan url.Values, 64), pushes: make(chan push, 64)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		refuse, down, hang := s.refuse, s.down, s.hang
		s.mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			s.gets <- q
			if refuse {
				w.Write([]byte("no"))
				return
			}
			w.Write([]byte(q.Get("hub.challenge")))
		case http.MethodPost:
			if hang != nil {
				s.mu.Lock()
				s.hanging++
				s.mu.Unlock()
				<-hang
				return
			}
			if down {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			b, _ := io.ReadAll(r.Body)
			s.mu.Lock()
			s.received++
			s.mu.Unlock()
			s.pushes <- push{body: b, header: r.Header.Clone()}
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *subscriber) set(f func(*subscriber)) {
	s.mu.Lock()
	f(s)
	s.mu.Unlock()
}

func (s *subscriber) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received
}

// wait is the deadline of every wait for the hub.
const wait = 10 * time.Second

func (s *subscriber) nextGet(t *testing.T) url.Values {
	t.Helper()
	select {
	case q := <-s.gets:
		return q
	case <-time.After(wait):
		t.Fatal("no verification request within the deadline")
		return nil
	}
}

func (s *subscriber) nextPush(t *testing.T) push {
	t.Helper()
	select {
	case p := <-s.pushes:
		return p
	case <-time.After(wait):
		t.Fatal("no push within the deadline")
		return push{}
	}
}

// ask posts a subscription request and returns its status and body.
func ask(t *testing.T, hubURL string, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.Post(hubURL, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func form(mode, topic, callback string, extra ...string) url.Values {
	v := url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.callback": {callback}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// subscribe subscribes s to topic through h and waits until the
// subscription is active.
func (h *testHub) subscribe(t *testing.T, s *subscriber, topic string, extra ...string) url.Values {
	t.Helper()
	if code, body := ask(t, h.URL, form("subscribe", topic, s.URL, extra...)); code != http.StatusAccepted {
		t.Fatalf("subscribe: %d %s", code, body)
	}
	q := s.nextGet(t)
	lease, err := strconv.Atoi(q.Get("hub.lease_seconds"))
	if err != nil {
		t.Fatalf("verification without a lease: %v", q)
	}
	h.waitActive(t, topic, s.URL, h.clock.Now().Add(time.Duration(lease)*time.Second))
	return q
}

// waitActive polls until callback's subscription to topic is stored with
// its lease ending at expires (whichever replica verified it).
func (h *testHub) waitActive(t *testing.T, topic, callback string, expires time.Time) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if s, err := h.o.Store.Lookup(context.Background(), topic, callback); err == nil && s.Expires.Equal(expires) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("subscription of %s to %s not active until %v within the deadline", callback, topic, expires)
}

// waitCount polls until the observer counted want of key.
func (h *testHub) waitCount(t *testing.T, key string, want int) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if h.obs.get(key) >= want {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s counted %d times within the deadline, want %d", key, h.obs.get(key), want)
}

// httpPost serves one form request on h from 192.0.2.1 and returns the
// status.
func httpPost(h *Hub, body string) int {
	req := httptest.NewRequest(http.MethodPost, "/websub", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "192.0.2.1:1234"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code
}

func (s *subscriber) hangs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hanging
}
