package cache

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/redistest"
)

func TestRedisKilledAndRestarted(t *testing.T) {
	srv := redistest.Start(t)
	clock := newFakeClock()
	rec := newRecorder()
	var logs syncBuffer
	r := newTestRedis(t, srv.URL(), nil, RedisOptions{
		BreakerFailures: 3,
		BreakerCooldown: time.Minute,
		Now:             clock.Now,
		Observer:        rec,
		Logger:          slog.New(slog.NewTextHandler(&logs, nil)),
	})
	c := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
	var fills atomic.Int32

	mustFetch(t, c, "before", &fills)
	r.Wait()
	srv.Kill()

	// Every request still succeeds; failures open the breaker.
	for i := 0; r.Up(); i++ {
		if i == 10 {
			t.Fatalf("breaker still closed after %d fetches against a dead Redis (stats %+v)", i, r.Stats())
		}
		mustFetch(t, c, fmt.Sprintf("down-%d", i), &fills)
		r.Wait()
	}
	if got := rec.ups(); !slices.Equal(got, []bool{false, true, false}) {
		t.Errorf("RedisUp calls = %v, want [false true false]: down until a command succeeds, then down again", got)
	}
	// Open: Redis is not touched at all.
	before := r.Stats()
	for i := range 5 {
		mustFetch(t, c, fmt.Sprintf("open-%d", i), &fills)
	}
	r.Wait()
	after := r.Stats()
	if after.Errors != before.Errors || after.Skipped < before.Skipped+5 {
		t.Errorf("with breaker open: stats %+v -> %+v; want no new errors, 5+ skipped", before, after)
	}
	if n := strings.Count(logs.String(), "cache: redis command failed"); n != 1 {
		t.Errorf("logged %d error lines within one interval, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "circuit breaker open") {
		t.Errorf("breaker opening not logged:\n%s", logs.String())
	}

	// Restarted: after the cooldown a probe closes the breaker.
	srv.Restart()
	for i := 0; !r.Up(); i++ {
		if i == 5 {
			t.Fatalf("breaker still open after %d probes against a live Redis (stats %+v)", i, r.Stats())
		}
		clock.Advance(time.Minute)
		mustFetch(t, c, fmt.Sprintf("probe-%d", i), &fills)
	}
	if got := rec.ups(); got[len(got)-1] != true {
		t.Errorf("RedisUp calls = %v, want last true", got)
	}
	// Hits recover: a value written now is read by a fresh replica.
	mustFetch(t, c, "after", &fills)
	r.Wait()
	fresh := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
	n := fills.Load()
	mustFetch(t, fresh, "after", &fills)
	if fills.Load() != n {
		t.Error("value written after restart not read back from Redis")
	}
	// The restarted Redis is empty: "before" is rendered again, correctly.
	mustFetch(t, fresh, "before", &fills)
	if fills.Load() != n+1 {
		t.Errorf("fills = %d, want %d", fills.Load(), n+1)
	}
}

func TestRedisSlow(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	rec := newRecorder()
	// The production timeout: a Redis slower than this is not waited for.
	r := newTestRedis(t, srv.URL(), nil, RedisOptions{Timeout: DefaultRedisTimeout, Observer: rec})
	c := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
	// Every command hangs for 5s (the pause then lapses; no UNPAUSE, which
	// a paused server would not answer in time either).
	if err := srv.Client().Do(ctx, "CLIENT", "PAUSE", 5000, "ALL").Err(); err != nil {
		t.Fatalf("CLIENT PAUSE: %v", err)
	}
	var fills atomic.Int32
	mustFetch(t, c, "slow", &fills)
	if fills.Load() != 1 {
		t.Errorf("fills = %d, want 1", fills.Load())
	}
	if rec.count(TierRedis, ResultError) == 0 || r.Stats().Errors == 0 {
		t.Errorf("timeout not counted as an error: stats %+v", r.Stats())
	}
	r.Wait() // the background write times out too
}

// TestRedisUpMeansCommandsSucceed: a Redis asking for a password that the
// client does not have answers NOAUTH to every command; the tier is never
// up, whether requests need Redis or Watch alone pings it. With the
// password it is up after the first ping.
func TestRedisUpMeansCommandsSucceed(t *testing.T) {
	srv := redistest.StartWith(t, redistest.Options{Password: "s3cret"})
	pw := writeFile(t, "password", "s3cret")
	tests := []struct {
		name   string
		opts   RedisClientOptions
		wantUp bool
	}{
		{"no password", RedisClientOptions{URL: srv.URL()}, false},
		{"password", RedisClientOptions{URL: srv.URL(), PasswordFile: pw}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Timeout = testTimeout
			client, err := NewRedisClient(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			rec := newRecorder()
			r := NewRedis(client, RedisOptions{Observer: rec, Timeout: testTimeout, BreakerCooldown: time.Millisecond})
			defer r.Close()
			if got := rec.ups(); !slices.Equal(got, []bool{false}) {
				t.Fatalf("RedisUp calls at start = %v, want [false]", got)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { r.Watch(ctx, time.Millisecond); close(done) }()
			// Enough pings to open the breaker and probe it several times.
			deadline := time.Now().Add(10 * time.Second)
			for r.Stats().Errors+r.Stats().Skipped < 20 && !r.Up() && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			cancel()
			<-done
			c := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
			var fills atomic.Int32
			mustFetch(t, c, "k", &fills)
			r.Wait()
			if r.Up() != tt.wantUp {
				t.Errorf("Up = %v, want %v (stats %+v)", r.Up(), tt.wantUp, r.Stats())
			}
			ups := rec.ups()
			if slices.Contains(ups, true) != tt.wantUp || ups[len(ups)-1] != tt.wantUp {
				t.Errorf("RedisUp calls = %v, want last %v", ups, tt.wantUp)
			}
			if errs := r.Stats().Errors; (errs == 0) == !tt.wantUp {
				t.Errorf("%d errors counted", errs)
			}
		})
	}
}
