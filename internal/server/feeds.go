package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/httpx"
)

// serveFeed returns the handler of one feed route.
func (s *Server) serveFeed(kind feed.Kind, format feed.Format) func(http.ResponseWriter, *http.Request, *state) {
	i := formatIndex(format)
	return func(w http.ResponseWriter, r *http.Request, st *state) {
		f, ok := lookupFeed(w, r, st, kind)
		if !ok {
			return
		}
		limit, err := s.parseLimit(r)
		if err != nil {
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
		page, err := parsePage(r)
		if err != nil {
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
		if page > f.Pages(limit) {
			httpError(w, http.StatusNotFound, "no such page")
			return
		}
		m := st.feeds[f]
		if limit == s.feedLimit && page == 1 && m != nil {
			if s.serveDelta(w, r, st, f, i, m) {
				return
			}
			s.serveDocument(w, r, &m.docs[i], &m.tags[i], s.cacheControl)
			return
		}
		pg := feed.Paging{Size: limit, Page: page, SizeInURL: limit != s.feedLimit}
		d := pageDocument(st.snap, f, format, pg, st.hubLink)
		tags := newETags(d.validator)
		s.serveDocument(w, r, &d, &tags, s.cacheControl)
	}
}

// lookupFeed returns the feed of kind named by the request's path, or
// answers: 410 Gone for a feed that lost its last post and whose deleted
// entries expired, so that aggregators stop polling it; else 404.
func lookupFeed(w http.ResponseWriter, r *http.Request, st *state, kind feed.Kind) (*feed.Feed, bool) {
	name := feedName(r)
	f, err := st.snap.Feed(kind, name)
	switch {
	case err == nil:
		return f, true
	case st.snap.Gone(kind, name):
		httpError(w, http.StatusGone, "this "+kind.String()+" has no posts any more")
	default:
		httpError(w, http.StatusNotFound, "no such "+kind.String())
	}
	return nil, false
}

func (s *Server) serveOPML(w http.ResponseWriter, r *http.Request, st *state) {
	s.serveDocument(w, r, &st.opml.doc, &st.opml.tags, s.cacheControl)
}

func formatIndex(format feed.Format) int {
	for i, f := range formats {
		if f == format {
			return i
		}
	}
	panic("server: unknown format " + format.String())
}

// errMalformedQuery is the reason given for a query string that does not
// parse.
var errMalformedQuery = errors.New("malformed query string")

// parseLimit reads ?limit; absent means the default. Other query parameters
// are ignored and never reach a cache key.
func (s *Server) parseLimit(r *http.Request) (int, error) {
	n, present, err := httpx.QueryNumber(r.URL.RawQuery, "limit")
	switch {
	case errors.Is(err, httpx.ErrQuery):
		return 0, errMalformedQuery
	case !present:
		return s.feedLimit, nil
	case err != nil || n < 1 || n > s.maxLimit:
		return 0, fmt.Errorf("limit must be a whole number from 1 to %d", s.maxLimit)
	}
	return n, nil
}

// errPage is the reason given for a malformed ?page.
var errPage = errors.New("page must be a whole number from 1")

// parsePage reads ?page: absent means 1. Past the last page is the
// caller's 404; anything else that is not a whole number from 1 is an error.
func parsePage(r *http.Request) (int, error) {
	n, present, err := httpx.QueryNumber(r.URL.RawQuery, "page")
	switch {
	case errors.Is(err, httpx.ErrQuery):
		return 0, errMalformedQuery
	case !present:
		return 1, nil
	case err != nil || n < 1:
		return 0, errPage
	}
	return n, nil
}
