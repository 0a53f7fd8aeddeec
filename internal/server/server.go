// Package server answers feedwire's HTTP requests from the current
// snapshot: routes, handlers, preconditions, negotiation, deltas, archives,
// OPML, the discovery pages and subscriber statistics.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/fleet"
	"github.com/feedwire/feedwire/subscribers"
)

// maxURLBytes bounds the request target; longer ones get 414.
const maxURLBytes = 2048

// Cache is what the server needs of the document cache: bytes by key,
// filled at most once per key at a time; *cache.Tiered is one.
type Cache interface {
	// Cached returns the in-process copy of key, if there is one, without
	// filling it.
	Cached(key string) ([]byte, bool)
	Fetch(ctx context.Context, key string, fill func(context.Context) ([]byte, error)) ([]byte, error)
}

// Versions remembers earlier versions of feeds, for RFC 3229 deltas;
// *fleet.Versions is one.
type Versions interface {
	Remember(versions []*fleet.Version)
	Hashes(ctx context.Context, feedID string, format int, validator string) ([]uint64, bool)
}

// Modified gives the time each validator a document serves was first
// seen, its Last-Modified; *fleet.Modified is one.
type Modified interface {
	Times(docs []fleet.Doc, now time.Time) []time.Time
}

// Subscribers keeps the subscriber counts aggregators announce;
// *subscribers.Store is one.
type Subscribers interface {
	Record(feedKey, aggregator string, count int)
	Feed(feedKey string) []subscribers.Count
	Snapshot(ctx context.Context) subscribers.Stats
}

// Options are a server's settings and collaborators. Nil collaborators
// turn their feature off.
type Options struct {
	FeedLimit int    // items per feed without ?limit
	MaxLimit  int    // largest ?limit
	MaxAge    int    // Cache-Control max-age and stale-while-revalidate, seconds
	WebSubHub string // announced in Link headers; empty: the site's own (feed.Site.WebSubHub), if any
	AccessLog bool   // log one line per request

	Log         *slog.Logger
	Cache       Cache
	Versions    Versions     // nil: no deltas
	Modified    Modified     // nil: no Last-Modified
	Subscribers Subscribers  // nil: not counted, no /stats.json
	Stats       bool         // serve GET /stats.json; false: StatsHandler serves it elsewhere, or nothing does
	Metrics     http.Handler // GET /metrics; nil: served elsewhere
	Hub         Hub          // the built-in WebSub hub at POST /websub; nil: none
	// ObserveRender records the time a document took to render.
	ObserveRender func(format string, d time.Duration)
	// Instrument wraps the handler of each route pattern.
	Instrument func(pattern string, h http.Handler) http.Handler
	// Outer wraps the whole handler, for requests no route matched too.
	Outer func(http.Handler) http.Handler
	// JekyllFeed, when set, makes jekyll-feed's paths answer too; its site
	// feed path wins over a native route of the same path (/feed.xml).
	JekyllFeed *feed.JekyllFeed
}

// Server answers HTTP requests from the current snapshot.
type Server struct {
	log           *slog.Logger
	cache         Cache
	versions      Versions
	modified      Modified
	subscribers   Subscribers
	stats         bool
	state         atomic.Pointer[state]
	feedLimit     int
	maxLimit      int
	cacheControl  []string
	accessLog     bool
	observeRender func(format string, d time.Duration)
	metrics       http.Handler
	instrument    func(pattern string, h http.Handler) http.Handler
	outer         func(http.Handler) http.Handler
	stale         chan struct{} // signalled when a post changed under the snapshot
	hubLink       string        // Link header value naming the WebSub hub, if any
	hub           Hub           // nil: no built-in hub
	pages         *pages        // the HTML discovery pages
	jekyllFeed    *feed.JekyllFeed
}

// New returns a server with no snapshot yet: it is live but not ready.
func New(o Options) *Server {
	s := &Server{
		log:         o.Log,
		cache:       o.Cache,
		versions:    o.Versions,
		modified:    o.Modified,
		subscribers: o.Subscribers,
		stats:       o.Stats,
		feedLimit:   o.FeedLimit,
		maxLimit:    o.MaxLimit,
		cacheControl: []string{"public, max-age=" + strconv.Itoa(o.MaxAge) +
			", stale-while-revalidate=" + strconv.Itoa(o.MaxAge)},
		accessLog:     o.AccessLog,
		jekyllFeed:    o.JekyllFeed,
		observeRender: o.ObserveRender,
		metrics:       o.Metrics,
		instrument:    o.Instrument,
		outer:         o.Outer,
		stale:         make(chan struct{}, 1),
		hub:           o.Hub,
	}
	var counts subscriberFunc
	if s.subscribers != nil {
		counts = s.feedSubscribers
	}
	s.pages = newPages(o.FeedLimit, counts)
	if o.WebSubHub != "" {
		s.hubLink = "<" + o.WebSubHub + `>; rel="hub"`
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
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

// Swap makes snap the snapshot every new request sees, its current
// documents dated by when their validators were first seen. It returns the
// absolute URLs, in every format, of the feeds whose documents changed: new
// feeds and feeds whose validator changed (none on the first swap).
func (s *Server) Swap(snap *feed.Snapshot) ([]string, error) {
	hubLink := s.hubLink
	if hubLink == "" && snap.Site.WebSubHub != "" {
		hubLink = "<" + snap.Site.WebSubHub + `>; rel="hub"`
	}
	st, err := newState(snap, s.feedLimit, hubLink)
	if err != nil {
		return nil, err
	}
	if st.index, err = s.pages.index(snap, s.feedLimit); err != nil {
		return nil, err
	}
	if s.modified != nil {
		// The clock is read here, never while rendering: the time is no
		// part of any document's bytes.
		st.stamp(s.modified.Times, time.Now())
	}
	old := s.state.Load()
	if old != nil {
		replaced := replacedVersions(old, st, s.feedLimit)
		if s.versions != nil {
			s.versions.Remember(replaced)
		}
		st.prior = make(map[string]*fleet.Version, len(replaced))
		for _, v := range replaced {
			st.prior[v.Feed] = v
		}
	}
	s.state.Store(st)
	if old == nil {
		return nil, nil
	}
	close(old.replaced) // requests waiting on a stale snapshot go on
	return changedFeedURLs(old, st), nil
}

// Snapshot returns the current snapshot, nil before the first swap.
func (s *Server) Snapshot() *feed.Snapshot {
	if st := s.state.Load(); st != nil {
		return st.snap
	}
	return nil
}

// Stale signals when a render found a post changed on disk under the
// current snapshot: a reload is due.
func (s *Server) Stale() <-chan struct{} { return s.stale }

// staleSnapshot asks for a reload without waiting for it.
func (s *Server) staleSnapshot() {
	select {
	case s.stale <- struct{}{}:
	default:
	}
}

// changedFeedURLs lists the absolute URLs, in every format, of the feeds of
// next whose documents differ from prev's: new feeds and feeds whose
// validator changed.
func changedFeedURLs(prev, next *state) []string {
	before := make(map[string]string, len(prev.feeds))
	for f, m := range prev.feeds {
		before[fleet.FeedID(f)] = m.docs[0].validator
	}
	base := next.snap.Site.URL
	var urls []string
	for _, f := range next.all {
		if before[fleet.FeedID(f)] == next.feeds[f].docs[0].validator {
			continue
		}
		for _, format := range formats {
			urls = append(urls, base+f.Path(format))
		}
	}
	return urls
}
