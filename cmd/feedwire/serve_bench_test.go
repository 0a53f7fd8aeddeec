package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/config"
)

// BenchmarkHandler measures the whole handler stack (metrics, routing,
// conditional GET, cache) without the network, for a cached category feed.
func BenchmarkHandler(b *testing.B) {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := newDeps(context.Background(), cfg, log, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer d.close()
	snap, err := source(cfg).Load(context.Background(), time.Now(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := d.server.Swap(snap); err != nil {
		b.Fatal(err)
	}
	h := d.server.Handler()
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
				// A fresh request each time, as net/http makes one per
				// request: what a handler stores on it (a path value map)
				// is counted every time. The copy is one of the allocations.
				r := *req
				h.ServeHTTP(w, &r)
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

// BenchmarkServeLoopback measures whole requests over loopback TCP, eight
// keep-alive connections at once, for a cached category feed: identity,
// 304 and gzip. The client costs a share of the same CPU.
func BenchmarkServeLoopback(b *testing.B) {
	const path = "/categories/zhuzhouribao/feed.xml"
	ts := startServer(b, map[string]string{"LOG_LEVEL": "error"})
	req, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity") // the ETag of the identity body
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	etag := res.Header.Get("ETag")
	host := strings.TrimPrefix(ts.URL, "http://")
	for _, bc := range []struct{ name, header string }{
		{"200", ""},
		{"304", "If-None-Match: " + etag + "\r\n"},
		{"gzip", "Accept-Encoding: gzip\r\n"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := []byte("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + bc.header + "\r\n")
			loopback(b, host, req, 8)
		})
	}
}

// loopback sends req b.N times over conns connections, one request at a
// time on each, reading every response whole.
func loopback(b *testing.B, addr string, req []byte, conns int) {
	b.Helper()
	var next atomic.Int64
	errs := make(chan error, conns)
	b.ResetTimer()
	start := time.Now()
	for range conns {
		go func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			r := bufio.NewReaderSize(c, 64<<10)
			for next.Add(1) <= int64(b.N) {
				c.SetDeadline(time.Now().Add(2 * time.Second)) // a lost answer fails the benchmark
				if _, err := c.Write(req); err != nil {
					errs <- err
					return
				}
				if err := readResponse(r); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range conns {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// readResponse reads one response with a Content-Length, or none, from r.
func readResponse(r *bufio.Reader) error {
	n := 0
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) == 2 {
			break
		}
		if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
			n, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	_, err := r.Discard(n)
	return err
}
