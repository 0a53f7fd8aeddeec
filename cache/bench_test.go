package cache

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/feedwire/feedwire/internal/redistest"
)

// benchKeys are keys shaped like the server's, with documents of a
// typical feed's size.
func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("feedwire:v1:%016x:rss:gzip", i)
	}
	return keys
}

var benchDoc = make([]byte, 16<<10)

func BenchmarkMemoryGetHit(b *testing.B) {
	keys := benchKeys(1024)
	m := NewMemory(64<<20, nil)
	for _, k := range keys {
		m.Set(k, benchDoc)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := m.Get(keys[i&1023]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

func BenchmarkMemorySet(b *testing.B) {
	keys := benchKeys(8192)
	m := NewMemory(32<<20, nil) // holds about 2000 of the 8192: evicts
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.Set(keys[i&8191], benchDoc)
			i++
		}
	})
}

func BenchmarkTieredFetchHit(b *testing.B) {
	keys := benchKeys(1024)
	c := NewTiered(NewMemory(64<<20, nil), nil, TieredOptions{})
	fill := func(context.Context) ([]byte, error) { return benchDoc, nil }
	ctx := context.Background()
	for _, k := range keys {
		if _, err := c.Fetch(ctx, k, fill); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := c.Fetch(ctx, keys[i&1023], fill); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkTieredFetchRedisHit measures a memory miss answered by a local
// redis-server (the memory tier stores nothing).
func BenchmarkTieredFetchRedisHit(b *testing.B) {
	srv := redistest.Start(b)
	c, err := NewRedisClient(RedisClientOptions{URL: srv.URL(), Timeout: testTimeout})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	r := NewRedis(c, RedisOptions{Timeout: testTimeout})
	defer r.Close()
	keys := benchKeys(64)
	ctx := context.Background()
	for _, k := range keys {
		if err := r.Set(ctx, k, benchDoc); err != nil {
			b.Fatal(err)
		}
	}
	t := NewTiered(nil, r, TieredOptions{})
	var fills atomic.Int32
	fill := func(context.Context) ([]byte, error) { fills.Add(1); return benchDoc, nil }
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := t.Fetch(ctx, keys[i&63], fill); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	b.StopTimer()
	if n := fills.Load(); n != 0 {
		b.Errorf("%d fills, want 0", n)
	}
}
