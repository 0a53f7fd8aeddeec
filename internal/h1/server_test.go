package h1

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// testHandler answers the paths the tests ask for, each exercising one rule
// of http.ResponseWriter.
func testHandler() http.Handler {
	doc := bytes.Repeat([]byte("<item>株洲日报 finance</item>\n"), 600) // ~18 KB
	mux := http.NewServeMux()
	mux.HandleFunc("GET /doc", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("ETag", `"v1"`)
		h.Set("Content-Type", "application/rss+xml; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("Vary", "Accept-Encoding")
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", fmt.Sprint(len(doc)))
		w.Write(doc)
	})
	mux.HandleFunc("GET /echo", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "method=%s uri=%s url=%s path=%q query=%q proto=%s host=%s close=%v clen=%d te=%v\n",
			r.Method, r.RequestURI, r.URL, r.URL.Path, r.URL.RawQuery, r.Proto, r.Host, r.Close, r.ContentLength, r.TransferEncoding)
		fmt.Fprintf(w, "remote=%v server=%v local=%v body=%v\n", r.RemoteAddr != "",
			r.Context().Value(http.ServerContextKey) != nil, r.Context().Value(http.LocalAddrContextKey) != nil, r.Body != nil)
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range r.Header {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			fmt.Fprintf(w, "%s=%q\n", k, r.Header[k])
		}
	})
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html><body>hi</body></html>") })
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		for i := range 100 {
			fmt.Fprintf(w, "%04d%s\n", i, strings.Repeat("x", 1019))
		}
	})
	mux.HandleFunc("/flush", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first ")
		w.(http.Flusher).Flush()
		io.WriteString(w, "second")
	})
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "12345")
	})
	mux.HandleFunc("/over", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "3")
		_, err := io.WriteString(w, "12345")
		w.Header().Set("X-Err", fmt.Sprint(err)) // after the head: never sent
	})
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
		if _, err := io.WriteString(w, "body"); !errors.Is(err, http.ErrBodyNotAllowed) {
			panic("body allowed on 204")
		}
	})
	mux.HandleFunc("/late", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Early", "1")
		w.WriteHeader(http.StatusAccepted)
		w.Header().Set("X-Late", "1")
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/hints", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		io.WriteString(w, "after hints")
	})
	mux.HandleFunc("/newline", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Split", "a\r\nSet-Cookie: evil=1")
		w.Header()["Bad Name"] = []string{"x"}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	})
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(599) })
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nope", http.StatusTeapot) })
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	mux.HandleFunc("/abort", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
	mux.HandleFunc("/gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte{0x1f, 0x8b, 8, 0})
	})
	return mux
}

// servers starts the handler twice on loopback, on this package's server
// and on a plain net/http server, and returns their addresses.
func servers(t *testing.T, h http.Handler) (fast, std string) {
	t.Helper()
	return serversOn(t, h, false)
}

// plainConn hides a connection's descriptor: a server reads it through
// its Read method.
type plainConn struct{ net.Conn }

// plainListener yields plainConns.
type plainListener struct{ net.Listener }

func (l plainListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return plainConn{c}, nil
}

// serversOn is servers, this package's server reading its connections
// through their Read method when plain is true, from their descriptors
// otherwise.
func serversOn(t *testing.T, h http.Handler, plain bool) (fast, std string) {
	t.Helper()
	newHS := func() *http.Server {
		return &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			IdleTimeout:       30 * time.Second,
			WriteTimeout:      10 * time.Second,
			ErrorLog:          log.New(io.Discard, "", 0),
		}
	}
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	fs, fln := New(newHS()), listen()
	ss, sln := newHS(), listen()
	done := make(chan error, 2)
	var served net.Listener = fln
	if plain {
		served = plainListener{fln}
	}
	go func() { done <- fs.Serve(served) }()
	go func() { done <- ss.Serve(sln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := fs.Shutdown(ctx); err != nil {
			t.Errorf("h1 shutdown: %v", err)
		}
		ss.Shutdown(ctx)
		for range 2 {
			if err := <-done; !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("serve: %v", err)
			}
		}
	})
	return fln.Addr().String(), sln.Addr().String()
}

// exchange sends raw to addr and reads up to n responses; a response to a
// HEAD request must be asked for with a method of "HEAD".
type answer struct {
	Status int
	Header http.Header
	Body   string
	Close  bool
}

func exchange(t *testing.T, addr, raw string, methods []string) []answer {
	t.Helper()
	c := dial(t, addr)
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []answer
	for _, m := range methods {
		res, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			break // the server closed, as it may after an error
		}
		body, err := io.ReadAll(res.Body)
		if err != nil { // a body short of its length, cut by the close
			body = fmt.Appendf(body, " [%v]", err)
		}
		h := res.Header.Clone()
		delete(h, "Date")
		if len(res.TransferEncoding) > 0 {
			h["Transfer-Encoding"] = res.TransferEncoding
		}
		out = append(out, answer{res.StatusCode, h, string(body), res.Close})
		if res.Close {
			break
		}
	}
	return out
}
