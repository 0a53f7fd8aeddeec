package hub

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkFanout delivers one change to 10,000 subscribers of one topic,
// callbacks on a loopback server answering 204, and reports the time per
// fan-out and the heap growth during it (the callback server included).
//
//	go test -run '^$' -bench Fanout -benchtime 3x ./internal/hub/
func BenchmarkFanout(b *testing.B) {
	const subscribers = 10000
	var got atomic.Int64
	done := make(chan struct{}, 1)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
		if got.Add(1) == subscribers {
			done <- struct{}{}
		}
	}))
	defer cb.Close()
	clk, topics := newClock(), &siteTopics{}
	store := NewMemory()
	for i := range subscribers {
		s := Subscription{Topic: topic, Callback: cb.URL + "/s/" + strconv.Itoa(i), Secret: "k", Expires: clk.Now().Add(time.Hour)}
		if err := store.Save(context.Background(), s); err != nil {
			b.Fatal(err)
		}
	}
	h := New(Options{Store: store, Topics: topics, Now: clk.Now, AllowPrivate: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.Run(ctx)

	var peak uint64
	for b.Loop() {
		got.Store(0)
		topics.bump()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		h.Publish([]string{topic})
		tick := time.NewTicker(10 * time.Millisecond)
	wait:
		for {
			select {
			case <-done:
				break wait
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > before.HeapInuse {
					peak = max(peak, m.HeapInuse-before.HeapInuse)
				}
			}
		}
		tick.Stop()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(subscribers, "subscribers/op")
}
