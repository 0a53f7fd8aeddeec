package server

import (
	"net/http"
	"strings"

	"github.com/feedwire/feedwire/feed"
)

// route is one registered route: its pattern and its handler, wrapped as
// the mux holds it.
type route struct {
	pattern string
	h       http.Handler
}

// plainRoutes holds the feed routes by feed.Kind and format index.
type plainRoutes [3][len(formats)]route

// plainFeeds sends a GET or HEAD for a feed at its plain URL (no query,
// no escaping the mux would read differently, nothing it would clean or
// redirect) straight to the handler the mux would choose, with the pattern
// the mux would set: the requests aggregators send most skip the mux's
// matching, which cost a fifth of such a request's handling. The handler
// reads the feed's name from the path (see feedName): a path value set
// outside the mux costs a map per request. Every other request goes to the
// mux. The answer, metrics and subscriber count are the same either way;
// TestPlainFeedsMatchMux and FuzzPlainFeeds hold it to that.
func plainFeeds(routes *plainRoutes, mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := r.URL
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
			u.RawQuery == "" && !u.ForceQuery && u.RawPath == "" {
			if kind, _, i, ok := feedPath(u.Path); ok {
				rt := routes[kind][i]
				r.Pattern = rt.pattern
				rt.h.ServeHTTP(w, r)
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// feedName returns the name of the category or tag a feed request is for:
// its {name} path value, set by the mux (or by serveJekyllFeed), else, for
// a request plainFeeds sent straight to its handler, the name in its path.
func feedName(r *http.Request) string {
	if name := r.PathValue("name"); name != "" {
		return name
	}
	_, name, _, _ := feedPath(r.URL.Path)
	return name
}

// feedPath reads a feed route path: /feed.xml, /categories/{name}/atom.xml
// and the like, with name already unescaped. It reports false for any
// other path, and for one the mux would not route as it is (an empty name,
// "." or "..").
func feedPath(p string) (kind feed.Kind, name string, format int, ok bool) {
	if p == "" {
		return 0, "", 0, false
	}
	file := p[1:]
	if rest, found := strings.CutPrefix(p, "/categories/"); found {
		kind = feed.KindCategory
		if name, file, found = strings.Cut(rest, "/"); !found {
			return 0, "", 0, false
		}
	} else if rest, found := strings.CutPrefix(p, "/tags/"); found {
		kind = feed.KindTag
		if name, file, found = strings.Cut(rest, "/"); !found {
			return 0, "", 0, false
		}
	}
	if kind != feed.KindSite && (name == "" || name == "." || name == "..") {
		return 0, "", 0, false
	}
	for i, f := range formats {
		if file == f.FileName() {
			return kind, name, i, true
		}
	}
	return 0, "", 0, false
}
