package server

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/subscribers"
)

const (
	// statsReadTimeout bounds the merge from Redis /stats.json may do.
	statsReadTimeout = 250 * time.Millisecond
	// maxStatsFeeds bounds the feeds /stats.json lists, most followed first.
	maxStatsFeeds = 1000
)

// countSubscribers wraps the handler of a feed route pattern so that it records
// the subscriber count an aggregator's User-Agent announces, when the
// request named a feed (200, or 304: aggregators poll conditionally).
// Other patterns' handlers are returned as they are.
func (s *Server) countSubscribers(pattern string, next http.Handler) http.Handler {
	kind, format, ok := feedRoute(pattern)
	if !ok {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agg, n, ok := subscribers.Parse(r.UserAgent())
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		sw := &subscriberWriter{ResponseWriter: w, record: func() {
			s.subscribers.Record(subscriberKey(kind, feed.Fold(feedName(r)), format), agg, n)
		}}
		next.ServeHTTP(sw, r)
		sw.status(http.StatusOK) // nothing written: an empty 200
	})
}

// subscriberWriter records a subscriber count when the response's status
// is known to be 200 or 304, before any of it is sent: a client that has
// its answer finds itself counted in /stats.json.
type subscriberWriter struct {
	http.ResponseWriter
	record func()
	done   bool
}

func (w *subscriberWriter) WriteHeader(code int) {
	w.status(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *subscriberWriter) Write(p []byte) (int, error) {
	w.status(http.StatusOK) // no-op after WriteHeader
	return w.ResponseWriter.Write(p)
}

// status notes the response's final status, the first one of 200 or more.
func (w *subscriberWriter) status(code int) {
	if w.done || code < http.StatusOK {
		return
	}
	w.done = true
	if code == http.StatusOK || code == http.StatusNotModified {
		w.record()
	}
}

// Unwrap gives http.ResponseController and outer middleware the writer below.
func (w *subscriberWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// feedRoute reads the kind and format of a feed route pattern such as
// "GET /tags/{name}/atom.xml"; ok is false for other patterns.
func feedRoute(pattern string) (kind feed.Kind, format feed.Format, ok bool) {
	_, path, _ := strings.Cut(pattern, " ")
	file := strings.TrimPrefix(path, "/")
	kind = feed.KindSite
	if rest, found := strings.CutPrefix(path, "/categories/{name}/"); found {
		kind, file = feed.KindCategory, rest
	} else if rest, found := strings.CutPrefix(path, "/tags/{name}/"); found {
		kind, file = feed.KindTag, rest
	}
	format, err := feed.ParseFormat(file)
	return kind, format, err == nil
}

// subscriberKey is the store key of one feed document: its URL path with
// the feed's lookup key, such as "/categories/zhuzhouribao/atom.xml".
func subscriberKey(kind feed.Kind, key string, format feed.Format) string {
	switch kind {
	case feed.KindCategory:
		return "/categories/" + url.PathEscape(key) + "/" + format.FileName()
	case feed.KindTag:
		return "/tags/" + url.PathEscape(key) + "/" + format.FileName()
	}
	return "/" + format.FileName()
}

// feedSubscribers returns the subscribers of one feed over its formats,
// for the discovery pages.
func (s *Server) feedSubscribers(kind feed.Kind, key string) int {
	n := 0
	for _, format := range formats {
		for _, c := range s.subscribers.Feed(subscriberKey(kind, key, format)) {
			n += c.Subscribers
		}
	}
	return n
}

// statsJSON is the body of /stats.json.
type statsJSON struct {
	Total        int            `json:"total"`
	Totals       map[string]int `json:"totals"` // by aggregator
	Feeds        []statsFeed    `json:"feeds"`  // most followed first, then by path
	FeedsOmitted int            `json:"feeds_omitted"`
	PushTotal    int            `json:"push_total,omitempty"` // WebSub subscribers of the built-in hub
}

// statsFeed is one feed document's counts.
type statsFeed struct {
	Path        string         `json:"path"`
	Total       int            `json:"total"`
	Subscribers map[string]int `json:"subscribers"`    // by aggregator
	Push        int            `json:"push,omitempty"` // WebSub subscribers of the built-in hub
}

// StatsHandler returns the handler of GET /stats.json, for a listener
// other than Handler's; nil when subscribers are not counted.
func (s *Server) StatsHandler() http.Handler {
	if s.subscribers == nil {
		return nil
	}
	return http.HandlerFunc(s.serveStats)
}

// serveStats answers GET /stats.json: subscriber counts per feed document
// and aggregator, and totals, merged from every replica when Redis is
// configured and answers quickly.
func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), statsReadTimeout)
	st := s.subscribers.Snapshot(ctx)
	push := s.pushCounts(ctx)
	cancel()
	out := statsJSON{Total: st.Total, Totals: map[string]int{}, Feeds: []statsFeed{}}
	for _, c := range st.Totals {
		out.Totals[c.Aggregator] = c.Subscribers
	}
	slices.SortStableFunc(st.Feeds, func(a, b subscribers.FeedCounts) int { return cmp.Compare(b.Total, a.Total) })
	if len(st.Feeds) > maxStatsFeeds {
		out.FeedsOmitted = len(st.Feeds) - maxStatsFeeds
		st.Feeds = st.Feeds[:maxStatsFeeds]
	}
	for _, f := range st.Feeds {
		sf := statsFeed{Path: f.Feed, Total: f.Total, Subscribers: map[string]int{}}
		for _, c := range f.Counts {
			sf.Subscribers[c.Aggregator] = c.Subscribers
		}
		sf.Push = push[f.Feed]
		delete(push, f.Feed)
		out.Feeds = append(out.Feeds, sf)
	}
	for _, path := range slices.Sorted(maps.Keys(push)) { // followed only by push
		out.Feeds = append(out.Feeds, statsFeed{Path: path, Subscribers: map[string]int{}, Push: push[path]})
	}
	for _, f := range out.Feeds {
		out.PushTotal += f.Push
	}
	body, err := json.Marshal(out)
	if err != nil {
		httpError(w, http.StatusInternalServerError, "stats unavailable")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=10")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(append(body, '\n'))
}
