package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/feedwire/feedwire/feed"
)

// docCache is what the server needs of the document cache: bytes by key,
// filled at most once per key at a time.
type docCache interface {
	Fetch(ctx context.Context, key string, fill func(context.Context) ([]byte, error)) ([]byte, error)
}

// document describes one servable document before its bytes exist: enough
// to answer a conditional request, and how to make the bytes on a miss.
type document struct {
	validator   string    // strong validator of the identity bytes
	contentType string    // full Content-Type value
	modTime     time.Time // Last-Modified; zero when unknown
	format      string    // metrics label: rss, atom, json, opml, html
	links       []string  // Link header values, if any
	render      func(w io.Writer) error
}

// etags holds the ETag header values of a document, one per coding.
type etags [numCodings][]string

// newETags builds the quoted strong ETags of every coding of a validator.
func newETags(validator string) etags {
	var e etags
	for c := range numCodings {
		tag := `"` + validator + `"`
		if c != identity {
			tag = `"` + validator + "-" + c.String() + `"`
		}
		e[c] = []string{tag}
	}
	return e
}

// cacheKey is the cache key of one coding of a document. New content means a
// new validator and so new keys: nothing is ever invalidated.
func cacheKey(d *document, c coding) string {
	return "feedwire:v1:" + d.validator + ":" + d.format + ":" + c.String()
}

// fetch returns the bytes of d in coding c, from the cache or made once.
// Compressed variants are made from the cached identity bytes.
func (s *server) fetch(ctx context.Context, d *document, c coding) ([]byte, error) {
	return s.cache.Fetch(ctx, cacheKey(d, c), func(ctx context.Context) ([]byte, error) {
		if c == identity {
			start := time.Now()
			var buf bytes.Buffer
			if err := d.render(&buf); err != nil {
				return nil, err
			}
			s.observeRender(d.format, time.Since(start))
			return buf.Bytes(), nil
		}
		plain, err := s.fetch(ctx, d, identity)
		if err != nil {
			return nil, err
		}
		return compress(plain, c)
	})
}

// compress encodes b in coding c.
func compress(b []byte, c coding) ([]byte, error) {
	var buf bytes.Buffer
	var w io.WriteCloser
	switch c {
	case gzipCoding:
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		w = zw
	case brCoding:
		w = brotli.NewWriterLevel(&buf, 6)
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
// validator alone, otherwise the bytes in the negotiated coding.
func (s *server) serveDocument(w http.ResponseWriter, r *http.Request, d *document, tags *etags, cacheControl []string) {
	c := negotiate(r.Header.Get("Accept-Encoding"))
	h := w.Header()
	h["Etag"] = tags[c]
	h["Cache-Control"] = cacheControl
	h["Vary"] = varyAcceptEncoding
	h["Content-Type"] = []string{d.contentType}
	if c != identity {
		h["Content-Encoding"] = []string{c.String()}
	}
	if d.links != nil {
		h["Link"] = d.links
	}
	content := &lazyContent{fetch: func() ([]byte, error) {
		ctx, cancel := context.WithTimeout(r.Context(), s.renderTimeout)
		defer cancel()
		return s.fetch(ctx, d, c)
	}}
	http.ServeContent(&contentErrorWriter{ResponseWriter: w, content: content}, r, "", d.modTime, content)
	if content.err != nil {
		s.documentFailed(w, r, d, content.err)
	}
}

// documentFailed answers a request whose document could not be made. A post
// that changed on disk since the snapshot was loaded means a reload is due:
// the client is asked to come back shortly. Nothing internal reaches the
// client.
func (s *server) documentFailed(w http.ResponseWriter, r *http.Request, d *document, err error) {
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

// contentErrorWriter discards what http.ServeContent writes when the content
// could not be fetched, so that the caller can answer with its own status.
type contentErrorWriter struct {
	http.ResponseWriter
	content *lazyContent
}

func (w *contentErrorWriter) WriteHeader(code int) {
	if w.content.err == nil {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *contentErrorWriter) Write(p []byte) (int, error) {
	if w.content.err != nil {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap gives http.ResponseController the writer below.
func (w *contentErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// varyAcceptEncoding is the Vary header of every document response.
var varyAcceptEncoding = []string{"Accept-Encoding"}

// lazyContent is an io.ReadSeeker that fetches its bytes on first use, so
// that http.ServeContent can answer conditional requests without them.
type lazyContent struct {
	fetch func() ([]byte, error)
	r     *bytes.Reader
	err   error
}

func (l *lazyContent) load() error {
	if l.r == nil && l.err == nil {
		b, err := l.fetch()
		if err != nil {
			l.err = err
		} else {
			l.r = bytes.NewReader(b)
		}
	}
	return l.err
}

// Read implements io.Reader.
func (l *lazyContent) Read(p []byte) (int, error) {
	if err := l.load(); err != nil {
		return 0, err
	}
	return l.r.Read(p)
}

// Seek implements io.Seeker.
func (l *lazyContent) Seek(offset int64, whence int) (int64, error) {
	if err := l.load(); err != nil {
		return 0, err
	}
	return l.r.Seek(offset, whence)
}
