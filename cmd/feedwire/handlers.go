package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/feedwire/feedwire/feed"
)

// feedKind says which feed of a snapshot a route serves.
type feedKind uint8

const (
	siteFeed feedKind = iota
	categoryFeed
	tagFeed
)

// serveFeed returns the handler of one feed route.
func (s *server) serveFeed(kind feedKind, format feed.Format) func(http.ResponseWriter, *http.Request, *state) {
	i := formatIndex(format)
	return func(w http.ResponseWriter, r *http.Request, st *state) {
		f, err := lookup(st.snap, kind, r.PathValue("name"))
		if err != nil {
			httpError(w, http.StatusNotFound, "no such "+kindName(kind))
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
		d := pageDocument(st.snap, f, format, pg, s.hubLink)
		tags := newETags(d.validator)
		s.serveDocument(w, r, &d, &tags, s.cacheControl)
	}
}

func (s *server) serveOPML(w http.ResponseWriter, r *http.Request, st *state) {
	s.serveDocument(w, r, &st.opml.doc, &st.opml.tags, s.cacheControl)
}

// lookup finds the feed a route names.
func lookup(snap *feed.Snapshot, kind feedKind, name string) (*feed.Feed, error) {
	switch kind {
	case categoryFeed:
		return snap.Category(name)
	case tagFeed:
		return snap.Tag(name)
	}
	return snap.SiteFeed(), nil
}

func kindName(kind feedKind) string {
	if kind == tagFeed {
		return "tag"
	}
	return "category"
}

func formatIndex(format feed.Format) int {
	for i, f := range formats {
		if f == format {
			return i
		}
	}
	panic("feedwire: unknown format " + format.String())
}

// parseLimit reads ?limit; absent means the default. Other query parameters
// are ignored and never reach a cache key.
func (s *server) parseLimit(r *http.Request) (int, error) {
	if r.URL.RawQuery == "" {
		return s.feedLimit, nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return 0, errors.New("malformed query string")
	}
	v, ok := q["limit"]
	if !ok {
		return s.feedLimit, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || len(v) > 1 || n < 1 || n > s.maxLimit {
		return 0, fmt.Errorf("limit must be a whole number from 1 to %d", s.maxLimit)
	}
	return n, nil
}
