package cache

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/redistest"
)

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mustFetch fetches key with a fill returning key+"!" counted in fills.
func mustFetch(t *testing.T, c *Tiered, key string, fills *atomic.Int32) {
	t.Helper()
	v, err := c.Fetch(context.Background(), key, constFill(key+"!", fills))
	if err != nil || string(v) != key+"!" {
		t.Fatalf("Fetch(%s) = %q, %v", key, v, err)
	}
}

func TestFetchThroughRedis(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	rec := newRecorder()
	r := newTestRedis(t, srv.URL(), nil, RedisOptions{Observer: rec})
	a := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
	var fills atomic.Int32
	key := "feedwire:v1:abc:rss:identity"
	mustFetch(t, a, key, &fills)
	r.Wait()
	if ttl, err := srv.Client().TTL(ctx, key).Result(); err != nil || ttl < 24*time.Hour-10*time.Second {
		t.Errorf("TTL = %v, %v; want about 24h", ttl, err)
	}
	if n, err := srv.Client().Exists(ctx, key+":lock").Result(); err != nil || n != 0 {
		t.Errorf("fill lock left behind: %d, %v", n, err)
	}
	// Another replica (empty memory) gets it from Redis.
	b := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
	mustFetch(t, b, key, &fills)
	if n := fills.Load(); n != 1 {
		t.Errorf("filled %d times, want 1", n)
	}
	if h := rec.count(TierRedis, ResultHit); h != 1 {
		t.Errorf("redis hits = %d, want 1", h)
	}
	if _, err := b.Memory().Get(key); err != nil {
		t.Errorf("Redis hit not kept in memory: %v", err)
	}

	// FLUSHALL: still correct, rendered again.
	if err := srv.Client().FlushAll(ctx).Err(); err != nil {
		t.Fatalf("FLUSHALL: %v", err)
	}
	mustFetch(t, b, key, &fills) // memory still holds it
	c := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
	mustFetch(t, c, key, &fills)
	if n := fills.Load(); n != 2 {
		t.Errorf("filled %d times after FLUSHALL, want 2", n)
	}
}

func TestTwoReplicasFillOnce(t *testing.T) {
	const callers = 10
	srv := redistest.Start(t)
	g := newGatedFill("doc") // shared: counts fills of both replicas
	waiting := make(chan struct{}, 2*callers)
	replica := func() *Tiered {
		r := newTestRedis(t, srv.URL(), nil, RedisOptions{})
		c := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{LockWait: time.Minute, FillTimeout: time.Minute})
		c.hook = func(event, _ string) {
			if event == hookWait {
				waiting <- struct{}{}
			}
		}
		return c
	}
	replicas := []*Tiered{replica(), replica()}
	var wg sync.WaitGroup
	for _, c := range replicas {
		for range callers {
			wg.Go(func() {
				v, err := c.Fetch(context.Background(), "k", g.fill)
				if err != nil || string(v) != "doc" {
					t.Errorf("Fetch = %q, %v", v, err)
				}
			})
		}
	}
	<-g.entered // one replica holds the lock and fills...
	<-waiting   // ...while the other waits for its value
	close(g.gate)
	wg.Wait()
	if n := g.calls.Load(); n != 1 {
		t.Errorf("fill called %d times between two replicas, want 1", n)
	}
	for i, c := range replicas {
		if v, err := c.Memory().Get("k"); err != nil || string(v) != "doc" {
			t.Errorf("replica %d memory = %q, %v", i, v, err)
		}
	}
}

func TestLockHeldElsewhere(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		onWait    func(key string) // runs while Fetch waits
		wantClean bool             // lock gone afterwards
	}{
		// The holder died: wait LockWait, then fill anyway.
		{name: "holder died", onWait: func(string) {}},
		// The holder gave up and released: take the lock over and fill.
		{name: "holder released", onWait: func(key string) {
			srv.Client().Del(ctx, key+":lock")
		}, wantClean: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "k-" + tt.name
			if err := srv.Client().Set(ctx, key+":lock", "someone-else", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			r := newTestRedis(t, srv.URL(), nil, RedisOptions{})
			c := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{LockWait: 50 * time.Millisecond})
			waited := false
			c.hook = func(event, k string) {
				if event == hookWait {
					waited = true
					tt.onWait(k)
				}
			}
			var fills atomic.Int32
			mustFetch(t, c, key, &fills)
			r.Wait()
			if !waited || fills.Load() != 1 {
				t.Errorf("waited %v, filled %d times; want true, 1", waited, fills.Load())
			}
			if v, err := srv.Client().Get(ctx, key).Result(); err != nil || v != key+"!" {
				t.Errorf("Redis holds %q, %v", v, err)
			}
			n, _ := srv.Client().Exists(ctx, key+":lock").Result()
			if clean := n == 0; clean != tt.wantClean {
				t.Errorf("lock gone = %v, want %v", clean, tt.wantClean)
			}
		})
	}
}

// TestLockFreedJustBefore covers a replica that misses the value, then
// gets the fill lock because the previous holder has just written the
// value and released the lock: it must use that value, not fill again.
func TestLockFreedJustBefore(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	r := newTestRedis(t, srv.URL(), nil, RedisOptions{})
	c := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
	c.hook = func(event, key string) {
		if event == hookLock { // the other replica finishes now
			if err := srv.Client().Set(ctx, key, "theirs", time.Minute).Err(); err != nil {
				t.Error(err)
			}
		}
	}
	var fills atomic.Int32
	v, err := c.Fetch(ctx, "k", constFill("ours", &fills))
	if err != nil || string(v) != "theirs" || fills.Load() != 0 {
		t.Errorf("Fetch = %q, %v with %d fills; want theirs, 0 fills", v, err, fills.Load())
	}
	r.Wait()
	if n, _ := srv.Client().Exists(ctx, "k:lock").Result(); n != 0 {
		t.Error("fill lock not released")
	}
}

func TestTwoReplicasManyKeys(t *testing.T) {
	const keys, workers = 40, 4
	srv := redistest.Start(t)
	var fills [keys]atomic.Int32
	var wg sync.WaitGroup
	for range 2 {
		r := newTestRedis(t, srv.URL(), nil, RedisOptions{})
		c := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{LockWait: time.Minute})
		for w := range workers {
			wg.Go(func() {
				for i := range keys {
					k := (i*7 + w*11) % keys // every worker its own order
					v, err := c.Fetch(context.Background(), fmt.Sprint(k), func(context.Context) ([]byte, error) {
						fills[k].Add(1)
						return []byte(fmt.Sprint(k)), nil
					})
					if err != nil || string(v) != fmt.Sprint(k) {
						t.Errorf("Fetch(%d) = %q, %v", k, v, err)
					}
				}
			})
		}
	}
	wg.Wait()
	for k := range fills {
		if n := fills[k].Load(); n != 1 {
			t.Errorf("key %d filled %d times between two replicas, want 1", k, n)
		}
	}
}
