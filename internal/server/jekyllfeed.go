package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/feedwire/feedwire/feed"
)

// jekyllFeedRoutes passes to handle the routes of jekyll-feed's paths, each
// answering with the document and validators of the native Atom URL of the
// same feed: the site feed at j.Path, the categories of j.Categories at
// /feed/<category>.xml, and the tags j.HasTag accepts at
// j.TagsPath<tag>.xml. native lists the patterns already taken: a path that
// is one of them is left to the native route.
func (s *Server) jekyllFeedRoutes(j *feed.JekyllFeed, native []string, handle func(pattern string, h http.Handler)) {
	add := func(pattern string, h http.Handler) {
		if slices.Contains(native, pattern) {
			return
		}
		defer func() {
			// A configured path that ServeMux finds ambiguous with a
			// native route (a tags path below /categories/) is left out.
			if v := recover(); v != nil {
				s.log.Warn("jekyll-feed path not served", "pattern", pattern, "reason", v)
			}
		}()
		handle(pattern, h)
	}
	if validPathPattern(j.Path) {
		add("GET "+j.Path, s.ready(s.serveFeed(feed.KindSite, feed.Atom)))
	}
	if len(j.Categories) > 0 {
		add("GET /feed/{file}", s.ready(s.serveJekyllFeed(feed.KindCategory, func(name string) bool {
			return slices.ContainsFunc(j.Categories, func(c string) bool { return feed.Fold(c) == feed.Fold(name) })
		})))
	}
	if j.Tags && validPathPattern(j.TagsPath) && j.TagsPath != "/feed/" {
		add("GET "+j.TagsPath+"{file}", s.ready(s.serveJekyllFeed(feed.KindTag, j.HasTag)))
	}
}

// serveJekyllFeed answers <name>.xml with the Atom feed of kind named name,
// when has accepts the name.
func (s *Server) serveJekyllFeed(kind feed.Kind, has func(string) bool) func(http.ResponseWriter, *http.Request, *state) {
	atom := s.serveFeed(kind, feed.Atom)
	return func(w http.ResponseWriter, r *http.Request, st *state) {
		name, ok := strings.CutSuffix(r.PathValue("file"), ".xml")
		if !ok || !has(name) {
			httpError(w, http.StatusNotFound, "no such "+kind.String())
			return
		}
		r.SetPathValue("name", name)
		atom(w, r, st)
	}
}

// validPathPattern reports whether p can be a ServeMux pattern's path as
// it is: absolute, and only letters, digits and -._~/ (no wildcard, no
// space, no dot segment).
func validPathPattern(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0) {
			return false
		}
	}
	return true
}
