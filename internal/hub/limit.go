package hub

import (
	"sync"
	"time"
)

// maxLimitedClients bounds the addresses a limiter tracks per window; past
// it, new addresses are refused until the window ends.
const maxLimitedClients = 100000

// limiter allows each client address per requests per window (a fixed
// window: simple, bounded, and enough to stop a flood).
type limiter struct {
	per    int
	window time.Duration

	mu     sync.Mutex
	start  time.Time
	counts map[string]int
}

func newLimiter(per int, window time.Duration) *limiter {
	return &limiter{per: per, window: window, counts: map[string]int{}}
}

// allow counts one request from addr at now and reports whether it is
// within the limit.
func (l *limiter) allow(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.start) >= l.window || now.Before(l.start) {
		clear(l.counts)
		l.start = now
	}
	n, ok := l.counts[addr]
	if !ok && len(l.counts) >= maxLimitedClients {
		return false
	}
	l.counts[addr] = n + 1
	return n < l.per
}
