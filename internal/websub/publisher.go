// Package websub tells a WebSub hub which feeds changed (hub.mode=publish).
package websub

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// WebSub publishing limits.
const (
	hubQueueLimit = 10000 // feed URLs waiting; the oldest are dropped past it
	hubBatch      = 50    // feed URLs per notification
	hubMaxBackoff = time.Minute
)

// Observer records what a Publisher does; *metrics.Metrics is one.
type Observer interface {
	WebSubPing(result string)
	SetWebSubQueueLength(n int)
}

// Ping results, as Observer.WebSubPing receives them.
const (
	ResultOK      = "ok"
	ResultError   = "error"
	ResultDropped = "dropped"
)

// Publisher notifies a WebSub hub that feeds changed (hub.mode=publish), in
// batches, from a bounded queue, retrying with backoff. It never blocks the
// caller: when the hub is down and the queue is full, the oldest URLs are
// dropped and counted.
type Publisher struct {
	url     string
	client  *http.Client
	log     *slog.Logger
	metrics Observer

	mu     sync.Mutex
	queue  []string
	queued map[string]bool
	wake   chan struct{}
	sleep  func(context.Context, time.Duration) bool // injectable for tests
}

// New returns a publisher to the hub at hubURL.
func New(hubURL string, log *slog.Logger, m Observer) *Publisher {
	return &Publisher{
		url:     hubURL,
		client:  &http.Client{Timeout: 10 * time.Second},
		log:     log,
		metrics: m,
		queued:  map[string]bool{},
		wake:    make(chan struct{}, 1),
		sleep:   sleepCtx,
	}
}

// Publish queues feed URLs for notification; a URL already waiting is not
// queued twice.
func (h *Publisher) Publish(urls []string) {
	if len(urls) == 0 {
		return
	}
	h.mu.Lock()
	dropped := 0
	for _, u := range urls {
		if h.queued[u] {
			continue
		}
		if len(h.queue) >= hubQueueLimit {
			delete(h.queued, h.queue[0])
			h.queue = h.queue[1:]
			dropped++
		}
		h.queue = append(h.queue, u)
		h.queued[u] = true
	}
	n := len(h.queue)
	h.mu.Unlock()
	for range dropped {
		h.metrics.WebSubPing(ResultDropped)
	}
	if dropped > 0 {
		h.log.Warn("WebSub queue full; oldest notifications dropped", "dropped", dropped)
	}
	h.metrics.SetWebSubQueueLength(n)
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run sends queued notifications until ctx is done.
func (h *Publisher) Run(ctx context.Context) {
	backoff := time.Second
	for {
		batch := h.peek()
		if len(batch) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-h.wake:
				continue
			}
		}
		if err := h.send(ctx, batch); err != nil {
			if ctx.Err() != nil {
				return
			}
			h.metrics.WebSubPing(ResultError)
			h.log.Warn("WebSub hub notification failed; retrying", "hub", h.url, "urls", len(batch), slog.Duration("retry_in", backoff), "err", err)
			if !h.sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, hubMaxBackoff)
			continue
		}
		backoff = time.Second
		h.metrics.WebSubPing(ResultOK)
		h.done(batch)
	}
}

// peek returns the first batch of the queue without removing it.
func (h *Publisher) peek() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.queue[:min(hubBatch, len(h.queue))]...)
}

// done removes the sent URLs that are still queued (some may have been
// dropped meanwhile).
func (h *Publisher) done(sent []string) {
	h.mu.Lock()
	gone := map[string]bool{}
	for _, u := range sent {
		gone[u] = true
		delete(h.queued, u)
	}
	kept := h.queue[:0]
	for _, u := range h.queue {
		if !gone[u] {
			kept = append(kept, u)
		}
	}
	h.queue = kept
	n := len(h.queue)
	h.mu.Unlock()
	h.metrics.SetWebSubQueueLength(n)
}

// send posts one notification: hub.mode=publish and one hub.url per feed.
func (h *Publisher) send(ctx context.Context, urls []string) error {
	form := url.Values{"hub.mode": {"publish"}, "hub.url": urls}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("hub answered %s", resp.Status)
	}
	return nil
}

// sleepCtx waits d or until ctx is done; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
