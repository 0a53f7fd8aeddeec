package cache

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestBreaker(t *testing.T) {
	// Steps: "ok", "fail", "release" report an allowed call's outcome
	// (the call must be allowed); "deny" expects allow() == false;
	// "wait" advances the clock past the cooldown; "half" advances it
	// by half the cooldown.
	tests := []struct {
		name    string
		steps   []string
		wantUp  []bool // onChange calls
		wantOpn bool
	}{
		{"not up before a success", nil, nil, false},
		{"first success is up", []string{"ok", "ok"}, []bool{true}, false},
		{"never up while every call fails", []string{"fail", "fail", "fail", "deny", "wait", "fail", "wait", "fail"}, nil, true},
		{"up once a call succeeds", []string{"fail", "fail", "fail", "wait", "ok"}, []bool{true}, false},
		{"closed stays closed", []string{"ok", "fail", "fail", "ok", "fail", "fail"}, []bool{true}, false},
		{"opens after threshold", []string{"ok", "fail", "fail", "fail", "deny", "deny"}, []bool{true, false}, true},
		{"stays open within cooldown", []string{"ok", "fail", "fail", "fail", "half", "deny"}, []bool{true, false}, true},
		{"probe success closes", []string{"ok", "fail", "fail", "fail", "wait", "ok", "ok", "ok"}, []bool{true, false, true}, false},
		{"probe failure reopens", []string{"ok", "fail", "fail", "fail", "wait", "fail", "deny", "wait", "ok"}, []bool{true, false, true}, false},
		{"one probe at a time", []string{"ok", "fail", "fail", "fail", "wait", "probe", "deny", "deny"}, []bool{true, false}, true},
		{"released probe lets another", []string{"ok", "fail", "fail", "fail", "wait", "release", "ok"}, []bool{true, false, true}, false},
		{"lost probe expires", []string{"ok", "fail", "fail", "fail", "wait", "probe", "wait", "ok"}, []bool{true, false, true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			var ups []bool
			b := &breaker{now: clock.Now, threshold: 3, cooldown: time.Second,
				onChange: func(up bool) { ups = append(ups, up) }}
			for i, s := range tt.steps {
				switch s {
				case "wait":
					clock.Advance(time.Second)
					continue
				case "half":
					clock.Advance(time.Second / 2)
					continue
				case "deny":
					if b.allow() {
						t.Fatalf("step %d: allowed, want denied", i)
					}
					continue
				}
				if !b.allow() {
					t.Fatalf("step %d (%s): denied, want allowed", i, s)
				}
				switch s {
				case "ok":
					b.success()
				case "fail":
					b.failure()
				case "release":
					b.release()
				}
			}
			if !slices.Equal(ups, tt.wantUp) {
				t.Errorf("transitions = %v, want %v", ups, tt.wantUp)
			}
			if b.isOpen() != tt.wantOpn {
				t.Errorf("open = %v, want %v", b.isOpen(), tt.wantOpn)
			}
			wantUp := len(tt.wantUp) > 0 && tt.wantUp[len(tt.wantUp)-1]
			if b.up() != wantUp {
				t.Errorf("up = %v, want %v", b.up(), wantUp)
			}
		})
	}
}

func TestRateLog(t *testing.T) {
	var buf bytes.Buffer
	clock := newFakeClock()
	l := &rateLog{log: slog.New(slog.NewTextHandler(&buf, nil)), now: clock.Now, every: 10 * time.Second}
	err := errors.New("boom")
	for range 5 {
		l.error("redis failed", err)
	}
	clock.Advance(10 * time.Second)
	l.error("redis failed", err)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("logged %d lines, want 2:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "suppressed=0") || !strings.Contains(lines[1], "suppressed=4") {
		t.Errorf("suppressed counts wrong:\n%s", buf.String())
	}
	if !strings.Contains(lines[0], "err=boom") {
		t.Errorf("error missing:\n%s", lines[0])
	}
}
