// Package h1 serves HTTP/1.1 for an http.Handler at the cost of a few
// system calls per request. net/http spends most of a small cached
// response's time around the handler: a goroutine that watches the
// connection during every request, the response head and body in two
// writes, deadlines set three times. For the requests a feed service lives
// on (GET or HEAD, no body, a path, plain headers) this server reads the
// head, calls the handler with the *http.Request net/http would have made,
// and sends head and body in one write. The first request of a connection
// that is anything else (another method, a body, HTTP/1.0, a bare LF, a
// head over 4 KB, anything malformed) hands the connection, with the bytes
// already read, to a net/http Server, which serves it from then on.
//
// Two more savings are for the hottest requests. A Shortcut, when set, is
// offered each request before any *http.Request is made, and may answer it
// from what it holds; the server adds Date and Connection as for a
// handler. And a TCP connection is read from its descriptor, as nginx
// reads: a read that returned less than it asked for emptied the socket,
// so the next request is waited for in the poller instead of read for
// with a system call sure to fail, which net.Conn.Read would make after
// every request.
//
// Not provided to handlers: Hijack, trailers, full duplex, and a request
// context canceled when the client goes away mid-request (it is canceled
// when the handler returns).
package h1

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Server serves one listener. Its settings come from the net/http Server
// it is made from, which also serves every connection handed to it.
type Server struct {
	// OnHandoff, if set before Serve, is called for each connection handed
	// to the net/http server.
	OnHandoff func()

	// Shortcut, if set before Serve, is offered every request this server
	// reads before the handler is.
	Shortcut Shortcut

	fallback *http.Server
	handler  http.Handler
	handoff  *handoffListener
	bufs     sync.Pool // *[]byte of capacity bufMax, for bodies

	inShutdown atomic.Bool
	lnClosed   atomic.Bool // Shutdown closed the listener itself
	mu         sync.Mutex
	listener   net.Listener
	conns      map[*conn]struct{}
	served     bool
	acceptDone chan struct{} // closed when Serve returns
}

// New returns a server that answers with hs.Handler under hs's timeouts
// and hands the connections it does not serve to hs. hs must not be
// served elsewhere.
func New(hs *http.Server) *Server {
	h := hs.Handler
	if h == nil {
		h = http.DefaultServeMux
	}
	s := &Server{
		fallback: hs,
		handler:  h,
		handoff:  newHandoffListener(),
		conns:    make(map[*conn]struct{}),

		acceptDone: make(chan struct{}),
	}
	s.bufs.New = func() any {
		b := make([]byte, 0, bufMax)
		return &b
	}
	return s
}

// Serve accepts connections on ln until Shutdown, and returns
// http.ErrServerClosed then, or the listener's error.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.inShutdown.Load() || s.served {
		s.mu.Unlock()
		ln.Close()
		return http.ErrServerClosed
	}
	s.listener, s.served = ln, true
	s.handoff.addr = ln.Addr()
	s.mu.Unlock()
	go s.fallback.Serve(s.handoff) // returns when Shutdown closes it

	base := context.Background()
	if s.fallback.BaseContext != nil {
		base = s.fallback.BaseContext(ln)
	}
	base = context.WithValue(base, http.ServerContextKey, s.fallback)
	defer close(s.acceptDone)
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if acceptHook != nil {
			acceptHook()
		}
		if s.inShutdown.Load() {
			if err == nil {
				s.start(nc, base)
			}
			s.drain(ln, base)
			if !s.lnClosed.Load() {
				ln.Close()
			}
			return http.ErrServerClosed
		}
		if err != nil {
			if ne, ok := err.(interface{ Temporary() bool }); ok && ne.Temporary() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.logf("h1: accept error: %v; retrying in %v", err, delay)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.start(nc, base)
	}
}

// start serves a connection just accepted.
func (s *Server) start(nc net.Conn, base context.Context) {
	c := newConn(s, nc, base)
	s.track(c)
	go c.serve()
}

// acceptHook, when set by a test, runs after every Accept returns.
var acceptHook func()

// maxDrain bounds the connections drain takes.
const maxDrain = 4096

// drain serves the connections the kernel has completed but Serve has not
// accepted yet. Closing a listener resets them, and their clients, which
// may have sent a request already, would read a reset; net/http's Shutdown
// does just that. The accept queue is read without the poller, whose
// deadline has passed: a listener's descriptor is non-blocking.
func (s *Server) drain(ln net.Listener, base context.Context) {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	var fds []int
	rc.Control(func(fd uintptr) {
		for len(fds) < maxDrain {
			nfd, _, err := syscall.Accept4(int(fd), syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
			switch err {
			case nil:
				fds = append(fds, nfd)
			case syscall.EINTR, syscall.ECONNABORTED:
			default: // EAGAIN: the queue is empty
				return
			}
		}
	})
	for _, fd := range fds {
		f := os.NewFile(uintptr(fd), "")
		nc, err := net.FileConn(f) // a duplicate, registered with the poller
		f.Close()
		if err != nil {
			s.logf("h1: shutdown: %v", err)
			continue
		}
		if tc, ok := nc.(*net.TCPConn); ok {
			tc.SetNoDelay(true) // as net.Listener's Accept does
		}
		s.start(nc, base)
	}
}

// Shutdown stops accepting, closes idle connections, and waits for the
// others to finish their request, for at most ctx's life; the fallback
// server shuts down alongside.
func (s *Server) Shutdown(ctx context.Context) error {
	s.inShutdown.Store(true)
	s.mu.Lock()
	var lnErr error
	ln, served := s.listener, s.served
	s.mu.Unlock()
	if ln != nil {
		// Serve is woken from Accept, takes what the kernel has queued, and
		// closes the listener; a listener without deadlines is closed here.
		if dl, ok := ln.(interface{ SetDeadline(time.Time) error }); !ok || dl.SetDeadline(time.Now()) != nil {
			s.lnClosed.Store(true)
			lnErr = ln.Close()
		}
	}
	fallbackErr := make(chan error, 1)
	go func() { fallbackErr <- s.fallback.Shutdown(ctx) }()
	if served {
		select { // every connection Serve accepted is tracked before the count
		case <-s.acceptDone:
		case <-ctx.Done():
			return ctx.Err()
		}
	}

	tick := time.Millisecond
	timer := time.NewTimer(tick)
	defer timer.Stop()
	for !s.closeIdle() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			tick = min(2*tick, 100*time.Millisecond)
			timer.Reset(tick)
		}
	}
	if err := <-fallbackErr; err != nil {
		return err
	}
	if errors.Is(lnErr, net.ErrClosed) {
		lnErr = nil
	}
	return lnErr
}

// track remembers c until forget. A connection accepted while Shutdown
// closes the listener is served like the others, as net/http does: its
// client may have sent its request already, and closing the connection
// unread would answer it with a reset.
func (s *Server) track(c *conn) {
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
}

// forget drops c from the connections Shutdown waits for.
func (s *Server) forget(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// closeIdle closes every connection waiting for a request, and reports
// whether none is left. As in net/http, a new connection that has sent
// nothing for 5 s counts as idle.
func (s *Server) closeIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		switch c.state.Load() {
		case stateIdle:
		case stateNew:
			if time.Since(c.accepted) < 5*time.Second {
				continue
			}
		default:
			continue
		}
		c.nc.Close()
		delete(s.conns, c)
	}
	return len(s.conns) == 0
}

// logf reports a problem through the fallback server's error log.
func (s *Server) logf(format string, args ...any) {
	if s.fallback.ErrorLog != nil {
		s.fallback.ErrorLog.Printf(format, args...)
	}
}
