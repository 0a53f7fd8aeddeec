package hub

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Run does the hub's queued work with at most Workers callbacks contacted
// at once, until ctx is done. Deliveries to one callback go one at a time,
// in a lane of their own: a slow or dead callback holds one worker, never
// the queue or the other callbacks' deliveries.
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
			if j.Kind == jobDeliver && !h.lanes.enter(j) {
				<-slots // queued behind the delivery in flight to its callback
				continue
			}
			wg.Go(func() {
				defer func() { <-slots }()
				h.do(context.WithoutCancel(ctx), j)
				if j.Kind != jobDeliver {
					return
				}
				for next, ok := h.lanes.next(j.Callback, ctx.Err() != nil); ok; next, ok = h.lanes.next(j.Callback, ctx.Err() != nil) {
					h.do(context.WithoutCancel(ctx), next)
				}
			})
		}
	}
}

// maxLaneWaiting bounds the deliveries waiting behind one callback's
// delivery in flight; past it they go back to the queue for later.
const maxLaneWaiting = 64

// lanes keeps each callback's deliveries in a line of their own, one in
// flight at a time. Jobs waiting in a lane were claimed and not yet
// acknowledged: in Redis, a replica that dies leaves them to another.
type lanes struct {
	mu      sync.Mutex
	busy    map[string]bool  // callback → a delivery in flight
	waiting map[string][]Job // callback → deliveries behind it
	full    func(Job)        // takes a delivery that found its lane full
}

// enter reports whether j may go now; if not, it waits in its lane (or,
// the lane being full, is handed to full).
func (l *lanes) enter(j Job) bool {
	l.mu.Lock()
	if !l.busy[j.Callback] {
		l.busy[j.Callback] = true
		l.mu.Unlock()
		return true
	}
	if len(l.waiting[j.Callback]) >= maxLaneWaiting {
		l.mu.Unlock()
		l.full(j)
		return false
	}
	l.waiting[j.Callback] = append(l.waiting[j.Callback], j)
	l.mu.Unlock()
	return false
}

// waitingFor returns how many deliveries wait in callback's lane.
func (l *lanes) waitingFor(callback string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.waiting[callback])
}

// next returns the delivery waiting next in callback's lane, or frees the
// lane. When stopping, waiting deliveries are left unacknowledged.
func (l *lanes) next(callback string, stopping bool) (Job, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.waiting[callback]; len(w) > 0 && !stopping {
		l.waiting[callback] = w[1:]
		if len(w) == 1 {
			delete(l.waiting, callback)
		}
		return w[0], true
	}
	delete(l.busy, callback)
	delete(l.waiting, callback)
	return Job{}, false
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

// Start runs the hub in the background until ctx is done. The function it
// returns waits, once ctx is done, for the hub to finish what it was doing
// (its jobs acknowledged, so that no other replica delivers them again),
// for at most max.
func (h *Hub) Start(ctx context.Context) (wait func(max time.Duration)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Run(ctx)
	}()
	return func(max time.Duration) {
		select {
		case <-done:
		case <-time.After(max):
		}
	}
}
