package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/httpx"
)

// document describes one servable document before its bytes exist: enough
// to answer a conditional request, and how to make the bytes on a miss.
type document struct {
	validator   string    // strong validator of the identity bytes
	contentType string    // full Content-Type value
	modTime     time.Time // Last-Modified; zero when unknown
	format      string    // metrics label: rss, atom, json, opml, html
	links       []string  // Link header values, if any
	render      func(w io.Writer) error

	// Precomputed by prepare for documents served many times.
	lastModified []string
	keys         [httpx.NumCodings]string
	lengths      *[httpx.NumCodings]atomic.Pointer[contentLength]
}

// contentLength is a Content-Length header value and the length it gives.
type contentLength struct {
	n int
	v []string
}

// prepare computes once what every response for d would compute again.
func (d *document) prepare() {
	if !d.modTime.IsZero() {
		d.lastModified = []string{d.modTime.UTC().Format(http.TimeFormat)}
	}
	for c := range httpx.NumCodings {
		d.keys[c] = cacheKey(d, c)
	}
	d.lengths = new([httpx.NumCodings]atomic.Pointer[contentLength])
}

// contentLength returns the Content-Length header value of a body of n
// bytes, d in coding c: a prepared document keeps the last one made.
func (d *document) contentLength(c httpx.Coding, n int) []string {
	if d.lengths == nil {
		return []string{strconv.Itoa(n)}
	}
	if l := d.lengths[c].Load(); l != nil && l.n == n {
		return l.v
	}
	l := &contentLength{n, []string{strconv.Itoa(n)}}
	d.lengths[c].Store(l)
	return l.v
}

// etags holds the ETag header values of a document, one per coding.
type etags [httpx.NumCodings][]string

// newETags builds the quoted strong ETags of every coding of a validator.
func newETags(validator string) etags {
	var e etags
	for c := range httpx.NumCodings {
		tag := `"` + validator + `"`
		if c != httpx.Identity {
			tag = `"` + validator + "-" + c.String() + `"`
		}
		e[c] = []string{tag}
	}
	return e
}

// cacheKey is the cache key of one coding of a document. New content means a
// new validator and so new keys: nothing is ever invalidated.
func cacheKey(d *document, c httpx.Coding) string {
	return "feedwire:v1:" + d.validator + ":" + d.format + ":" + c.String()
}

// fetch returns the bytes of d in coding c, from the cache or made once.
// Compressed variants are made from the cached identity bytes.
func (s *Server) fetch(ctx context.Context, d *document, c httpx.Coding) ([]byte, error) {
	key := d.keys[c]
	if key == "" {
		key = cacheKey(d, c)
	}
	if b, ok := s.cache.Cached(key); ok {
		return b, nil // the common case, without making the fill function
	}
	return s.cache.Fetch(ctx, key, func(ctx context.Context) ([]byte, error) {
		if c == httpx.Identity {
			start := time.Now()
			var buf bytes.Buffer
			if err := d.render(&buf); err != nil {
				return nil, err
			}
			s.observeRender(d.format, time.Since(start))
			return buf.Bytes(), nil
		}
		plain, err := s.fetch(ctx, d, httpx.Identity)
		if err != nil {
			return nil, err
		}
		return compress(plain, c)
	})
}

