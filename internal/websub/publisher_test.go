package websub

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"
)

// observer counts what a Publisher reports, and signals each ping.
type observer struct {
	mu     sync.Mutex
	pings  map[string]int
	queue  int
	pinged chan string
}

func newObserver() *observer {
	return &observer{pings: map[string]int{}, pinged: make(chan string, hubQueueLimit+100)}
}

func (o *observer) WebSubPing(result string) {
	o.mu.Lock()
	o.pings[result]++
	o.mu.Unlock()
	o.pinged <- result
}

// waitPings waits for n pings of result, failing after 10 s.
func (o *observer) waitPings(t *testing.T, result string, n int) {
	t.Helper()
	for n > 0 {
		select {
		case r := <-o.pinged:
			if r == result {
				n--
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s ping in 10 s", result)
		}
	}
}

func (o *observer) SetWebSubQueueLength(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.queue = n
}

func (o *observer) get() (map[string]int, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return maps.Clone(o.pings), o.queue
}

// hub is a WebSub hub on loopback that records each publish notification
// and answers the first failures of them with 500.
type hub struct {
	*httptest.Server
	mu       sync.Mutex
	failures int
	batches  [][]string
	bad      []string
	got      chan struct{}
}

func newHub(t *testing.T, failures int) *hub {
	h := &hub{failures: failures, got: make(chan struct{}, 100)}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(body))
		h.mu.Lock()
		defer func() { h.mu.Unlock(); h.got <- struct{}{} }()
		switch {
		case err != nil, r.Method != http.MethodPost, r.Header.Get("Content-Type") != "application/x-www-form-urlencoded",
			form.Get("hub.mode") != "publish":
			h.bad = append(h.bad, fmt.Sprintf("%s %s %q", r.Method, r.Header.Get("Content-Type"), body))
			w.WriteHeader(http.StatusBadRequest)
		case h.failures > 0:
			h.failures--
			w.WriteHeader(http.StatusInternalServerError)
		default:
			h.batches = append(h.batches, form["hub.url"])
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(h.Close)
	return h
}

// wait returns the batches the hub accepted once it has answered n
// notifications, failing after 10 s.
func (h *hub) wait(t *testing.T, n int) [][]string {
	t.Helper()
	for range n {
		select {
		case <-h.got:
		case <-time.After(10 * time.Second):
			t.Fatal("the hub got no notification in 10 s")
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.bad) > 0 {
		t.Fatalf("malformed notifications: %v", h.bad)
	}
	return slices.Clone(h.batches)
}

// start runs p until the returned stop is called; stop returns once Run
// has, failing after 5 s.
func start(t *testing.T, p *Publisher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after its context was cancelled")
		}
	}
	t.Cleanup(cancel)
	return stop
}

func feedURLs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("https://example.org/categories/c%d/feed.xml", i)
	}
	return out
}

func TestPublishBatches(t *testing.T) {
	h := newHub(t, 0)
	obs := newObserver()
	p := New(h.URL, slog.New(slog.DiscardHandler), obs)
	urls := feedURLs(120)
	p.Publish(urls)
	p.Publish(urls[:10]) // still queued: not twice
	stop := start(t, p)
	obs.waitPings(t, ResultOK, 3)
	batches := h.wait(t, 3)
	stop()
	var got []string
	for _, b := range batches {
		if len(b) > hubBatch {
			t.Errorf("a notification of %d URLs, want at most %d", len(b), hubBatch)
		}
		got = append(got, b...)
	}
	if !slices.Equal(got, urls) {
		t.Errorf("hub got %d URLs %v..., want the 120 published, once each, in order", len(got), got[:min(3, len(got))])
	}
	pings, queue := obs.get()
	if pings[ResultOK] != 3 || pings[ResultError] != 0 || queue != 0 {
		t.Errorf("observed %v, queue %d; want 3 ok and an empty queue", pings, queue)
	}
}

func TestPublishRetriesWithBackoff(t *testing.T) {
	h := newHub(t, 3)
	obs := newObserver()
	p := New(h.URL, slog.New(slog.DiscardHandler), obs)
	var waits []time.Duration
	p.sleep = func(ctx context.Context, d time.Duration) bool {
		waits = append(waits, d)
		return ctx.Err() == nil
	}
	p.Publish(feedURLs(1))
	stop := start(t, p)
	obs.waitPings(t, ResultOK, 1)
	batches := h.wait(t, 4)
	stop()
	if len(batches) != 1 || len(batches[0]) != 1 {
		t.Fatalf("hub accepted %v, want the one URL once", batches)
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !slices.Equal(waits, want) {
		t.Errorf("waited %v between tries, want %v", waits, want)
	}
	if pings, _ := obs.get(); pings[ResultError] != 3 || pings[ResultOK] != 1 {
		t.Errorf("observed %v, want 3 errors then 1 ok", pings)
	}
}

func TestPublishDropsOldestPastTheLimit(t *testing.T) {
	obs := newObserver()
	p := New("http://127.0.0.1:1/unused", slog.New(slog.DiscardHandler), obs)
	urls := feedURLs(hubQueueLimit + 5)
	p.Publish(urls)
	pings, queue := obs.get()
	if pings[ResultDropped] != 5 || queue != hubQueueLimit {
		t.Fatalf("observed %v, queue %d; want 5 dropped and a full queue of %d", pings, queue, hubQueueLimit)
	}
	if first := p.peek(); len(first) != hubBatch || first[0] != urls[5] {
		t.Errorf("first batch starts at %q, want the oldest kept, %q", first[0], urls[5])
	}
	p.Publish(urls[len(urls)-1:]) // already queued
	if pings, _ := obs.get(); pings[ResultDropped] != 5 {
		t.Errorf("publishing a queued URL dropped more: %v", pings)
	}
}

func TestRunStopsWhileWaitingToRetry(t *testing.T) {
	h := newHub(t, 1000)
	p := New(h.URL, slog.New(slog.DiscardHandler), newObserver())
	sleeping := make(chan struct{})
	p.sleep = func(ctx context.Context, d time.Duration) bool {
		close(sleeping)
		return sleepCtx(ctx, time.Hour)
	}
	p.Publish(feedURLs(1))
	stop := start(t, p)
	select {
	case <-sleeping: // the first try failed; Run waits to retry
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not wait to retry after a failure")
	}
	stop()
}

func TestSleepCtx(t *testing.T) {
	if !sleepCtx(context.Background(), time.Millisecond) {
		t.Error("sleepCtx reported a cancelled context after a plain wait")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if sleepCtx(ctx, time.Hour) {
		t.Error("sleepCtx reported a full wait for a cancelled context")
	}
}
