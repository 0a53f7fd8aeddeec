package cache

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// testTimeout is the Redis command timeout of tests that do not kill
// Redis: generous, so a loaded machine does not trip the breaker.
const testTimeout = time.Second

// newTestRedis returns a Redis tier over a client of url or addrs, both
// closed when the test ends.
func newTestRedis(t *testing.T, url string, addrs []string, opts RedisOptions) *Redis {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = testTimeout
	}
	c, err := NewRedisClient(RedisClientOptions{URL: url, Addrs: addrs, Timeout: opts.Timeout})
	if err != nil {
		t.Fatalf("NewRedisClient: %v", err)
	}
	r := NewRedis(c, opts)
	t.Cleanup(func() {
		_ = r.Close()
		_ = c.Close()
	})
	return r
}

func TestNewRedisClient(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	if err := srv.Client().ConfigSet(ctx, "requirepass", "s3cret").Err(); err != nil {
		t.Fatalf("CONFIG SET requirepass: %v", err)
	}
	tests := []struct {
		name    string
		url     string
		addrs   []string
		wantErr bool // from NewRedisClient
		wantOK  bool // PING answered
		// skipPing: the server does not speak TLS.
		skipPing bool
	}{
		{name: "url with password", url: "redis://:s3cret@" + srv.Addr() + "/0", wantOK: true},
		{name: "url with password and db", url: "redis://:s3cret@" + srv.Addr() + "/3", wantOK: true},
		{name: "url without password", url: srv.URL(), wantOK: false},
		{name: "tls url parses", url: "rediss://:pw@" + srv.Addr(), skipPing: true},
		{name: "bad scheme", url: "http://" + srv.Addr(), wantErr: true},
		{name: "bad db", url: "redis://" + srv.Addr() + "/x", wantErr: true},
		{name: "url and addrs", url: srv.URL(), addrs: []string{srv.Addr()}, wantErr: true},
		{name: "nothing", wantErr: true},
		{name: "empty addr", addrs: []string{""}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewRedisClient(RedisClientOptions{URL: tt.url, Addrs: tt.addrs, Timeout: testTimeout})
			if tt.wantErr {
				if err == nil {
					_ = c.Close()
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatalf("NewRedisClient: %v", err)
			}
			defer c.Close()
			if tt.skipPing {
				return
			}
			err = c.Ping(ctx).Err()
			if ok := err == nil; ok != tt.wantOK {
				t.Errorf("PING: %v, want ok=%v", err, tt.wantOK)
			}
		})
	}
}

func TestRedisGetSetTTL(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	tests := []struct {
		name string
		ttl  time.Duration
		want time.Duration // 0: the 24h default
	}{
		{name: "default", want: 24 * time.Hour},
		{name: "custom", ttl: time.Minute, want: time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			r := newTestRedis(t, srv.URL(), nil, RedisOptions{TTL: tt.ttl, Observer: rec})
			key := "feedwire:v1:abc:" + tt.name + ":identity"
			if _, err := r.Get(ctx, key); !errors.Is(err, ErrMiss) {
				t.Fatalf("Get before Set: %v, want ErrMiss", err)
			}
			if err := r.Set(ctx, key, []byte("doc")); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if v, err := r.Get(ctx, key); err != nil || string(v) != "doc" {
				t.Fatalf("Get = %q, %v; want doc", v, err)
			}
			ttl, err := srv.Client().TTL(ctx, key).Result()
			if err != nil {
				t.Fatalf("TTL: %v", err)
			}
			if ttl > tt.want || ttl < tt.want-10*time.Second {
				t.Errorf("TTL = %v, want about %v", ttl, tt.want)
			}
			if !r.SetAsync(key+":async", []byte("later")) {
				t.Fatal("SetAsync dropped")
			}
			r.Wait()
			if v, err := r.Get(ctx, key+":async"); err != nil || string(v) != "later" {
				t.Errorf("Get after SetAsync = %q, %v", v, err)
			}
			if h, m := rec.count(TierRedis, ResultHit), rec.count(TierRedis, ResultMiss); h != 2 || m != 1 {
				t.Errorf("observed %d hits %d misses, want 2, 1", h, m)
			}
			if s := r.Stats(); s.Writes != 2 || s.Errors != 0 || s.Dropped != 0 {
				t.Errorf("stats = %+v", s)
			}
		})
	}
}

