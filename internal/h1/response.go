package h1

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// bufMax is how much body a response holds before it starts sending: a
// body that fits leaves with its head, with a Content-Length, in one
// write; a longer one without a declared length is chunked.
const bufMax = 32 << 10

// directMin is the size from which a body written whole, in one Write of
// its declared Content-Length, goes out beside the head without a copy.
const directMin = 2 << 10

// sniffLen is how much of a body http.DetectContentType reads.
const sniffLen = 512

// response is the http.ResponseWriter of one request. It follows
// net/http's response in every rule a handler can see: headers as of
// WriteHeader, Content-Length checks, Content-Type sniffing, no body on
// HEAD, 1xx, 204 and 304, Date, Connection: close.
type response struct {
	c       *conn
	req     *http.Request
	now     time.Time
	header  http.Header
	sent    http.Header // the header as of WriteHeader, once changed after it
	status  int
	clen    int64 // declared Content-Length, -1: none
	written int64
	body    *[]byte // pooled buffer of body not yet sent; nil: none taken

	wroteHeader, headSent, chunked, closeAfter, isHead bool
	err                                                error
}

// reset prepares w for req.
func (w *response) reset(c *conn, req *http.Request, now time.Time) {
	// The connection's header map is reused: like the ResponseWriter, it is
	// the handler's only until ServeHTTP returns.
	if c.header == nil {
		c.header = make(http.Header, 8)
	}
	clear(c.header)
	*w = response{c: c, req: req, now: now, header: c.header, clen: -1, isHead: req.Method == http.MethodHead}
}

// release returns the body buffer to the pool.
func (w *response) release() {
	if w.body != nil {
		*w.body = (*w.body)[:0]
		w.c.srv.bufs.Put(w.body)
		w.body = nil
	}
	w.req, w.header, w.sent = nil, nil, nil
}

// Header returns the header map. Once WriteHeader was called, changes no
// longer reach the client, as in net/http.
func (w *response) Header() http.Header {
	if w.wroteHeader && !w.headSent && w.sent == nil {
		w.sent = w.header
		w.header = w.header.Clone()
	}
	return w.header
}

// WriteHeader sends an informational status at once, and records any
// other for the head to come.
func (w *response) WriteHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if w.wroteHeader {
		w.c.srv.logf("http: superfluous response.WriteHeader call")
		return
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		w.informational(code)
		return
	}
	w.wroteHeader, w.status = true, code
	if cl := w.header.Get("Content-Length"); cl != "" {
		v, err := strconv.ParseInt(cl, 10, 64)
		if err == nil && v >= 0 {
			w.clen = v
		} else {
			w.c.srv.logf("http: invalid Content-Length of %q", cl)
			w.header.Del("Content-Length")
		}
	}
}

// informational sends a 1xx head.
func (w *response) informational(code int) {
	if w.err != nil {
		return
	}
	b := appendStatus(w.c.head[:0], code)
	b = appendFields(b, w.header, func(k string) bool { return k == "Content-Length" || k == "Transfer-Encoding" })
	w.c.head = append(b, "\r\n"...)
	_, w.err = w.c.nc.Write(w.c.head)
}

// Write buffers p, or sends it when the buffer is full or p is the whole
// declared body.
func (w *response) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.err != nil {
		return 0, w.err
	}
	w.written += int64(len(p))
	if w.clen >= 0 && w.written > w.clen {
		return 0, http.ErrContentLength
	}
	if w.isHead { // nothing is sent, but the start is kept to sniff the type from
		if w.body == nil {
			w.body = w.c.srv.bufs.Get().(*[]byte)
		}
		if keep := sniffLen - len(*w.body); keep > 0 {
			*w.body = append(*w.body, p[:min(keep, len(p))]...)
		}
		return len(p), nil
	}
	buffered := 0
	if w.body != nil {
		buffered = len(*w.body)
	}
	switch {
	case !w.headSent && buffered == 0 && int64(len(p)) == w.clen && len(p) >= directMin:
		w.send(p, false)
	case buffered+len(p) <= bufMax:
		if w.body == nil {
			w.body = w.c.srv.bufs.Get().(*[]byte)
		}
		*w.body = append(*w.body, p...)
	default:
		w.send(p, false)
	}
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

// Flush sends the head and the buffered body.
func (w *response) Flush() { _ = w.FlushError() }

// FlushError is Flush for http.ResponseController.
func (w *response) FlushError() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.err == nil && (!w.headSent || w.body != nil && len(*w.body) > 0) {
		w.send(nil, false)
	}
	return w.err
}

// SetReadDeadline is for http.ResponseController; the request has no body
// to read, so it bounds nothing but is accepted.
func (w *response) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline is for http.ResponseController.
func (w *response) SetWriteDeadline(t time.Time) error {
	w.c.writeDL = t
	return w.c.nc.SetWriteDeadline(t)
}

// finish sends what the handler left: the head if not yet sent, with a
// Content-Length when the whole body is known, the rest of the body, and
// the last chunk.
func (w *response) finish() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.err != nil {
		return w.err
	}
	if !w.headSent && w.clen < 0 && bodyAllowed(w.status) && (!w.isHead || w.written > 0) {
		w.clen = w.written
		w.header = w.headerToSend()
		w.sent = nil
		w.header["Content-Length"] = []string{strconv.FormatInt(w.written, 10)}
	}
	if !w.headSent || w.chunked || w.body != nil && len(*w.body) > 0 {
		w.send(nil, true)
	}
	if !w.isHead && w.clen >= 0 && w.written != w.clen && bodyAllowed(w.status) {
		w.closeAfter = true // the body is short of its length: the client must see the end
	}
	return w.err
}

// headerToSend returns the header as of WriteHeader.
func (w *response) headerToSend() http.Header {
	if w.sent != nil {
		return w.sent
	}
	return w.header
}

// send writes, in one system call, the head if not sent yet, the buffered
// body and extra, framed as a chunk when chunked, and after them the last
// chunk when last.
func (w *response) send(extra []byte, last bool) {
	if w.err != nil {
		return
	}
	c := w.c
	c.iov = c.iov[:0]
	var body []byte
	if w.body != nil {
		body = *w.body
	}
	if !w.headSent {
		w.headSent = true // whether or not the write succeeds, the head is never sent twice
		c.head = w.appendHead(c.head[:0], body, extra)
		c.iov = append(c.iov, c.head)
	}
	if w.isHead {
		body, extra = nil, nil
	}
	if n := len(body) + len(extra); n > 0 {
		if w.chunked {
			hdr := strconv.AppendInt(c.chunkHdr[:0], int64(n), 16)
			c.iov = append(c.iov, append(hdr, "\r\n"...))
		}
		if len(body) > 0 {
			c.iov = append(c.iov, body)
		}
		if len(extra) > 0 {
			c.iov = append(c.iov, extra)
		}
		if w.chunked {
			c.iov = append(c.iov, crlf)
		}
	}
	if last && w.chunked {
		c.iov = append(c.iov, lastChunk)
	}
	var err error
	switch len(c.iov) {
	case 1:
		err = c.write(c.iov[0], nil)
	case 2:
		err = c.write(c.iov[0], c.iov[1])
	default: // chunks
		_, err = c.iov.WriteTo(c.nc)
	}
	if err != nil {
		w.err = err
	}
	if w.body != nil {
		*w.body = (*w.body)[:0]
	}
}

var (
	crlf      = []byte("\r\n")
	lastChunk = []byte("0\r\n\r\n")
)

// bodyAllowed reports whether a response with status may have a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
