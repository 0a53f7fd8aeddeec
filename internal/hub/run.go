package hub

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Run does the hub's queued work with at most Workers callbacks contacted
// at once, until ctx is done. A slow callback holds one worker, never the
// queue.
func (h *Hub) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, h.o.Workers)
	gauges := time.NewTicker(countsEvery)
	defer gauges.Stop()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		select {
		case <-gauges.C:
			h.Counts(ctx)
			if n, err := h.o.Store.Pending(ctx, 0); err == nil {
				h.o.Observer.HubSubscriptions(StatePending, n)
			}
		default:
		}
		slots <- struct{}{}
		free := 1
	fill:
		for free < cap(slots) {
			select {
			case slots <- struct{}{}:
				free++
			default:
				break fill
			}
		}
		jobs, err := h.o.Store.Claim(ctx, free, h.o.Now())
		for range free - len(jobs) {
			<-slots
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			h.o.Log.Warn("hub: queue unavailable", "err", err, "retry_in", backoff.String())
			sleep(ctx, backoff)
			backoff = min(2*backoff, 10*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		for _, j := range jobs {
			wg.Go(func() {
				defer func() { <-slots }()
				h.do(context.WithoutCancel(ctx), j)
			})
		}
	}
}

// do runs one job and acknowledges it.
func (h *Hub) do(ctx context.Context, j Job) {
	var err error
	switch j.Kind {
	case jobVerify:
		h.verify(ctx, j)
	case jobDeny:
		h.deny(ctx, j)
	case jobFanout:
		err = h.fanout(ctx, j)
	case jobDeliver:
		if h.deliver(ctx, j) {
			return // put back for a retry
		}
	}
	if err != nil {
		h.o.Log.Error("hub: job failed; retrying", "kind", j.Kind, "topic", j.Topic, "err", err)
		if err := h.o.Store.Later(ctx, j, h.o.Now().Add(jobRetry)); err != nil {
			h.o.Log.Warn("hub: job not rescheduled; it is retried once reclaimed", "kind", j.Kind, "err", err)
		}
		return
	}
	if err := h.o.Store.Ack(ctx, j); err != nil {
		h.o.Log.Warn("hub: job not acknowledged", "kind", j.Kind, "err", err)
	}
}

// fanout queues one delivery of a change per active subscriber of its
// topic.
func (h *Hub) fanout(ctx context.Context, j Job) error {
	subs, err := h.o.Store.Active(ctx, j.Topic, h.o.Now())
	if err != nil {
		return err
	}
	jobs := make([]Job, len(subs))
	for i, s := range subs {
		jobs[i] = Job{Kind: jobDeliver, Topic: j.Topic, Callback: s.Callback, Content: j.Content, Since: j.Since}
	}
	return h.o.Store.Enqueue(ctx, jobs)
}

// content returns stored content, from the hub's own small cache when it
// was read recently: a change fanned out to thousands is read once.
func (h *Hub) content(ctx context.Context, key string) (Content, error) {
	h.mu.Lock()
	c, ok := h.contents[key]
	h.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := h.o.Store.Content(ctx, key)
	if err != nil {
		return Content{}, err
	}
	h.mu.Lock()
	if len(h.contents) >= maxCachedContents {
		clear(h.contents)
	}
	h.contents[key] = c
	h.mu.Unlock()
	return c, nil
}

// jobRetry is when a fan-out that failed (the store was unavailable) is
// tried again.
const jobRetry = 5 * time.Second

// maxCachedContents bounds the contents a hub keeps in memory.
const maxCachedContents = 64

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// errQueueFull reports a Memory store holding memoryQueueLimit jobs.
var errQueueFull = errors.New("hub: queue full")
