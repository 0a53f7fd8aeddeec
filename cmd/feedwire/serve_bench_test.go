package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkHandler measures the whole handler stack (metrics, routing,
// conditional GET, cache) without the network, for a cached category feed.
func BenchmarkHandler(b *testing.B) {
	b.Setenv("FEEDWIRE_ADDR", "127.0.0.1:0")
	cfg, err := loadConfig()
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := newDeps(context.Background(), cfg, log)
	if err != nil {
		b.Fatal(err)
	}
	defer d.close()
	snap, err := loadSnapshot(context.Background(), cfg, time.Now(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := d.server.swap(snap); err != nil {
		b.Fatal(err)
	}
	h := d.server.routes()
	const path = "/categories/zhuzhouribao/feed.xml"
	first := httptest.NewRecorder()
	h.ServeHTTP(first, httptest.NewRequest("GET", path, nil))
	etag := first.Header().Get("ETag")
	for _, bc := range []struct {
		name   string
		header http.Header
		want   int
	}{
		{"200", http.Header{}, 200},
		{"304", http.Header{"If-None-Match": {etag}}, 304},
		{"gzip", http.Header{"Accept-Encoding": {"gzip"}}, 200},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			req.Header = bc.header
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
			if w.code != bc.want {
				b.Fatalf("status %d, want %d", w.code, bc.want)
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
