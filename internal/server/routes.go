package server

import (
	"net/http"
	"time"

	"github.com/feedwire/feedwire/feed"
)

// Handler returns the handler of every route.
func (s *Server) Handler() http.Handler { return s.handler(true) }

// handler returns the handler of every route; with plain, requests for a
// feed at its plain URL skip the mux's matching (see plainFeeds).
func (s *Server) handler(plain bool) http.Handler {
	mux := http.NewServeMux()
	var feeds plainRoutes
	s.routes(func(pattern string, h http.Handler) {
		if s.subscribers != nil {
			h = s.countSubscribers(pattern, h)
		}
		h = s.instrument(pattern, h)
		mux.Handle(pattern, h)
		if kind, format, ok := feedRoute(pattern); ok {
			feeds[kind][formatIndex(format)] = route{pattern, h}
		}
	})
	var h http.Handler = mux
	if plain {
		h = plainFeeds(&feeds, mux)
	}
	h = limitURL(h)
	if s.accessLog {
		h = accessLog(s.log, h)
	}
	return s.outer(h)
}

// Patterns lists the ServeMux pattern of every route Handler serves.
func (s *Server) Patterns() []string {
	var out []string
	s.routes(func(pattern string, _ http.Handler) { out = append(out, pattern) })
	return out
}

// routes passes every route to handle. It is the only place routes are
// declared.
func (s *Server) routes(handle func(pattern string, h http.Handler)) {
	var native []string
	if s.jekyllFeed != nil {
		taken := handle
		handle = func(pattern string, h http.Handler) {
			if pattern == "GET "+s.jekyllFeed.Path && validPathPattern(s.jekyllFeed.Path) {
				return // jekyll-feed's site feed takes the path
			}
			native = append(native, pattern)
			taken(pattern, h)
		}
		defer func() { s.jekyllFeedRoutes(s.jekyllFeed, native, taken) }()
	}
	handle("GET /healthz", http.HandlerFunc(s.healthz))
	handle("GET /readyz", http.HandlerFunc(s.readyz))
	if s.metrics != nil {
		handle("GET /metrics", s.metrics)
	}
	if s.subscribers != nil && s.stats {
		handle("GET /stats.json", http.HandlerFunc(s.serveStats))
	}
	if s.hub != nil {
		handle("POST /websub", s.hub)
	}
	handle("GET /{$}", s.ready(s.serveHome))
	handle("GET /categories/{name}/{$}", s.ready(s.servePage(feed.KindCategory)))
	handle("GET /tags/{name}/{$}", s.ready(s.servePage(feed.KindTag)))
	handle("GET /opml.xml", s.ready(s.serveOPML))
	handle("GET /categories.opml", s.ready(s.serveGroupOPML(feed.KindCategory)))
	handle("GET /tags.opml", s.ready(s.serveGroupOPML(feed.KindTag)))
	handle("GET /categories/{name}/tags.opml", s.ready(s.serveCategoryTagsOPML))
	for _, format := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		name := format.FileName()
		handle("GET /"+name, s.ready(s.serveFeed(feed.KindSite, format)))
		handle("GET /categories/{name}/"+name, s.ready(s.serveFeed(feed.KindCategory, format)))
		handle("GET /tags/{name}/"+name, s.ready(s.serveFeed(feed.KindTag, format)))
		handle("GET /archive/{year}/{month}/"+name, s.ready(s.serveArchive(feed.KindSite, format)))
		handle("GET /categories/{name}/archive/{year}/{month}/"+name, s.ready(s.serveArchive(feed.KindCategory, format)))
		handle("GET /tags/{name}/archive/{year}/{month}/"+name, s.ready(s.serveArchive(feed.KindTag, format)))
	}
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
func (s *Server) ready(h func(http.ResponseWriter, *http.Request, *state)) http.Handler {
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

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
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