// compress encodes b in coding c.
func compress(b []byte, c httpx.Coding) ([]byte, error) {
	var buf bytes.Buffer
	var w io.WriteCloser
	switch c {
	case httpx.Gzip:
		zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		w = zw
	case httpx.Brotli:
		w = brotli.NewWriterLevel(&buf, 5)
	default:
		return b, nil
	}
	if _, err := w.Write(b); err != nil {
		return nil, fmt.Errorf("compress %s: %w", c, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compress %s: %w", c, err)
	}
	return buf.Bytes(), nil
}

// serveDocument answers a GET or HEAD for d: conditional requests from the
// validator alone, without touching any cache; otherwise the bytes in the
// negotiated coding, with their length. The body is written with one Write:
// http.ServeContent would copy it through io.CopyN, which allocates a 32 KB
// buffer for every response that is not a file and halved throughput.
func (s *Server) serveDocument(w http.ResponseWriter, r *http.Request, d *document, tags *etags, cacheControl []string) {
	c := httpx.Negotiate(r.Header)
	switch httpx.Evaluate(r.Header, tags[c][0], d.modTime) {
	case httpx.NotModified:
		writeHead(w, http.StatusNotModified, d, c, tags[c], cacheControl, varyAcceptEncoding, 0)
		return
	case httpx.Failed:
		httpError(w, http.StatusPreconditionFailed, "precondition failed")
		return
	}
	body, err := s.fetch(r.Context(), d, c)
	if err != nil {
		s.documentFailed(w, r, d, err)
		return
	}
	writeHead(w, http.StatusOK, d, c, tags[c], cacheControl, varyAcceptEncoding, len(body))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// writeHead writes the response head of every answer that carries a
// document: a 200, a 304 or an RFC 3229 226, whose body of n bytes is d in
// coding c (none for a 304). It is the one place these fields are set.
func writeHead(w http.ResponseWriter, code int, d *document, c httpx.Coding, etag, cacheControl, vary []string, n int) {
	h := w.Header()
	h["Etag"] = etag
	h["Cache-Control"] = cacheControl
	h["Vary"] = vary
	if d.links != nil {
		h["Link"] = d.links
	}
	if code == http.StatusIMUsed {
		h["Im"] = imFeed
	}
	if code != http.StatusNotModified {
		h["Content-Type"] = headerValue(d.contentType)
		if c != httpx.Identity {
			h["Content-Encoding"] = codingHeader[c]
		}
		if d.lastModified != nil {
			h["Last-Modified"] = d.lastModified
		} else if !d.modTime.IsZero() {
			h["Last-Modified"] = []string{d.modTime.UTC().Format(http.TimeFormat)}
		}
		h["Content-Length"] = d.contentLength(c, n)
	}
	w.WriteHeader(code)
}

// codingHeader holds the Content-Encoding value of each coding.
var codingHeader = [httpx.NumCodings][]string{nil, {"gzip"}, {"br"}}

// headerValue returns a header value slice for the content types feedwire
// serves, shared rather than allocated per response.
func headerValue(v string) []string {
	for _, known := range knownContentTypes {
		if known[0] == v {
			return known
		}
	}
	return []string{v}
}

var knownContentTypes = func() [][]string {
	var out [][]string
	for _, f := range formats {
		out = append(out, []string{f.ContentType()})
	}
	return append(out, []string{"text/x-opml; charset=utf-8"}, []string{"text/html; charset=utf-8"})
}()

// documentFailed answers a request whose document could not be made. A post
// that changed on disk since the snapshot was loaded means a reload is due:
// the client is asked to come back shortly. Nothing internal reaches the
// client.
func (s *Server) documentFailed(w http.ResponseWriter, r *http.Request, d *document, err error) {
	switch {
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		return // the client went away
	case errors.Is(err, feed.ErrChanged), errors.Is(err, fs.ErrNotExist):
		s.staleSnapshot()
		if sw, ok := w.(*staleWriter); ok {
			sw.stale = true // answered from the next snapshot
			return
		}
		s.log.Warn("posts changed under the snapshot and the reload did not come in time", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "1")
		httpError(w, http.StatusServiceUnavailable, "feed is being updated; retry shortly")
	case errors.Is(err, context.DeadlineExceeded):
		s.log.Error("document render timed out", "path", r.URL.Path, "format", d.format, "err", err)
		w.Header().Set("Retry-After", "5")
		httpError(w, http.StatusServiceUnavailable, "feed temporarily unavailable")
	default:
		s.log.Error("document unavailable", "path", r.URL.Path, "format", d.format, "err", err)
		httpError(w, http.StatusInternalServerError, "internal error")
	}
}

// varyAcceptEncoding is the Vary header of every document response.
var varyAcceptEncoding = []string{"Accept-Encoding"}
