package server

import (
	"io"
	"net/http"

	"github.com/feedwire/feedwire/feed"
)

// pageDocument describes page pg of f. With a WebSub hub, its responses
// carry the hub and the feed's self Link headers.
func pageDocument(snap *feed.Snapshot, f *feed.Feed, format feed.Format, pg feed.Paging, hubLink string) document {
	d := document{
		validator:   snap.PageValidator(f, format, pg),
		contentType: format.ContentType(),
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
// Archives are cached like the feed, never promised immutable: a post
// backdated into a closed month, removed from it or corrected changes the
// month's document. They have no Last-Modified: only the feed's time is
// recorded at each swap is the current documents', which does not follow
// the month's; their ETag validates them.
func (s *Server) serveArchive(kind feed.Kind, format feed.Format) func(http.ResponseWriter, *http.Request, *state) {
	return func(w http.ResponseWriter, r *http.Request, st *state) {
		f, ok := lookupFeed(w, r, st, kind)
		if !ok {
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
			format:      format.String(),
			render:      func(w io.Writer) error { return st.snap.RenderArchive(w, a, format, pg) },
		}
		tags := newETags(d.validator)
		s.serveDocument(w, r, &d, &tags, s.cacheControl)
	}
}
