package h1

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// start serves h on a loopback port with the given timeouts and returns
// the server, its address, and the channel Serve's result arrives on.
func start(t *testing.T, h http.Handler, hs *http.Server) (*Server, string, <-chan error) {
	t.Helper()
	hs.Handler = h
	hs.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(hs)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	return s, ln.Addr().String(), done
}

// dial connects to addr with a deadline that ends a stuck test.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByServer reports whether the server has closed c: a read returns
// EOF or a reset, not data and not the test's deadline.
func closedByServer(c net.Conn) bool {
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

func TestShutdownWaitsForInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
		io.WriteString(w, "done "+r.URL.Path)
	})
	s, addr, served := start(t, h, &http.Server{})

	idle := dial(t, addr) // one answered request, then idle
	io.WriteString(idle, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
	idleR := bufio.NewReader(idle)
	if res, err := http.ReadResponse(idleR, nil); err != nil || res.StatusCode != 200 {
		t.Fatalf("first request: %v", err)
	} else {
		io.Copy(io.Discard, res.Body)
	}
	handed := dial(t, addr) // served by net/http, idle
	io.WriteString(handed, "GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	if res, err := http.ReadResponse(bufio.NewReader(handed), nil); err != nil || res.StatusCode != 200 {
		t.Fatalf("handed-off request: %v", err)
	} else {
		io.Copy(io.Discard, res.Body)
	}

	busy := dial(t, addr)
	io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	<-entered
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- s.Shutdown(ctx)
	}()
	if !closedByServer(idle) {
		t.Error("idle connection not closed by Shutdown")
	}
	if !closedByServer(handed) {
		t.Error("handed-off idle connection not closed by Shutdown")
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a request in flight", err)
	default:
	}
	close(release)
	res, err := http.ReadResponse(bufio.NewReader(busy), nil)
	if err != nil {
		t.Fatalf("in-flight request lost: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	if string(body) != "done /slow" || !res.Close {
		t.Errorf("in-flight answer %q, Connection: close %v", body, res.Close)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("still accepting after Shutdown")
	}
}

func TestShutdownDeadline(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
	})
	s, addr, _ := start(t, h, &http.Server{})
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a stuck handler = %v, want the context's error", err)
	}
}

func TestTimeouts(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	_, addr, _ := start(t, h, &http.Server{ReadHeaderTimeout: 200 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})

	t.Run("slow head", func(t *testing.T) {
		c := dial(t, addr)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost:")
		began := time.Now()
		if !closedByServer(c) {
			t.Fatal("a head never finished kept the connection open")
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Errorf("closed after %v, ReadHeaderTimeout is 200ms", d)
		}
	})
	t.Run("silent", func(t *testing.T) {
		c := dial(t, addr)
		if !closedByServer(c) {
			t.Fatal("a connection that sent nothing was kept open")
		}
	})
	t.Run("idle", func(t *testing.T) {
		c := dial(t, addr)
		r := bufio.NewReader(c)
		for range 3 { // answered while it keeps asking
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			res, err := http.ReadResponse(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
		}
		if !closedByServer(c) {
			t.Fatal("an idle connection was kept open")
		}
	})
}

// TestHandOffKeepsBytes checks that a connection handed to net/http in the
// middle of pipelined requests loses none of them.
func TestHandOffKeepsBytes(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+r.URL.Path+" "+string(body))
	})
	_, addr, _ := start(t, h, &http.Server{})
	c := dial(t, addr)
	raw := "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
		"GET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
	io.WriteString(c, raw)
	r := bufio.NewReader(c)
	var got []string
	for range 3 {
		res, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		got = append(got, string(b))
	}
	if want := "GET /1 |POST /2 hello|GET /3 "; strings.Join(got, "|") != want {
		t.Errorf("answers %q, want %q", strings.Join(got, "|"), want)
	}
}

// gateListener yields the connections sent on conns; Close first runs
// onClose, then makes Accept fail.
type gateListener struct {
	net.Listener
	conns     chan net.Conn
	closed    chan struct{}
	onClose   func()
	accepting chan struct{} // receives each time Accept is entered
}

func (l *gateListener) Accept() (net.Conn, error) {
	select {
	case l.accepting <- struct{}{}:
	default:
	}
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *gateListener) Close() error {
	l.onClose()
	close(l.closed)
	return l.Listener.Close()
}

// TestAcceptedDuringShutdownServed checks that a connection accepted while
// Shutdown closes the listener gets its answer, not a reset.
func TestAcceptedDuringShutdownServed(t *testing.T) {
	real, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	client := dial(t, real.Addr().String())
	server, err := real.Accept()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(client, "GET /late HTTP/1.1\r\nHost: x\r\n\r\n")

	gl := &gateListener{Listener: real, conns: make(chan net.Conn), closed: make(chan struct{}), accepting: make(chan struct{}, 1)}
	gl.onClose = func() { gl.conns <- server } // accepted after Shutdown began
	hs := &http.Server{ErrorLog: log.New(io.Discard, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "served "+r.URL.Path)
	})}
	s := New(hs)
	served := make(chan error, 1)
	go func() { served <- s.Serve(gl) }()
	<-gl.accepting // Serve is waiting in Accept
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(client), nil)
	if err != nil {
		t.Fatalf("request on a connection accepted during Shutdown: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	if string(body) != "served /late" || !res.Close {
		t.Errorf("answer %q, Connection: close %v", body, res.Close)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
}

// TestShutdownServesQueuedConnections holds Serve after its first Accept
// while more clients connect and send their requests, then shuts down: the
// connections the kernel queued are served, not reset by the listener's
// close, and each answer says the connection closes.
func TestShutdownServesQueuedConnections(t *testing.T) {
	accepted, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	acceptHook = func() { once.Do(func() { close(accepted); <-release }) }
	s, addr, done := start(t, testHandler(), &http.Server{})
	defer func() {
		<-done
		acceptHook = nil
	}()
	req := "GET /small HTTP/1.1\r\nHost: x\r\n\r\n"
	conns := []net.Conn{dial(t, addr)}
	io.WriteString(conns[0], req)
	<-accepted // Serve holds the first connection; the next ones queue
	for range 8 {
		c := dial(t, addr)
		io.WriteString(c, req)
		conns = append(conns, c)
	}
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- s.Shutdown(ctx)
	}()
	for !s.inShutdown.Load() {
		runtime.Gosched()
	}
	close(release)
	for i, c := range conns {
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || string(body) != "hello" || !res.Close {
			t.Errorf("connection %d: %d %q, close %v", i, res.StatusCode, body, res.Close)
		}
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the listener still accepts after Shutdown")
	}
}
