package main

import (
	"net/http"
	"strings"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/h1"
	"github.com/feedwire/feedwire/metrics"
	"github.com/feedwire/feedwire/subscribers"
)

// shortcut answers the requests aggregators send most, a feed at its plain
// URL, conditional or not, straight from the current state: a 304 from the
// feed's validator, a 200 from the bytes already in the in-process cache.
// It skips what the handler stack costs per request (the *http.Request, the
// mux, the middleware) and gives the same bytes, metrics and subscriber
// counts; TestShortcutMatchesHandler and FuzzShortcut hold it to that.
// Anything else it declines and the handlers answer: queries, paths the
// mux would clean or redirect, If-Match, If-Unmodified-Since, A-IM, a
// list field over several lines, a body not yet cached, a 412.
type shortcut struct {
	s      *server
	cached func(key string) ([]byte, bool)
	stats  [3][len(formats)]*metrics.RouteStats // by feedKind and format index
	subs   *subscriberCounts                    // nil: not counted
}

// newShortcut returns the shortcut of s, recording into m and subs, taking
// bodies from cached.
func newShortcut(s *server, cached func(string) ([]byte, bool), m *metrics.Metrics, subs *subscriberCounts) *shortcut {
	sc := &shortcut{s: s, cached: cached, subs: subs}
	for _, kind := range []feedKind{siteFeed, categoryFeed, tagFeed} {
		for i, format := range formats {
			sc.stats[kind][i] = m.RouteStats(feedPattern(kind, format))
		}
	}
	return sc
}

// feedPattern is the ServeMux pattern routes gives the feed of kind in
// format.
func feedPattern(kind feedKind, format feed.Format) string {
	switch kind {
	case categoryFeed:
		return "GET /categories/{name}/" + format.FileName()
	case tagFeed:
		return "GET /tags/{name}/" + format.FileName()
	}
	return "GET /" + format.FileName()
}

// Answer implements h1.Shortcut.
func (sc *shortcut) Answer(w *h1.Reply, r *h1.Request) bool {
	st := sc.s.state.Load()
	if st == nil || len(r.Target) > maxURLBytes {
		return false
	}
	u := r.URL
	if u.RawQuery != "" || u.ForceQuery || u.RawPath != "" {
		return false
	}
	kind, name, i, ok := feedPath(u.Path)
	if !ok {
		return false
	}
	f, err := lookup(st.snap, kind, name)
	if err != nil {
		return false
	}
	m := st.feeds[f]
	if m == nil {
		return false
	}

	var cond conditions
	var inm [1]string
	var ae, ua string
	aes, inms, imss, uas := 0, 0, 0, 0
	for j := range r.NumFields() { // one pass, names compared where the length matches
		name, v := r.Field(j)
		switch len(name) {
		case len("If-Match"), len("If-Unmodified-Since"), len("A-IM"):
			if strings.EqualFold(name, "If-Match") || strings.EqualFold(name, "If-Unmodified-Since") ||
				strings.EqualFold(name, "A-IM") {
				return false // answered by the handlers
			}
		case len("If-None-Match"):
			if strings.EqualFold(name, "If-None-Match") {
				inm[0], inms = v, inms+1
			}
		case len("If-Modified-Since"):
			if strings.EqualFold(name, "If-Modified-Since") {
				if imss++; imss == 1 {
					cond.ifModifiedSince = v
				}
			}
		case len("Accept-Encoding"):
			if strings.EqualFold(name, "Accept-Encoding") {
				ae, aes = v, aes+1
			}
		case len("User-Agent"):
			if strings.EqualFold(name, "User-Agent") {
				if uas++; uas == 1 {
					ua = v
				}
			}
		}
	}
	if inms > 1 || aes > 1 { // a list over several lines: the handlers join them
		return false
	}
	if inms == 1 {
		cond.ifNoneMatch = inm[:]
	}

	d, c := &m.docs[i], negotiate(ae)
	etag := m.tags[i][c][0]
	code, body := http.StatusNotModified, []byte(nil)
	switch cond.evaluate(etag, d.modTime) {
	case failed:
		return false
	case proceed:
		if body, ok = sc.cached(d.keys[c]); !ok {
			return false
		}
		code = http.StatusOK
	}

	// The fields in the order net/http and h1 send a handler's: sorted.
	w.Status(code)
	w.Field("Cache-Control", sc.s.cacheControl[0])
	if code == http.StatusOK {
		if c != identity {
			w.Field("Content-Encoding", codingHeader[c][0])
		}
		w.FieldInt("Content-Length", len(body))
		w.Field("Content-Type", d.contentType)
	}
	w.Field("Etag", etag)
	if code == http.StatusOK && d.lastModified != nil {
		w.Field("Last-Modified", d.lastModified[0])
	}
	for _, l := range d.links {
		w.Field("Link", l)
	}
	w.Field("Vary", varyAcceptEncoding[0])
	size := len(body)
	if r.Method == http.MethodHead {
		size = 0
	} else {
		w.Body(body)
	}

	if sc.subs != nil {
		if agg, subs, ok := subscribers.Parse(ua); ok {
			sc.subs.store.Record(subscriberKey(storeKind(kind), feed.Fold(name), formats[i]), agg, subs)
		}
	}
	sc.stats[kind][i].Observe(r.Method, code, size, r.Received)
	return true
}

// feedPath reads a feed route path: /feed.xml, /categories/{name}/atom.xml
// and the like, with name already unescaped. It reports false for any
// other path, and for one the mux would not route as it is (an empty name,
// "." or "..").
func feedPath(p string) (kind feedKind, name string, format int, ok bool) {
	file := p[1:]
	if rest, found := strings.CutPrefix(p, "/categories/"); found {
		kind = categoryFeed
		name, file, found = strings.Cut(rest, "/")
		if !found {
			return 0, "", 0, false
		}
	} else if rest, found := strings.CutPrefix(p, "/tags/"); found {
		kind = tagFeed
		name, file, found = strings.Cut(rest, "/")
		if !found {
			return 0, "", 0, false
		}
	}
	if kind != siteFeed && (name == "" || name == "." || name == "..") {
		return 0, "", 0, false
	}
	for i, f := range formats {
		if file == f.FileName() {
			return kind, name, i, true
		}
	}
	return 0, "", 0, false
}

// storeKind is the feed.Kind of a feedKind.
func storeKind(k feedKind) feed.Kind {
	switch k {
	case categoryFeed:
		return feed.KindCategory
	case tagFeed:
		return feed.KindTag
	}
	return feed.KindSite
}
