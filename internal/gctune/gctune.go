// Package gctune paces the garbage collector by a fixed headroom, not by
// the live heap alone.
//
// feedwire's live heap starts at a few megabytes, most of it tables its
// libraries build once (the HTML sanitizer's and highlighter's regular
// expressions, lexers, entity maps), which every collection marks again.
// At GOGC=100 a heap that small is collected every few megabytes
// allocated: under load, every thousand or so requests, and that marking
// costs more than the request handlers do. Start lets the heap grow by at
// least a given headroom between collections: after each collection it
// sets GOGC so that the next one comes when the heap has grown by
// max(headroom, what GOGC=100 allows). A heap larger than the headroom is
// paced by GOGC=100 as usual, and GOMEMLIMIT still applies.
package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// Percent returns the GOGC value that lets the heap grow by at least
// headroom bytes before the next collection, and never less than 100.
// base is what the runtime scales GOGC by: the live heap plus the
// goroutine stacks and globals it scans.
func Percent(base, headroom uint64) int {
	if base == 0 || headroom <= base {
		return 100
	}
	if headroom > (math.MaxUint64-base)/100 {
		return math.MaxInt32
	}
	p := (headroom*100 + base - 1) / base // rounded up: at least headroom
	if p > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(p)
}

// active is set while a pacer is in effect: GOGC is one per process.
var active atomic.Bool

// pacer sets GOGC after each collection.
type pacer struct {
	headroom uint64
	onSet    func(percent int)

	mu      sync.Mutex
	stopped bool
	percent int
}

// sentinel is allocated after each collection and found unreachable by the
// next one, whose end its cleanup marks. The pointer keeps it out of the
// tiny allocator, whose blocks are freed together and can be kept alive by
// a neighbour.
type sentinel struct{ _ *int }

// Start collects once, then paces collections by headroom until stop is
// called, which puts back the GOGC in effect before. onSet, if not nil, is called with each
// GOGC value set. While a pacer is in effect, another Start does nothing
// and returns a stop that does nothing.
func Start(headroom uint64, onSet func(percent int)) (stop func()) {
	if !active.CompareAndSwap(false, true) {
		return func() {}
	}
	prev := currentPercent()
	p := &pacer{headroom: headroom, onSet: onSet, percent: prev}
	runtime.GC() // a small heap at start: the pace is set before any request
	p.mu.Lock()
	p.collected()
	p.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			p.stopped = true
			debug.SetGCPercent(prev)
			p.mu.Unlock()
			active.Store(false)
		})
	}
}

// collected sets GOGC from what the last collection found live and waits
// for the next one. p.mu is held.
func (p *pacer) collected() {
	if pc := Percent(scaleBase(), p.headroom); pc != p.percent {
		debug.SetGCPercent(pc)
		p.percent = pc
		if p.onSet != nil {
			p.onSet(pc)
		}
	}
	runtime.AddCleanup(new(sentinel), func(p *pacer) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.stopped {
			p.collected()
		}
	}, p)
}

// scaleBase returns what the runtime multiplies GOGC/100 by to set the
// next collection's heap goal: the heap the last collection found live,
// plus the goroutine stacks and globals it scans.
func scaleBase() uint64 {
	s := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/scan/stack:bytes"},
		{Name: "/gc/scan/globals:bytes"},
	}
	metrics.Read(s)
	var n uint64
	for _, v := range s {
		if v.Value.Kind() == metrics.KindUint64 {
			n += v.Value.Uint64()
		}
	}
	return n
}

// currentPercent returns the GOGC in effect (-1: off).
func currentPercent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 100
	}
	v := s[0].Value.Uint64()
	if v > math.MaxInt32 {
		return -1
	}
	return int(v)
}
