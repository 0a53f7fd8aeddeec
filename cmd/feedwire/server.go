package main

import (
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/feedwire/feedwire/feed"
)

// maxURLBytes bounds the request target; longer ones get 414.
const maxURLBytes = 2048

// server answers HTTP requests from the current snapshot.
type server struct {
	log           *slog.Logger
	cache         docCache
	state         atomic.Pointer[state]
	feedLimit     int
	maxLimit      int
	cacheControl  []string
	observeRender func(format string, d time.Duration)
	metrics       http.Handler // nil when /metrics is served elsewhere
	stats         http.Handler // GET /stats.json; nil: not served
	instrument    func(pattern string, h http.Handler) http.Handler
	outer         func(http.Handler) http.Handler
	stale         chan struct{} // signalled when a post changed under the snapshot
	hubLink       string        // Link header value naming the WebSub hub, if any
	pages         *pages        // the HTML discovery pages
	deltas        *deltaStore   // earlier feed versions, for RFC 3229 deltas; nil: none
}

// serverOptions are the settings newServer needs.
type serverOptions struct {
	FeedLimit     int
	MaxLimit      int
	MaxAge        int
	ObserveRender func(format string, d time.Duration)
	Metrics       http.Handler
	Stats         http.Handler                                      // GET /stats.json; nil: not served
	Instrument    func(pattern string, h http.Handler) http.Handler // wraps each route
	Outer         func(http.Handler) http.Handler                   // wraps the whole mux
	Subscribers   subscriberFunc                                    // per-feed counts on the HTML pages; nil: not shown
	WebSubHub     string                                            // announced in Link headers
}

// newServer returns a server with no snapshot yet: it is live but not ready.
func newServer(log *slog.Logger, cache docCache, o serverOptions) *server {
	s := &server{
		log:       log,
		cache:     cache,
		feedLimit: o.FeedLimit,
		maxLimit:  o.MaxLimit,
		cacheControl: []string{"public, max-age=" + strconv.Itoa(o.MaxAge) +
			", stale-while-revalidate=" + strconv.Itoa(o.MaxAge)},
		observeRender: o.ObserveRender,
		metrics:       o.Metrics,
		stats:         o.Stats,
		instrument:    o.Instrument,
		outer:         o.Outer,
		stale:         make(chan struct{}, 1),
		pages:         newPages(o.FeedLimit, o.Subscribers),
	}
	if o.WebSubHub != "" {
		s.hubLink = "<" + o.WebSubHub + `>; rel="hub"`
	}
	if s.observeRender == nil {
		s.observeRender = func(string, time.Duration) {}
	}
	if s.instrument == nil {
		s.instrument = func(_ string, h http.Handler) http.Handler { return h }
	}
	if s.outer == nil {
		s.outer = func(h http.Handler) http.Handler { return h }
	}
	return s
}

// swap makes snap the snapshot every new request sees.
func (s *server) swap(snap *feed.Snapshot) error {
	st, err := newState(snap, s.feedLimit, s.hubLink)
	if err != nil {
		return err
	}
	if st.index, err = s.pages.index(snap, s.feedLimit); err != nil {
		return err
	}
	s.deltas.remember(s.state.Load(), st, s.feedLimit)
	if old := s.state.Swap(st); old != nil {
		close(old.replaced) // requests waiting on a stale snapshot go on
	}
	return nil
}

// snapshot returns the current snapshot, nil before the first load.
func (s *server) snapshot() *feed.Snapshot {
	if st := s.state.Load(); st != nil {
		return st.snap
	}
	return nil
}

// staleSnapshot asks for a reload without waiting for it.
func (s *server) staleSnapshot() {
	select {
	case s.stale <- struct{}{}:
	default:
	}
}

