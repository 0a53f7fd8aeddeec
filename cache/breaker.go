package cache

import (
	"log/slog"
	"sync"
	"time"
)

// breaker is a consecutive-failure circuit breaker. Closed, it lets every
// call through; after threshold consecutive failures it opens for cooldown
// and lets nothing through; then it is half-open and lets one probe
// through: a success closes it, a failure opens it for another cooldown.
//
// It is up when closed and a call has succeeded since it was made: a
// Redis that answers every command with an error (NOAUTH, to a client
// without the password) is never up, however few commands are sent.
type breaker struct {
	mu         sync.Mutex
	now        func() time.Time
	threshold  int
	cooldown   time.Duration
	failures   int
	open       bool
	until      time.Time // open: no probe before this
	probing    bool
	probeStart time.Time
	succeeded  bool          // a call has succeeded
	onChange   func(up bool) // called with mu held, when up changes
}

// allow reports whether a call may go ahead. Every true must be followed
// by exactly one of success, failure or release.
func (b *breaker) allow() bool {
	ok, _ := b.allowProbe()
	return ok
}

// allowProbe is allow, also telling whether the call is the one probe of a
// half-open breaker.
func (b *breaker) allowProbe() (ok, probe bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open {
		return true, false
	}
	now := b.now()
	if now.Before(b.until) {
		return false, false
	}
	// A probe whose outcome never arrived does not block probing forever.
	if b.probing && now.Sub(b.probeStart) < b.cooldown {
		return false, false
	}
	b.probing = true
	b.probeStart = now
	return true, true
}

// success records a call that reached Redis and got an answer.
func (b *breaker) success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures = 0
	b.probing = false
	if b.open || !b.succeeded {
		b.open = false
		b.succeeded = true
		b.onChange(true)
	}
}

// failure records a call that failed because of Redis.
func (b *breaker) failure() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	if b.open {
		b.until = b.now().Add(b.cooldown)
		return
	}
	b.failures++
	if b.failures >= b.threshold {
		b.open = true
		b.until = b.now().Add(b.cooldown)
		if b.succeeded {
			b.onChange(false)
		}
	}
}

// release records a call whose outcome says nothing about Redis (the
// caller gave up first).
func (b *breaker) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
}

// up reports whether the breaker is closed and a call has succeeded.
func (b *breaker) up() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.open && b.succeeded
}

// isOpen reports whether the breaker is open or half-open.
func (b *breaker) isOpen() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}

// rateLog logs errors at most once per interval, counting the ones it
// suppressed in between and reporting that count on the next line.
type rateLog struct {
	mu         sync.Mutex
	log        *slog.Logger
	now        func() time.Time
	every      time.Duration
	last       time.Time
	logged     bool
	suppressed int
}

// error logs msg with err and attrs unless a line was logged less than
// every ago.
func (l *rateLog) error(msg string, err error, attrs ...slog.Attr) {
	l.mu.Lock()
	now := l.now()
	if l.logged && now.Sub(l.last) < l.every {
		l.suppressed++
		l.mu.Unlock()
		return
	}
	n := l.suppressed
	l.suppressed = 0
	l.last = now
	l.logged = true
	l.mu.Unlock()
	args := make([]any, 0, len(attrs)+2)
	args = append(args, slog.String("err", err.Error()), slog.Int("suppressed", n))
	for _, a := range attrs {
		args = append(args, a)
	}
	l.log.Warn(msg, args...)
}
