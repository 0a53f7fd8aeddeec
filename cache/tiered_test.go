package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedFill is a fill that signals when it starts and then waits for its
// gate, counting its calls.
type gatedFill struct {
	calls   atomic.Int32
	entered chan struct{} // receives one value per call
	gate    chan struct{} // closed to let calls finish
	val     []byte
}

func newGatedFill(val string) *gatedFill {
	return &gatedFill{entered: make(chan struct{}, 100), gate: make(chan struct{}), val: []byte(val)}
}

func (g *gatedFill) fill(ctx context.Context) ([]byte, error) {
	g.calls.Add(1)
	g.entered <- struct{}{}
	<-g.gate
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return g.val, nil
}

// missSignal is an Observer that signals every memory miss.
type missSignal struct {
	NopObserver
	misses chan struct{}
}

func (m *missSignal) Request(tier, result string) {
	if tier == TierMemory && result == ResultMiss {
		m.misses <- struct{}{}
	}
}

// constFill returns a fill of val that counts its calls in n.
func constFill(val string, n *atomic.Int32) func(context.Context) ([]byte, error) {
	return func(context.Context) ([]byte, error) {
		n.Add(1)
		return []byte(val), nil
	}
}

func TestFetchSingleflight(t *testing.T) {
	const callers = 50
	obs := &missSignal{misses: make(chan struct{}, callers)}
	c := NewTiered(NewMemory(1<<20, obs), nil, TieredOptions{})
	g := newGatedFill("doc")
	var wg sync.WaitGroup
	results := make(chan string, callers)
	for range callers {
		wg.Go(func() {
			v, err := c.Fetch(context.Background(), "k", g.fill)
			if err != nil {
				t.Errorf("Fetch: %v", err)
			}
			results <- string(v)
		})
	}
	<-g.entered
	for range callers { // every caller missed memory while the fill is held
		<-obs.misses
	}
	close(g.gate)
	wg.Wait()
	close(results)
	for v := range results {
		if v != "doc" {
			t.Errorf("Fetch = %q, want doc", v)
		}
	}
	if n := g.calls.Load(); n != 1 {
		t.Errorf("fill called %d times, want 1", n)
	}
}

func TestFetchCallerCancelDoesNotFailOthers(t *testing.T) {
	c := NewTiered(NewMemory(1<<20, nil), nil, TieredOptions{})
	g := newGatedFill("doc")
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := c.Fetch(ctx, "k", g.fill)
		first <- err
	}()
	<-g.entered // the first caller's fill runs
	second := make(chan []byte, 1)
	go func() {
		v, err := c.Fetch(context.Background(), "k", g.fill)
		if err != nil {
			t.Errorf("second Fetch: %v", err)
		}
		second <- v
	}()
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("first Fetch = %v, want context.Canceled", err)
	}
	close(g.gate) // only now can the fill finish
	if v := <-second; string(v) != "doc" {
		t.Errorf("second Fetch = %q, want doc", v)
	}
	if n := g.calls.Load(); n != 1 {
		t.Errorf("fill called %d times, want 1", n)
	}
	if v, err := c.Memory().Get("k"); err != nil || string(v) != "doc" {
		t.Errorf("memory holds %q, %v", v, err)
	}
}

func TestFetchFillFailures(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		opts    TieredOptions
		fill    func(context.Context) ([]byte, error)
		wantErr error
	}{
		{"error", TieredOptions{}, func(context.Context) ([]byte, error) { return nil, boom }, boom},
		{"panic", TieredOptions{}, func(context.Context) ([]byte, error) { panic("bad input") }, ErrFillPanic},
		{"timeout", TieredOptions{FillTimeout: time.Millisecond}, func(ctx context.Context) ([]byte, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewTiered(NewMemory(1<<20, nil), nil, tt.opts)
			if _, err := c.Fetch(context.Background(), "k", tt.fill); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Fetch = %v, want %v", err, tt.wantErr)
			}
			// Failures are not cached: the next fill runs.
			var n atomic.Int32
			if v, err := c.Fetch(context.Background(), "k", constFill("ok", &n)); err != nil || string(v) != "ok" || n.Load() != 1 {
				t.Errorf("Fetch after failure = %q, %v (fills %d)", v, err, n.Load())
			}
		})
	}
}

func TestFetchCanceledCallerStartsNothing(t *testing.T) {
	c := NewTiered(NewMemory(1<<20, nil), nil, TieredOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var n atomic.Int32
	if _, err := c.Fetch(ctx, "k", constFill("v", &n)); !errors.Is(err, context.Canceled) || n.Load() != 0 {
		t.Errorf("Fetch = %v with %d fills; want context.Canceled, 0", err, n.Load())
	}
	// A memory hit is still served: the work is already done.
	c.Memory().Set("k", []byte("v"))
	if v, err := c.Fetch(ctx, "k", constFill("v", &n)); err != nil || string(v) != "v" {
		t.Errorf("Fetch hit = %q, %v", v, err)
	}
}

func TestFetchNilMemoryAndValue(t *testing.T) {
	c := NewTiered(nil, nil, TieredOptions{})
	v, err := c.Fetch(context.Background(), "k", func(context.Context) ([]byte, error) { return nil, nil })
	if err != nil || v == nil || len(v) != 0 {
		t.Errorf("Fetch = %#v, %v; want empty non-nil", v, err)
	}
}

func TestFetchManyKeysConcurrent(t *testing.T) {
	c := NewTiered(NewMemory(8*cost("key-00", 10), nil), nil, TieredOptions{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := fmt.Sprintf("key-%02d", (i+w)%20)
				v, err := c.Fetch(context.Background(), k, func(context.Context) ([]byte, error) {
					return []byte(k + "-value"), nil
				})
				if err != nil || string(v) != k+"-value" {
					t.Errorf("Fetch(%s) = %q, %v", k, v, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