// routes returns the handler of every route. It is the only place routes are
// declared.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.Handler) { mux.Handle(pattern, s.instrument(pattern, h)) }

	handle("GET /healthz", http.HandlerFunc(s.healthz))
	handle("GET /readyz", http.HandlerFunc(s.readyz))
	if s.metrics != nil {
		handle("GET /metrics", s.metrics)
	}
	if s.stats != nil {
		handle("GET /stats.json", s.stats)
	}
	handle("GET /{$}", s.ready(s.serveHome))
	handle("GET /categories/{name}/{$}", s.ready(s.servePage(categoryFeed)))
	handle("GET /tags/{name}/{$}", s.ready(s.servePage(tagFeed)))
	handle("GET /opml.xml", s.ready(s.serveOPML))
	handle("GET /categories.opml", s.ready(s.serveGroupOPML(categoryFeed)))
	handle("GET /tags.opml", s.ready(s.serveGroupOPML(tagFeed)))
	handle("GET /categories/{name}/tags.opml", s.ready(s.serveCategoryTagsOPML))
	for _, format := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		name := format.FileName()
		handle("GET /"+name, s.ready(s.serveFeed(siteFeed, format)))
		handle("GET /categories/{name}/"+name, s.ready(s.serveFeed(categoryFeed, format)))
		handle("GET /tags/{name}/"+name, s.ready(s.serveFeed(tagFeed, format)))
		handle("GET /archive/{year}/{month}/"+name, s.ready(s.serveArchive(siteFeed, format)))
		handle("GET /categories/{name}/archive/{year}/{month}/"+name, s.ready(s.serveArchive(categoryFeed, format)))
		handle("GET /tags/{name}/archive/{year}/{month}/"+name, s.ready(s.serveArchive(tagFeed, format)))
	}
	return s.outer(limitURL(mux))
}

// limitURL answers 414 to a request target longer than maxURLBytes.
func limitURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.RequestURI) > maxURLBytes {
			httpError(w, http.StatusRequestURITooLong, "URL too long")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ready wraps h so that it sees the current state, or answers 503 before the
// first snapshot is loaded.
func (s *server) ready(h func(http.ResponseWriter, *http.Request, *state)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := s.state.Load()
		if st == nil {
			w.Header().Set("Retry-After", "5")
			httpError(w, http.StatusServiceUnavailable, "posts are still loading")
			return
		}
		sw := &staleWriter{ResponseWriter: w}
		h(sw, r, st)
		if !sw.stale {
			return
		}
		// A post changed under the snapshot the request started with; the
		// reload it triggers is on its way. Answer from the next snapshot
		// rather than fail, for as long as staleWait.
		deadline := time.NewTimer(staleWait)
		defer deadline.Stop()
		for {
			select {
			case <-st.replaced:
				clear(w.Header())
				st = s.state.Load()
			case <-deadline.C:
				clear(w.Header())
				h(w, r, s.state.Load()) // last try: a plain writer answers 503 if still stale
				return
			case <-r.Context().Done():
				return
			}
			sw = &staleWriter{ResponseWriter: w}
			h(sw, r, st)
			if !sw.stale {
				return
			}
		}
	})
}

// staleWait bounds how long a request waits for the reload that replaces a
// snapshot whose posts changed under it.
// Under a stream of changes on a busy machine a reload can take a second or
// more, and the first snapshot after the change may need a second one; a
// slow answer is better than an error.
const staleWait = 10 * time.Second

// staleWriter lets a handler report, before writing anything, that its
// snapshot is stale and the request should be answered from the next one.
type staleWriter struct {
	http.ResponseWriter
	stale bool
}

// Unwrap gives http.ResponseController the writer below.
func (w *staleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *server) readyz(w http.ResponseWriter, _ *http.Request) {
	if s.state.Load() == nil {
		httpError(w, http.StatusServiceUnavailable, "posts are still loading")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ready\n"))
}

// httpError writes a short plain-text reason. It never carries an internal
// error's text.
func httpError(w http.ResponseWriter, code int, reason string) {
	h := w.Header()
	h.Del("Etag")
	h.Del("Content-Encoding")
	h.Del("Cache-Control")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write([]byte(reason + "\n"))
}
