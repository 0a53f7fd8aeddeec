package hub

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"
)

// memoryQueueLimit bounds the jobs a Memory store holds; Enqueue past it
// fails.
const memoryQueueLimit = 1 << 20

// claimWait is how long Claim waits for a job before returning none.
const claimWait = 200 * time.Millisecond

// Memory is a Store for one process: nothing survives a restart.
type Memory struct {
	mu       sync.Mutex
	topics   map[string]map[string]Subscription // topic, callback
	hosts    map[string]int
	ready    []Job
	later    []Job // put back by Later, sorted by due time, due at the same index of due
	due      []time.Time
	marks    map[string]time.Time
	contents map[string]memoryContent
	pending  int
	nextID   int
	wake     chan struct{}
}

type memoryContent struct {
	c       Content
	expires time.Time
}

// NewMemory returns an empty in-process store.
func NewMemory() *Memory {
	return &Memory{
		topics:   map[string]map[string]Subscription{},
		hosts:    map[string]int{},
		marks:    map[string]time.Time{},
		contents: map[string]memoryContent{},
		wake:     make(chan struct{}, 1),
	}
}

// callbackHost is the host a callback's subscriptions are bounded by.
func callbackHost(callback string) string {
	u, err := url.Parse(callback)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func (m *Memory) Save(_ context.Context, s Subscription) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	subs := m.topics[s.Topic]
	if subs == nil {
		subs = map[string]Subscription{}
		m.topics[s.Topic] = subs
	}
	if _, ok := subs[s.Callback]; !ok {
		m.hosts[callbackHost(s.Callback)]++
	}
	subs[s.Callback] = s
	return nil
}

func (m *Memory) Remove(_ context.Context, topic, callback string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.remove(topic, callback)
	return nil
}

// remove drops one subscription; m.mu is held.
func (m *Memory) remove(topic, callback string) {
	subs := m.topics[topic]
	if _, ok := subs[callback]; !ok {
		return
	}
	delete(subs, callback)
	if len(subs) == 0 {
		delete(m.topics, topic)
	}
	h := callbackHost(callback)
	if m.hosts[h]--; m.hosts[h] <= 0 {
		delete(m.hosts, h)
	}
}

func (m *Memory) Lookup(_ context.Context, topic, callback string) (Subscription, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.topics[topic][callback]
	if !ok {
		return Subscription{}, ErrNotFound
	}
	return s, nil
}

func (m *Memory) Active(_ context.Context, topic string, now time.Time) ([]Subscription, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Subscription
	for cb, s := range m.topics[topic] {
		if !s.Expires.After(now) {
			m.remove(topic, cb)
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

func (m *Memory) Subscribed(_ context.Context, topics []string) (map[string]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]bool{}
	for _, t := range topics {
		if len(m.topics[t]) > 0 {
			out[t] = true
		}
	}
	return out, nil
}

func (m *Memory) Hosts(_ context.Context, host string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hosts[host], nil
}

func (m *Memory) Counts(_ context.Context, now time.Time) (map[string]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for topic, subs := range m.topics {
		for cb, s := range subs {
			if !s.Expires.After(now) {
				m.remove(topic, cb)
				continue
			}
			out[topic]++
		}
	}
	return out, nil
}

func (m *Memory) Enqueue(_ context.Context, jobs []Job) error {
	m.mu.Lock()
	if len(m.ready)+len(m.later)+len(jobs) > memoryQueueLimit {
		m.mu.Unlock()
		return errQueueFull
	}
	for _, j := range jobs {
		m.nextID++
		j.ID = strconv.Itoa(m.nextID)
		m.ready = append(m.ready, j)
	}
	m.mu.Unlock()
	m.signal()
	return nil
}

func (m *Memory) Later(_ context.Context, job Job, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, _ := slices.BinarySearchFunc(m.due, at, func(a, b time.Time) int { return a.Compare(b) })
	m.later = slices.Insert(m.later, i, job)
	m.due = slices.Insert(m.due, i, at)
	return nil
}

func (m *Memory) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *Memory) Claim(ctx context.Context, n int, now time.Time) ([]Job, error) {
	if out := m.take(n, now); len(out) > 0 {
		return out, nil
	}
	t := time.NewTimer(claimWait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-m.wake:
	case <-t.C:
	}
	return m.take(n, now), nil
}

// take moves due jobs to the ready queue and hands out up to n of them.
func (m *Memory) take(n int, now time.Time) []Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	due := 0 // later is sorted by due time
	for due < len(m.due) && !m.due[due].After(now) {
		due++
	}
	m.ready = append(m.ready, m.later[:due]...)
	m.later = slices.Delete(m.later, 0, due)
	m.due = slices.Delete(m.due, 0, due)
	n = min(n, len(m.ready))
	out := slices.Clone(m.ready[:n])
	m.ready = slices.Delete(m.ready, 0, n)
	if len(m.ready) > 0 {
		m.signal()
	}
	return out
}

func (m *Memory) Ack(context.Context, Job) error { return nil }

func (m *Memory) First(_ context.Context, key string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	for k, exp := range m.marks {
		if now.After(exp) {
			delete(m.marks, k)
		}
	}
	if _, ok := m.marks[key]; ok {
		return false, nil
	}
	m.marks[key] = now.Add(ttl)
	return true, nil
}

func (m *Memory) PutContent(_ context.Context, key string, c Content, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	for k, mc := range m.contents {
		if now.After(mc.expires) {
			delete(m.contents, k)
		}
	}
	m.contents[key] = memoryContent{c: c, expires: now.Add(ttl)}
	return nil
}

func (m *Memory) Content(_ context.Context, key string) (Content, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mc, ok := m.contents[key]
	if !ok || time.Now().After(mc.expires) {
		return Content{}, ErrNotFound
	}
	return mc.c, nil
}

func (m *Memory) Pending(_ context.Context, delta int) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = max(m.pending+delta, 0)
	return m.pending, nil
}
