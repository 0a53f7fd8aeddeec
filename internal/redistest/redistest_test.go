package redistest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestServerLifecycle(t *testing.T) {
	s := Start(t)
	ctx := context.Background()
	c := s.Client()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	opts, err := redis.ParseURL(s.URL())
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", s.URL(), err)
	}
	if opts.Addr != s.Addr() {
		t.Errorf("URL addr = %q, want %q", opts.Addr, s.Addr())
	}

	s.Kill()
	if err := ping(s.Addr()); err == nil {
		t.Fatal("PING answered after Kill")
	}
	s.Kill() // a second Kill is harmless

	s.Restart()
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("PING after Restart: %v", err)
	}
	got, err := s.Client().Get(ctx, "k").Result()
	if err != redis.Nil {
		t.Errorf("GET k after restart = %q, %v; want redis.Nil (no persistence)", got, err)
	}
}

func TestStartCluster(t *testing.T) {
	addrs := StartCluster(t, 3)
	if len(addrs) != 3 {
		t.Fatalf("got %d addrs, want 3", len(addrs))
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	defer c.Close()
	ctx := context.Background()
	// Enough keys to land on every master.
	for i := range 30 {
		k := fmt.Sprintf("key-%d", i)
		if err := c.Set(ctx, k, k, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
		if got, err := c.Get(ctx, k).Result(); err != nil || got != k {
			t.Fatalf("GET %s = %q, %v", k, got, err)
		}
	}
	var masters atomic.Int32 // ForEachMaster runs fn concurrently
	err := c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		n, err := m.DBSize(ctx).Result()
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("master %s holds no key", m.Options().Addr)
		}
		masters.Add(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := masters.Load(); n != 3 {
		t.Errorf("%d masters, want 3", n)
	}
}

func TestStartSentinel(t *testing.T) {
	master := Start(t)
	sentinel := StartSentinel(t, master, "feeds")
	ctx := context.Background()
	addr, err := sentinel.Client().Do(ctx, "SENTINEL", "get-master-addr-by-name", "feeds").StringSlice()
	if err != nil {
		t.Fatalf("SENTINEL get-master-addr-by-name: %v", err)
	}
	if len(addr) != 2 {
		t.Fatalf("SENTINEL get-master-addr-by-name = %q", addr)
	}
	if got := addr[0] + ":" + addr[1]; got != master.Addr() {
		t.Errorf("sentinel names master %s, want %s", got, master.Addr())
	}
}
