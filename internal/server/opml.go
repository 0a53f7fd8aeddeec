package server

import (
	"io"
	"net/http"
	"sync"

	"github.com/feedwire/feedwire/feed"
)

// opmlContentType is the Content-Type of every OPML document.
const opmlContentType = "text/x-opml; charset=utf-8"

// opmlDocs holds a snapshot's OPML documents besides /opml.xml: the
// category and tag lists and each category's tags. Each is rendered on its
// first request to learn its validator, a hash of its bytes, which is kept
// for the life of the snapshot; the bytes live in the document cache like a
// feed's, rendered again, equal, should the cache drop them. So they cost a
// swap nothing, a conditional request no rendering, and memory a validator
// per category asked for. The zero value is ready to use.
type opmlDocs struct {
	docs sync.Map // key: "categories", "tags" or "category/"+key → *static
}

// get returns the document under key, rendering it with render the first
// time. Two first requests at once may both render; the bytes are equal, so
// the validators are too.
func (o *opmlDocs) get(key string, snap *feed.Snapshot, render func(io.Writer) error) (*static, error) {
	if d, ok := o.docs.Load(key); ok {
		return d.(*static), nil
	}
	d, err := newStatic("opml", opmlContentType, render)
	if err != nil {
		return nil, err
	}
	d.doc.render = render // the cache keeps the bytes, not this map
	got, _ := o.docs.LoadOrStore(key, &d)
	return got.(*static), nil
}

// serveGroupOPML returns the handler of /categories.opml or /tags.opml.
func (s *Server) serveGroupOPML(kind feed.Kind) func(http.ResponseWriter, *http.Request, *state) {
	key, fk := "categories", feed.KindCategory
	if kind == feed.KindTag {
		key, fk = "tags", feed.KindTag
	}
	return func(w http.ResponseWriter, r *http.Request, st *state) {
		d, err := st.opmls.get(key, st.snap, func(w io.Writer) error { return st.snap.RenderGroupOPML(w, fk) })
		s.serveStatic(w, r, d, err)
	}
}

// serveCategoryTagsOPML answers /categories/{name}/tags.opml: the category's
// feed and the feed of every tag its posts carry.
func (s *Server) serveCategoryTagsOPML(w http.ResponseWriter, r *http.Request, st *state) {
	f, ok := lookupFeed(w, r, st, feed.KindCategory)
	if !ok {
		return
	}
	d, err := st.opmls.get("category/"+f.Key, st.snap, func(w io.Writer) error { return st.snap.RenderCategoryTagsOPML(w, f) })
	s.serveStatic(w, r, d, err)
}

// serveStatic serves d, or answers 500 when it could not be rendered.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, d *static, err error) {
	if err != nil {
		s.log.Error("opml unavailable", "path", r.URL.Path, "err", err)
		httpError(w, http.StatusInternalServerError, "internal error")
		return
	}
	s.serveDocument(w, r, &d.doc, &d.tags, s.cacheControl)
}
