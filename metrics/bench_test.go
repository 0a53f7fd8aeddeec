package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// discardWriter is a minimal ResponseWriter for benchmarks.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

func BenchmarkRoute(b *testing.B) {
	body := []byte("<rss/>")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
	for _, bm := range []struct {
		name string
		wrap func(m *Metrics) http.Handler
	}{
		{"bare", func(m *Metrics) http.Handler { return h }},
		{"route", func(m *Metrics) http.Handler { return m.Route("GET /feed.xml", h) }},
		{"unmatched+route", func(m *Metrics) http.Handler { return m.Unmatched(m.Route("GET /feed.xml", h)) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			handler := bm.wrap(New(prometheus.NewRegistry(), "bench"))
			w := &discardWriter{h: http.Header{}}
			r := httptest.NewRequest(http.MethodGet, "/feed.xml", nil)
			b.ReportAllocs()
			for b.Loop() {
				handler.ServeHTTP(w, r)
			}
		})
	}
}

func TestRouteAllocatesOnlyTheWriter(t *testing.T) {
	body := []byte("<rss/>")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
	m := New(prometheus.NewRegistry(), "test")
	for name, handler := range map[string]http.Handler{
		"route":           m.Route("GET /feed.xml", h),
		"unmatched+route": m.Unmatched(m.Route("GET /feed.xml", h)),
	} {
		t.Run(name, func(t *testing.T) {
			w := &discardWriter{h: http.Header{}}
			r := httptest.NewRequest(http.MethodGet, "/feed.xml", nil)
			handler.ServeHTTP(w, r) // create the label children
			if got := testing.AllocsPerRun(100, func() { handler.ServeHTTP(w, r) }); got > 1 {
				t.Errorf("allocations per request = %v, want 1 (the status-recording writer)", got)
			}
		})
	}
}
