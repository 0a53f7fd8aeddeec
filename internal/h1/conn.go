package h1

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// Connection states, for Shutdown.
const (
	stateNew    int32 = iota // accepted, no request yet
	stateActive              // reading a request or answering it
	stateIdle                // waiting for the next request
)

// readBufSize bounds the request heads this package reads; a longer head
// goes to net/http with the connection.
const readBufSize = 4 << 10

// deadlineSlack is how far a deadline may lag the ideal one before it is
// moved: each move is a timer update, and keep-alive connections would
// otherwise move theirs on every request.
const deadlineSlack = time.Second

// errForFallback reports a request net/http must judge.
var errForFallback = errors.New("h1: request for net/http")

// errWait reports that the socket has nothing to read yet.
var errWait = errors.New("h1: wait for readability")

// conn is one client connection.
type conn struct {
	srv       *Server
	nc        net.Conn
	ctx       context.Context
	remote    string
	accepted  time.Time
	state     atomic.Int32
	handedOff bool

	buf      []byte      // bytes read and not yet used
	scanned  int         // the head in buf has no blank line before this
	started  time.Time   // when the head being read began, for its deadline
	received time.Time   // when the first bytes of the head being read came
	quick    bool        // the last request was answered by the Shortcut
	readDL   time.Time   // the read deadline set, zero: none
	idleDL   bool        // readDL is an idle deadline
	writeDL  time.Time   // the write deadline set
	req      Request     // reused for every request
	res      response    // reused for every request
	reply    Reply       // reused for every request a Shortcut answers
	header   http.Header // the response header map, reused for every request
	head     []byte      // the response head being written
	date     []byte      // Date header value of dateSec
	dateSec  int64
	chunkHdr [20]byte
	iov      net.Buffers

	raw     syscall.RawConn // nil: read through nc
	fd      int             // the descriptor, inside raw.Read
	drained bool            // the last read emptied the socket
}

func newConn(s *Server, nc net.Conn, base context.Context) *conn {
	ctx := context.WithValue(base, http.LocalAddrContextKey, nc.LocalAddr())
	if s.fallback.ConnContext != nil {
		ctx = s.fallback.ConnContext(ctx, nc)
	}
	now := time.Now()
	return &conn{
		srv:      s,
		nc:       nc,
		ctx:      ctx,
		remote:   nc.RemoteAddr().String(),
		accepted: now,
		started:  now,
		buf:      make([]byte, 0, readBufSize),
		raw:      rawConn(nc),
		fd:       -1,
	}
}

