package h1

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// docShortcut answers GET and HEAD /doc as testHandler does, and panics
// for /doc?panic.
type docShortcut struct {
	doc      []byte
	answered atomic.Int64
}

func (s *docShortcut) Answer(w *Reply, r *Request) bool {
	if r.URL.Path != "/doc" {
		return false
	}
	if r.URL.RawQuery == "panic" {
		panic("shortcut boom")
	}
	if r.URL.RawQuery != "" {
		return false
	}
	inm, _ := r.Header("If-None-Match")
	if inm == `"v1"` {
		w.Status(http.StatusNotModified)
		w.Field("Cache-Control", "public, max-age=300")
		w.Field("Etag", `"v1"`)
		w.Field("Vary", "Accept-Encoding")
	} else {
		w.Status(http.StatusOK)
		w.Field("Cache-Control", "public, max-age=300")
		w.FieldInt("Content-Length", len(s.doc))
		w.Field("Content-Type", "application/rss+xml; charset=utf-8")
		w.Field("Etag", `"v1"`)
		w.Field("Vary", "Accept-Encoding")
		w.Body(s.doc)
	}
	s.answered.Add(1)
	return true
}

// startH1 serves testHandler on loopback with sc as the Shortcut (nil:
// none) and returns the address.
func startH1(t *testing.T, sc Shortcut, errorLog io.Writer) string {
	t.Helper()
	srv := New(&http.Server{
		Handler:           testHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       30 * time.Second,
		WriteTimeout:      10 * time.Second,
		ErrorLog:          log.New(errorLog, "", 0),
	})
	srv.Shortcut = sc
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-done
	})
	return ln.Addr().String()
}

var dateField = regexp.MustCompile(`(?m)^Date: [^\r]*\r$`)

// rawExchange sends raw to addr and returns the bytes of the responses to
// methods, Date values blanked.
func rawExchange(t *testing.T, addr, raw string, methods ...string) string {
	t.Helper()
	c := dial(t, addr)
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	br := bufio.NewReader(io.TeeReader(c, &got))
	for _, m := range methods {
		res, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			break
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	return dateField.ReplaceAllString(got.String()[:got.Len()-br.Buffered()], "Date: -\r")
}

// TestShortcutSameBytes serves testHandler with and without a Shortcut
// that answers /doc as the handler does, and wants the same bytes on the
// wire: the server adds Date and Connection: close as it does for a
// handler, sends no body for HEAD or 304, and keeps the connection for
// the requests after.
func TestShortcutSameBytes(t *testing.T) {
	sc := &docShortcut{doc: bytes.Repeat([]byte("<item>株洲日报 finance</item>\n"), 600)}
	with := startH1(t, sc, io.Discard)
	without := startH1(t, nil, io.Discard)
	get := func(path string, extra ...string) string {
		return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + strings.Join(extra, "") + "\r\n"
	}
	head := "HEAD /doc HTTP/1.1\r\nHost: x\r\n\r\n"
	tests := []struct {
		name    string
		raw     string
		methods []string
	}{
		{"get", get("/doc"), []string{"GET"}},
		{"head", head, []string{"HEAD"}},
		{"not modified", get("/doc", "If-None-Match: \"v1\"\r\n"), []string{"GET"}},
		{"head not modified", "HEAD /doc HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"v1\"\r\n\r\n", []string{"HEAD"}},
		{"close", get("/doc", "Connection: close\r\n") + get("/doc"), []string{"GET", "GET"}},
		{"pipelined", get("/doc") + get("/echo") + head + get("/doc", "If-None-Match: \"v1\"\r\n") + get("/small"),
			[]string{"GET", "GET", "HEAD", "GET", "GET"}},
		{"declined", get("/doc?x=1") + get("/doc"), []string{"GET", "GET"}},
		{"then handed off", get("/doc") + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi" + get("/doc"),
			[]string{"GET", "POST", "GET"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := rawExchange(t, without, tt.raw, tt.methods...)
			got := rawExchange(t, with, tt.raw, tt.methods...)
			if want == "" {
				t.Fatal("no answer without the shortcut: the case tests nothing")
			}
			if got != want {
				t.Errorf("with the shortcut:\n%s\nwithout:\n%s", got, want)
			}
		})
	}
	if n := sc.answered.Load(); n < 10 {
		t.Errorf("the shortcut answered %d requests: it is not in use", n)
	}
}

// TestShortcutPanic checks that a panicking Shortcut costs its connection,
// logged, and nothing else.
func TestShortcutPanic(t *testing.T) {
	var logged syncBuffer
	addr := startH1(t, &docShortcut{doc: []byte("doc")}, &logged)
	if got := rawExchange(t, addr, "GET /doc?panic HTTP/1.1\r\nHost: x\r\n\r\n", "GET"); got != "" {
		t.Errorf("answer to a request whose shortcut panicked: %q", got)
	}
	got := rawExchange(t, addr, "GET /doc HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
	if !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(got, "\r\n\r\ndoc") {
		t.Errorf("after a panic, GET /doc gave %q", got)
	}
	if !strings.Contains(logged.String(), "shortcut boom") {
		t.Errorf("the panic was not logged: %q", logged.String())
	}
	if cl := "Content-Length: " + strconv.Itoa(3) + "\r\n"; !strings.Contains(got, cl) {
		t.Errorf("no %q in %q", cl, got)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestShortcutLargeBody sends a body larger than a loopback socket's
// buffers, so that the first write cannot take it all: the rest goes out
// as the client reads, and the next request is answered after it.
func TestShortcutLargeBody(t *testing.T) {
	doc := bytes.Repeat([]byte("0123456789abcdef"), 1<<19) // 8 MiB
	addr := startH1(t, &docShortcut{doc: doc}, io.Discard)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	io.WriteString(c, "GET /doc HTTP/1.1\r\nHost: x\r\n\r\nGET /doc HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"v1\"\r\n\r\n")
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil || !bytes.Equal(body, doc) {
		t.Fatalf("body: %d bytes, %v; want the %d bytes of the document", len(body), err, len(doc))
	}
	res, err = http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusNotModified {
		t.Fatalf("second answer: %v, %v", res, err)
	}
}
