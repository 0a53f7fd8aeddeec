package server

import (
	"io"
	"net/http"
	"time"

	"github.com/feedwire/feedwire/feed"
)

// immutableCacheControl is the Cache-Control of a closed month's archive
// documents: RFC 5005 archives do not change, so caches keep them a year
// without asking again.
var immutableCacheControl = []string{"public, max-age=31536000, immutable"}

// latest returns the latest Updated of posts, the zero time when none.
func latest(posts []*feed.Post) time.Time {
	var t time.Time
	for _, p := range posts {
		if p.Updated.After(t) {
			t = p.Updated
		}
	}
	return t
}

// pageDocument describes page pg of f. With a WebSub hub, its responses
// carry the hub and the feed's self Link headers.
func pageDocument(snap *feed.Snapshot, f *feed.Feed, format feed.Format, pg feed.Paging, hubLink string) document {
	d := document{
		validator:   snap.PageValidator(f, format, pg),
		contentType: format.ContentType(),
		modTime:     latest(f.Page(pg)),
		format:      format.String(),
		render:      func(w io.Writer) error { return snap.RenderPage(w, f, format, pg) },
	}
	if hubLink != "" {
		d.links = []string{hubLink, "<" + snap.Site.URL + f.Path(format) + `>; rel="self"`}
	}
	return d
}

// serveArchive returns the handler of one archive route: a month of a feed
// in one format, ?page when the month holds more than the largest limit.
// A closed month's documents are immutable; the open month's are cached
// like the feed's.
func (s *Server) serveArchive(kind feed.Kind, format feed.Format) func(http.ResponseWriter, *http.Request, *state) {
	return func(w http.ResponseWriter, r *http.Request, st *state) {
		f, err := st.snap.Feed(kind, r.PathValue("name"))
		if err != nil {
			httpError(w, http.StatusNotFound, "no such "+kind.String())
			return
		}
		m, err := feed.ParseMonth(r.PathValue("year"), r.PathValue("month"))
		if err != nil {
			httpError(w, http.StatusBadRequest, "year and month must be YYYY/MM")
			return
		}
		page, err := parsePage(r)
		if err != nil {
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
		a, err := st.snap.Archive(f, m)
		if err != nil {
			httpError(w, http.StatusNotFound, "no posts in that month")
			return
		}
		pg := feed.Paging{Size: s.maxLimit, Page: page}
		if page > a.Pages(pg.Size) {
			httpError(w, http.StatusNotFound, "no such page")
			return
		}
		d := document{
			validator:   st.snap.ArchiveValidator(a, format, pg),
			contentType: format.ContentType(),
			modTime:     latest(a.Page(pg)),
			format:      format.String(),
			render:      func(w io.Writer) error { return st.snap.RenderArchive(w, a, format, pg) },
		}
		cc := s.cacheControl
		if a.Closed() {
			cc = immutableCacheControl
		}
		tags := newETags(d.validator)
		s.serveDocument(w, r, &d, &tags, cc)
	}
}
