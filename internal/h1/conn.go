package h1

import (
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
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
	started  time.Time   // when the head being read began
	readDL   time.Time   // the read deadline set, zero: none
	idleDL   bool        // readDL is an idle deadline
	writeDL  time.Time   // the write deadline set
	res      response    // reused for every request
	header   http.Header // the response header map, reused for every request
	head     []byte      // the response head being written
	date     []byte      // Date header value of dateSec
	dateSec  int64
	chunkHdr [20]byte
	iov      net.Buffers
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
	}
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
	for {
		n, err := c.readHead()
		if err != nil {
			if errors.Is(err, errForFallback) {
				c.handOff()
			}
			return
		}
		ctx, cancel := context.WithCancel(c.ctx)
		req, ok := parseRequest(ctx, c.buf[:n])
		if !ok {
			cancel()
			c.handOff()
			return
		}
		req.RemoteAddr = c.remote
		keep := c.serveRequest(req, cancel)
		c.buf = c.buf[:copy(c.buf, c.buf[n:])]
		c.scanned = 0
		if !keep || c.srv.inShutdown.Load() {
			return
		}
		c.state.Store(stateIdle)
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
		m, err := c.nc.Read(c.buf[len(c.buf):cap(c.buf)])
		if m == 0 {
			if err == nil {
				continue
			}
			return 0, err
		}
		if len(c.buf) == 0 && c.state.Load() != stateNew {
			c.started = time.Now()
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
	want := time.Now().Add(idle)
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
