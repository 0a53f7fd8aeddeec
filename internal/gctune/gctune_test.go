package gctune

import (
	"math"
	"runtime"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		base, headroom uint64
		want           int
	}{
		{0, 64 << 20, 100},       // nothing measured yet
		{2 << 20, 0, 100},        // no headroom: the Go default
		{2 << 20, 16 << 20, 800}, // a small heap grows by the headroom
		{2 << 20, 64 << 20, 3200},
		{3 << 20, 64 << 20, 2134},   // rounded up
		{64 << 20, 64 << 20, 100},   // as large as the headroom
		{500 << 20, 64 << 20, 100},  // larger: paced as usual
		{1, 1 << 40, math.MaxInt32}, // bounded
		{1, math.MaxUint64, math.MaxInt32},
	} {
		if got := Percent(tc.base, tc.headroom); got != tc.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", tc.base, tc.headroom, got, tc.want)
		}
		if got := Percent(tc.base, tc.headroom); tc.base > 0 && tc.base < tc.headroom && got < math.MaxInt32 {
			// GOGC=got lets the heap grow by base*got/100 bytes: at least the headroom.
			if grow := tc.base * uint64(got) / 100; grow < tc.headroom {
				t.Errorf("Percent(%d, %d) = %d lets the heap grow by %d bytes only", tc.base, tc.headroom, got, grow)
			}
		}
	}
}

// waitSet returns the next GOGC value a pacer reports, failing after 10 s.
func waitSet(t *testing.T, set <-chan int) int {
	t.Helper()
	select {
	case pc := <-set:
		return pc
	case <-time.After(10 * time.Second):
		t.Fatal("no GOGC set after a collection")
		return 0
	}
}

func TestStartPacesAfterEachCollection(t *testing.T) {
	before := currentPercent()
	set := make(chan int, 16)
	stop := Start(1<<40, func(pc int) { set <- pc })
	t.Cleanup(stop)
	runtime.GC()
	pc := waitSet(t, set)
	if pc <= 100 {
		t.Fatalf("GOGC set to %d after a collection, want more than 100 for a heap of %d bytes", pc, scaleBase())
	}
	if got := currentPercent(); got <= 100 {
		t.Fatalf("GOGC in effect %d, want the pacer's (it reported %d)", got, pc)
	}

	// A second pacer does nothing while the first is in effect.
	other := make(chan int, 16)
	stopOther := Start(1, func(pc int) { other <- pc })
	t.Cleanup(stopOther)
	runtime.GC()
	stopOther()
	if got := currentPercent(); got <= 100 {
		t.Fatalf("GOGC %d after a second Start and its stop, want the first pacer's", got)
	}
	select {
	case pc := <-other:
		t.Fatalf("a second pacer set GOGC to %d", pc)
	default:
	}

	stop()
	stop() // idempotent
	if got := currentPercent(); got != before {
		t.Fatalf("GOGC %d after stop, want %d as before", got, before)
	}
	runtime.GC()
	if got := currentPercent(); got != before {
		t.Fatalf("GOGC %d after stop and a collection, want %d", got, before)
	}
}

func TestStartKeepsDefaultForLargeHeap(t *testing.T) {
	before := currentPercent()
	keep := make([]*[1 << 10]byte, 1<<10) // 1 MiB live, more than the headroom
	for i := range keep {
		keep[i] = new([1 << 10]byte)
	}
	set := make(chan int, 16)
	stop := Start(64<<10, func(pc int) { set <- pc })
	defer stop()
	runtime.GC()
	runtime.GC()
	if got := currentPercent(); got != before {
		t.Fatalf("GOGC %d with a live heap over the headroom, want %d", got, before)
	}
	select {
	case pc := <-set:
		t.Fatalf("GOGC set to %d with a live heap over the headroom", pc)
	default:
	}
	runtime.KeepAlive(keep)
}