func TestRedisAsyncBounded(t *testing.T) {
	srv := redistest.Start(t)
	r := newTestRedis(t, srv.URL(), nil, RedisOptions{MaxPendingWrites: 1})
	gate := make(chan struct{})
	if !r.async(func(context.Context) { <-gate }) {
		t.Fatal("first job dropped")
	}
	if r.SetAsync("k", []byte("v")) {
		t.Error("write accepted beyond MaxPendingWrites")
	}
	close(gate)
	r.Wait()
	if !r.SetAsync("k", []byte("v")) {
		t.Error("write dropped with nothing pending")
	}
	_ = r.Close()
	if r.SetAsync("k2", []byte("v")) {
		t.Error("write accepted after Close")
	}
	if d := r.Stats().Dropped; d != 2 {
		t.Errorf("Dropped = %d, want 2", d)
	}
}

func TestRedisCluster(t *testing.T) {
	addrs := redistest.StartCluster(t, 3)
	c, err := NewRedisClient(RedisClientOptions{Addrs: addrs, Timeout: testTimeout})
	if err != nil {
		t.Fatalf("NewRedisClient: %v", err)
	}
	defer c.Close()
	if _, ok := c.(*redis.ClusterClient); !ok {
		t.Fatalf("client is %T, want *redis.ClusterClient", c)
	}
	r := NewRedis(c, RedisOptions{Timeout: testTimeout})
	defer r.Close()
	ctx := context.Background()
	keys := []string{"feedwire:v1:a:rss:identity", "feedwire:v1:b:atom:gzip", "feedwire:v1:c:json:br", "x", "y", "z"}
	for _, k := range keys {
		if err := r.Set(ctx, k, []byte(k)); err != nil {
			t.Fatalf("Set(%s): %v", k, err)
		}
	}
	for _, k := range keys {
		if v, err := r.Get(ctx, k); err != nil || string(v) != k {
			t.Errorf("Get(%s) = %q, %v", k, v, err)
		}
		if ttl, err := c.TTL(ctx, k).Result(); err != nil || ttl <= 0 {
			t.Errorf("TTL(%s) = %v, %v", k, ttl, err)
		}
	}
	// The fill lock works on a cluster too.
	ok, err := r.lock(ctx, keys[0], "t1", time.Minute)
	if err != nil || !ok {
		t.Fatalf("lock = %v, %v", ok, err)
	}
	if ok, _ := r.lock(ctx, keys[0], "t2", time.Minute); ok {
		t.Error("lock taken twice")
	}
	if err := r.release(ctx, keys[0], "t1"); err != nil {
		t.Fatalf("release: %v", err)
	}
	if n, _ := c.Exists(ctx, keys[0]+":lock").Result(); n != 0 {
		t.Error("lock still held after release")
	}
	// Two replicas share documents through the cluster.
	var fills atomic.Int32
	a := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
	b := NewTiered(NewMemory(1<<20, nil), r, TieredOptions{})
	for i := range 10 {
		mustFetch(t, a, fmt.Sprintf("feedwire:v1:%d:rss:identity", i), &fills)
	}
	r.Wait()
	for i := range 10 {
		mustFetch(t, b, fmt.Sprintf("feedwire:v1:%d:rss:identity", i), &fills)
	}
	if n := fills.Load(); n != 10 {
		t.Errorf("filled %d times, want 10", n)
	}
}

func TestRedisSentinel(t *testing.T) {
	master := redistest.Start(t)
	sentinel := redistest.StartSentinel(t, master, "feeds")
	c, err := NewRedisClient(RedisClientOptions{Addrs: []string{sentinel.Addr()}, MasterName: "feeds", Timeout: testTimeout})
	if err != nil {
		t.Fatalf("NewRedisClient: %v", err)
	}
	defer c.Close()
	r := NewRedis(c, RedisOptions{Timeout: testTimeout})
	defer r.Close()
	ctx := context.Background()
	if err := r.Set(ctx, "k", []byte("v")); err != nil {
		t.Fatalf("Set through sentinel: %v", err)
	}
	if v, err := master.Client().Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Errorf("master holds %q, %v; want v", v, err)
	}
	if v, err := r.Get(ctx, "k"); err != nil || string(v) != "v" {
		t.Errorf("Get through sentinel = %q, %v", v, err)
	}
}