// rawConn returns the descriptor access of a TCP connection, nil for any
// other kind, which is read through its Read method.
func rawConn(nc net.Conn) syscall.RawConn {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// serve answers the connection's requests until it closes, fails, asks to
// close, or holds a request for net/http.
func (c *conn) serve() {
	defer func() {
		if p := recover(); p != nil { // a fault of this package: lose the connection, not the process
			c.logPanic("h1", p)
		}
		if !c.handedOff {
			c.nc.Close()
		}
		c.srv.forget(c)
	}()
	if c.raw == nil {
		c.run()
		return
	}
	// The loop runs inside one RawRead so that the poller's readiness is
	// kept from one request to the next: see read.
	// The descriptor is used only inside it.
	c.raw.Read(func(fd uintptr) bool { // an error: closed, timed out, or the poller's
		c.fd = int(fd)
		done := c.run()
		c.fd = -1
		return done
	})
}

// run answers requests until the connection is done, and returns true
// then; or returns false when it must wait for the socket to become
// readable, to be called again once it is.
func (c *conn) run() bool {
	for {
		n, err := c.readHead()
		if err == errWait {
			return false
		}
		if err != nil {
			if errors.Is(err, errForFallback) {
				c.handOff()
			}
			return true
		}
		if !scanRequest(c.buf[:n], &c.req) {
			c.handOff()
			return true
		}
		c.req.Received = c.received
		answered, keep := false, true
		if c.srv.Shortcut != nil {
			answered, keep = c.shortcut(&c.req)
		}
		c.quick = answered
		if !answered {
			ctx, cancel := context.WithCancel(c.ctx)
			req := c.req.httpRequest(ctx)
			req.RemoteAddr = c.remote
			keep = c.serveRequest(req, cancel)
		}
		c.buf = c.buf[:copy(c.buf, c.buf[n:])]
		c.scanned = 0
		if !keep || c.srv.inShutdown.Load() {
			return true
		}
		c.state.Store(stateIdle)
	}
}

// read reads into p. On a connection with a raw descriptor it reads the
// socket itself, as nginx does: a read that returned less than it asked
// for emptied the socket, so the next one waits for the poller rather
// than make a system call sure to fail with EAGAIN, which net.Conn.Read
// would make after every request. errWait asks the caller to return to
// RawRead, which waits for readability; deadlines and Close end that wait.
func (c *conn) read(p []byte) (int, error) {
	if c.raw == nil {
		return c.nc.Read(p)
	}
	if c.drained {
		c.drained = false
		return 0, errWait
	}
	for {
		n, err := rawRead(c.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return 0, errWait
		case err != nil:
			return 0, os.NewSyscallError("read", err)
		case n == 0:
			return 0, io.EOF
		}
		c.drained = n < len(p)
		return n, nil
	}
}

// readHead reads until buf holds a whole request head and returns its
// length.
func (c *conn) readHead() (int, error) {
	for {
		n, st := scanHead(c.buf, &c.scanned)
		switch {
		case st == headDone:
			c.state.Store(stateActive)
			return n, nil
		case st == headOdd, len(c.buf) == cap(c.buf):
			return 0, errForFallback
		}
		if err := c.setReadDeadline(); err != nil {
			return 0, err
		}
		m, err := c.read(c.buf[len(c.buf):cap(c.buf)])
		if m == 0 {
			if err == nil {
				continue
			}
			return 0, err
		}
		if len(c.buf) == 0 {
			c.received = time.Now()
			if c.state.Load() != stateNew {
				c.started = c.received
			}
		}
		c.buf = c.buf[:len(c.buf)+m]
		c.state.Store(stateActive)
		// An error with data (EOF after a last request) comes back on the next read.
	}
}

// setReadDeadline bounds the wait for the next bytes: ReadHeaderTimeout
// from the start of a head (or of the connection, for its first request),
// IdleTimeout between requests; as net/http, ReadTimeout stands in for
// either when it is zero.
func (c *conn) setReadDeadline() error {
	hs := c.srv.fallback
	headTimeout := hs.ReadHeaderTimeout
	if headTimeout <= 0 {
		headTimeout = hs.ReadTimeout
	}
	if len(c.buf) > 0 || c.state.Load() == stateNew {
		if headTimeout <= 0 {
			return nil
		}
		want := c.started.Add(headTimeout)
		if c.idleDL || !want.Equal(c.readDL) {
			c.readDL, c.idleDL = want, false
			return c.nc.SetReadDeadline(want)
		}
		return nil
	}
	idle := hs.IdleTimeout
	if idle <= 0 {
		idle = hs.ReadTimeout
	}
	if idle <= 0 {
		if c.readDL.IsZero() {
			return nil
		}
		c.readDL = time.Time{}
		return c.nc.SetReadDeadline(time.Time{})
	}
	// After a request the Shortcut answered, microseconds after its head
	// came, that time is now to within the slack, without reading the clock.
	now := c.received
	if !c.quick {
		now = time.Now()
	}
	want := now.Add(idle)
	if c.idleDL && want.Sub(c.readDL) < deadlineSlack {
		return nil
	}
	c.readDL, c.idleDL = want, true
	return c.nc.SetReadDeadline(want)
}

// setWriteDeadline bounds the writing of the response about to be made.
func (c *conn) setWriteDeadline(now time.Time) error {
	d := c.srv.fallback.WriteTimeout
	if d <= 0 {
		return nil
	}
	want := now.Add(d)
	if want.Sub(c.writeDL) < deadlineSlack {
		return nil
	}
	c.writeDL = want
	return c.nc.SetWriteDeadline(want)
}

// serveRequest runs the handler and sends its response, and reports
// whether the connection may carry another request.
func (c *conn) serveRequest(req *http.Request, cancel context.CancelFunc) bool {
	defer cancel()
	now := time.Now()
	if err := c.setWriteDeadline(now); err != nil {
		return false
	}
	w := &c.res
	w.reset(c, req, now)
	defer w.release()
	if !c.callHandler(w, req) {
		return false
	}
	return w.finish() == nil && !w.closeAfter
}

// callHandler runs the handler, and reports false when it panicked: as in
// net/http the panic is logged, unless it is http.ErrAbortHandler, and the
// connection is closed.
func (c *conn) callHandler(w *response, req *http.Request) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			ok = false
			if p != http.ErrAbortHandler {
				c.logPanic("http", p)
			}
		}
	}()
	c.srv.handler.ServeHTTP(w, req)
	return true
}

// logPanic logs a recovered panic with the stack, as net/http does, under
// prefix: "http" for a handler's, "h1" for this package's own.
func (c *conn) logPanic(prefix string, p any) {
	stack := make([]byte, 64<<10)
	stack = stack[:runtime.Stack(stack, false)]
	c.srv.logf("%s: panic serving %v: %v\n%s", prefix, c.remote, p, stack)
}

// handOff gives the connection and the bytes read from it to net/http.
func (c *conn) handOff() {
	if c.nc.SetDeadline(time.Time{}) != nil {
		return
	}
	pending := c.buf
	c.buf = nil
	if c.srv.handoff.deliver(&replayConn{Conn: c.nc, pending: pending}) {
		c.handedOff = true
		if c.srv.OnHandoff != nil {
			c.srv.OnHandoff()
		}
	}
}

// dateValue returns the Date header value for now, formatted once a second.
func (c *conn) dateValue(now time.Time) []byte {
	if sec := now.Unix(); sec != c.dateSec || c.date == nil {
		c.date = now.UTC().AppendFormat(c.date[:0], http.TimeFormat)
		c.dateSec = sec
	}
	return c.date
}
