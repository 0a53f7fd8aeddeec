package cache

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// recorder is an Observer that counts events.
type recorder struct {
	mu       sync.Mutex
	requests map[string]int // "tier/result"
	bytes    map[string]int64
	up       []bool
}

func newRecorder() *recorder {
	return &recorder{requests: map[string]int{}, bytes: map[string]int64{}}
}

func (r *recorder) Request(tier, result string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests[tier+"/"+result]++
}

func (r *recorder) Bytes(tier string, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bytes[tier] = n
}

func (r *recorder) RedisUp(up bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.up = append(r.up, up)
}

func (r *recorder) count(tier, result string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[tier+"/"+result]
}

func (r *recorder) ups() []bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.up)
}

// cost is what Memory charges for key and a value of n bytes.
func cost(key string, n int) int64 { return int64(len(key)+n) + EntryOverhead }

func TestMemoryEviction(t *testing.T) {
	val := func(n int) []byte { return []byte(strings.Repeat("x", n)) }
	tests := []struct {
		name     string
		max      int64
		ops      func(m *Memory)
		wantKeys []string // most recently used first
	}{
		{
			name: "fits exactly",
			max:  cost("a", 10) + cost("b", 10),
			ops: func(m *Memory) {
				m.Set("a", val(10))
				m.Set("b", val(10))
			},
			wantKeys: []string{"b", "a"},
		},
		{
			name: "evicts least recently set",
			max:  cost("a", 10) + cost("b", 10),
			ops: func(m *Memory) {
				m.Set("a", val(10))
				m.Set("b", val(10))
				m.Set("c", val(10))
			},
			wantKeys: []string{"c", "b"},
		},
		{
			name: "get refreshes recency",
			max:  cost("a", 10) + cost("b", 10),
			ops: func(m *Memory) {
				m.Set("a", val(10))
				m.Set("b", val(10))
				_, _ = m.Get("a")
				m.Set("c", val(10))
			},
			wantKeys: []string{"c", "a"},
		},
		{
			name: "big entry evicts several",
			max:  cost("a", 10) + cost("b", 10) + cost("c", 10),
			ops: func(m *Memory) {
				m.Set("a", val(10))
				m.Set("b", val(10))
				m.Set("c", val(10))
				m.Set("d", val(10+10+EntryOverhead))
			},
			wantKeys: []string{"d", "c"},
		},
		{
			name: "larger than the bound is not stored",
			max:  cost("a", 10) + cost("b", 10),
			ops: func(m *Memory) {
				m.Set("a", val(10))
				m.Set("big", val(1000))
			},
			wantKeys: []string{"a"},
		},
		{
			name: "replacing a key with a too large value drops it",
			max:  cost("a", 10) + cost("b", 10),
			ops: func(m *Memory) {
				m.Set("a", val(10))
				m.Set("b", val(10))
				m.Set("a", val(1000))
			},
			wantKeys: []string{"b"},
		},
		{
			name: "replacing a key recounts its size",
			max:  cost("a", 10) + cost("b", 10),
			ops: func(m *Memory) {
				m.Set("a", val(10))
				m.Set("b", val(10))
				m.Set("a", val(5))
				m.Set("a", val(10))
			},
			wantKeys: []string{"a", "b"},
		},
		{
			name: "zero bound stores nothing",
			max:  0,
			ops: func(m *Memory) {
				m.Set("a", nil)
			},
			wantKeys: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			m := NewMemory(tt.max, rec)
			tt.ops(m)
			if got := m.Keys(); !slices.Equal(got, tt.wantKeys) {
				t.Errorf("keys = %q, want %q", got, tt.wantKeys)
			}
			var want int64
			for _, k := range tt.wantKeys {
				v, err := m.Get(k)
				if err != nil {
					t.Fatalf("Get(%q): %v", k, err)
				}
				want += cost(k, len(v))
			}
			if got := m.Bytes(); got != want || got > tt.max {
				t.Errorf("Bytes() = %d, want %d (max %d)", got, want, tt.max)
			}
			if got := rec.bytes[TierMemory]; got != want {
				t.Errorf("observed bytes = %d, want %d", got, want)
			}
			if m.Len() != len(tt.wantKeys) {
				t.Errorf("Len() = %d, want %d", m.Len(), len(tt.wantKeys))
			}
		})
	}
}

func TestMemoryGet(t *testing.T) {
	rec := newRecorder()
	m := NewMemory(1<<20, rec)
	m.Set("k", []byte("v"))
	if v, err := m.Get("k"); err != nil || string(v) != "v" {
		t.Errorf("Get(k) = %q, %v; want v", v, err)
	}
	if v, err := m.Get("absent"); !errors.Is(err, ErrMiss) || v != nil {
		t.Errorf("Get(absent) = %q, %v; want ErrMiss", v, err)
	}
	if h, ms := rec.count(TierMemory, ResultHit), rec.count(TierMemory, ResultMiss); h != 1 || ms != 1 {
		t.Errorf("observed %d hits, %d misses; want 1, 1", h, ms)
	}
	quiet := NewMemory(1<<20, nil)
	quiet.Set("k", []byte("v"))
	if n := testing.AllocsPerRun(100, func() { _, _ = quiet.Get("k") }); n != 0 {
		t.Errorf("Get hit allocates %v times, want 0", n)
	}
}

func TestMemoryConcurrent(t *testing.T) {
	const workers, keys = 8, 64
	max := 16 * cost("key-00", 100) // holds a quarter of the keys
	m := NewMemory(max, nil)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range 500 {
				k := fmt.Sprintf("key-%02d", (i*7+w)%keys)
				want := strings.Repeat(k[len(k)-1:], 100)
				if v, err := m.Get(k); err == nil && string(v) != want {
					t.Errorf("Get(%s) = %q, want %q", k, v, want)
					return
				}
				m.Set(k, []byte(want))
			}
		})
	}
	wg.Wait()
	if got := m.Bytes(); got > max {
		t.Errorf("Bytes() = %d over bound %d", got, max)
	}
	if got, want := m.Len(), len(m.Keys()); got != want {
		t.Errorf("Len() = %d but list holds %d", got, want)
	}
}
