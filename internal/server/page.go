package server

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/feedwire/feedwire/feed"
)

// templateFS holds the HTML templates and the inline style and script of
// the discovery pages.
//
//go:embed templates
var templateFS embed.FS

// subscriberFunc returns the number of subscribers of one feed, all formats
// together.
type subscriberFunc func(kind feed.Kind, key string) int

// pages renders the HTML discovery pages: the index of every feed, rendered
// once per snapshot (and again as subscriber counts age), and one page per
// category and tag, rendered on demand and cached like a feed. html/template escapes every name and title: posts
// are untrusted.
type pages struct {
	tmpl        *template.Template
	version     string   // hash of the templates, mixed into page validators
	csp         []string // Content-Security-Policy header value
	latest      int      // titles listed on a category or tag page
	subscribers subscriberFunc
	now         func() time.Time // clock of subscriber count refreshes
}

// newPages parses the embedded templates. latest is the number of titles on
// a category or tag page; subscribers may be nil, and then no page shows
// subscriber counts.
func newPages(latest int, subscribers subscriberFunc) *pages {
	read := func(name string) string {
		b, err := fs.ReadFile(templateFS, "templates/"+name)
		if err != nil {
			panic("feedwire: embedded template missing: " + err.Error())
		}
		return string(b)
	}
	css, js := read("page.css"), read("filter.js")
	version := sha256.New()
	for _, name := range []string{"head.html", "index.html", "feed.html", "page.css", "filter.js"} {
		version.Write([]byte(read(name)))
	}
	tmpl := template.Must(template.New("").Funcs(template.FuncMap{
		"css": func() template.CSS { return template.CSS(css) },
		"js":  func() template.JS { return template.JS(js) },
	}).ParseFS(templateFS, "templates/*.html"))
	return &pages{
		tmpl:    tmpl,
		version: hex.EncodeToString(version.Sum(nil)[:4]),
		csp: []string{"default-src 'none'; style-src " + cspHash(css) + "; script-src " + cspHash(js) +
			"; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
		latest:      latest,
		subscribers: subscribers,
		now:         time.Now,
	}
}

// cspHash returns the CSP source expression that allows one inline element
// whose text is s.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// setHeaders sets the headers every HTML page carries.
func (p *pages) setHeaders(h http.Header) {
	h["Content-Security-Policy"] = p.csp
	h.Set("X-Content-Type-Options", "nosniff")
}

// pageHead is what the head of a page shows: its title and the
// autodiscovery links of one feed.
type pageHead struct {
	Title     string
	Feed      pageFeed
	FeedTitle string
}

// pageFeed is one feed as a page shows it.
type pageFeed struct {
	Name            string // display name; empty for the site
	Home            string // URL path of its page
	RSS, Atom, JSON string // URL paths of its documents
	Items           int
	Date, Datetime  string // Updated, for people and for machines; empty when unknown
	Subscribers     int
}

// newPageFeed describes f. Updated is that of the feed's documents at the
// default limit.
func (p *pages) newPageFeed(f *feed.Feed, limit int) pageFeed {
	pf := pageFeed{
		Name:  f.Name,
		Home:  f.HomePath(),
		RSS:   f.Path(feed.RSS),
		Atom:  f.Path(feed.Atom),
		JSON:  f.Path(feed.JSON),
		Items: len(f.Posts),
	}
	if t := f.Updated(limit); !t.IsZero() {
		pf.Date, pf.Datetime = t.Format(time.DateOnly), t.Format(time.RFC3339)
	}
	if p.subscribers != nil {
		pf.Subscribers = p.subscribers(f.Kind, f.Key)
	}
	return pf
}

// pageGroup is one table of the index: every category, or every tag.
type pageGroup struct {
	ID, Title string
	Rows      []pageFeed
}

// writeIndex renders the index page of snap: the site feeds, then every
// category and tag with its item count, last update and links.
func (p *pages) writeIndex(w io.Writer, snap *feed.Snapshot, limit int) error {
	rows := func(fs []*feed.Feed) []pageFeed {
		out := make([]pageFeed, len(fs))
		for i, f := range fs {
			out[i] = p.newPageFeed(f, limit)
		}
		return out
	}
	all := p.newPageFeed(snap.SiteFeed(), limit)
	return p.tmpl.ExecuteTemplate(w, "index", struct {
		Head   pageHead
		Lang   string
		Site   feed.Site
		All    pageFeed
		Subs   bool
		Groups []pageGroup
	}{
		Head: pageHead{Title: snap.Site.Title + " · feeds", Feed: all, FeedTitle: snap.Site.Title},
		Lang: pageLang(snap.Site),
		Site: snap.Site,
		All:  all,
		Subs: p.subscribers != nil,
		Groups: []pageGroup{
			{ID: "categories", Title: "Categories", Rows: rows(snap.Categories())},
			{ID: "tags", Title: "Tags", Rows: rows(snap.Tags())},
		},
	})
}

// pageItem is one post in the list of a category or tag page.
type pageItem struct {
	Title, URL     string
	Date, Datetime string
}

// feedDocument describes the page of one category or tag at the default
// limit. Its validator is derived from the feed's, so that it changes with
// the listed posts, the item count, the subscriber count and the templates,
// and is equal on every replica.
func (p *pages) feedDocument(snap *feed.Snapshot, f *feed.Feed, limit int) document {
	pf := p.newPageFeed(f, limit)
	validator := f.Validator("html-"+p.version, p.latest) + "-" + strconv.Itoa(pf.Items)
	if p.subscribers != nil {
		validator += "-" + strconv.Itoa(pf.Subscribers)
	}
	kind := "Category"
	if f.Kind == feed.KindTag {
		kind = "Tag"
	}
	return document{
		validator:   validator,
		contentType: "text/html; charset=utf-8",
		format:      "html",
		render: func(w io.Writer) error {
			posts := f.Limit(p.latest)
			items := make([]pageItem, len(posts))
			for i, post := range posts {
				items[i] = pageItem{Title: post.Title, URL: post.URL,
					Date: post.Date.Format(time.DateOnly), Datetime: post.Date.Format(time.RFC3339)}
			}
			return p.tmpl.ExecuteTemplate(w, "feed", struct {
				Head   pageHead
				Lang   string
				Site   feed.Site
				Kind   string
				Feed   pageFeed
				Subs   bool
				Latest []pageItem
			}{
				Head:   pageHead{Title: f.Name + " · " + snap.Site.Title, Feed: pf, FeedTitle: f.Name},
				Lang:   pageLang(snap.Site),
				Site:   snap.Site,
				Kind:   kind,
				Feed:   pf,
				Subs:   p.subscribers != nil,
				Latest: items,
			})
		},
	}
}

// pageLang is the language of the site's pages.
func pageLang(site feed.Site) string {
	if site.Lang == "" {
		return "en"
	}
	return site.Lang
}

// serveHome serves the index page.
func (s *Server) serveHome(w http.ResponseWriter, r *http.Request, st *state) {
	idx := s.home(st)
	s.pages.setHeaders(w.Header())
	s.serveDocument(w, r, &idx.doc, &idx.tags, s.cacheControl)
}

// indexRefresh is how old the subscriber counts of the index page may get.
const indexRefresh = time.Minute

// liveIndex is the index page of one snapshot rendered again with newer
// subscriber counts. Counts change without a new snapshot: a server started
// before any aggregator polled would otherwise show none until the posts
// change.
type liveIndex struct {
	mu   sync.Mutex             // held by the one request that renders
	page atomic.Pointer[static] // nil until the first refresh
	at   atomic.Int64           // clock of the counts served, in Unix ns; 0 before the first request
}

// home returns the index page of st. Without subscriber counts it is the one
// rendered with the snapshot. With them, the first request after
// indexRefresh renders it again while the others are served the previous
// one; the new bytes get a new validator, so caches never serve old counts
// under it.
func (s *Server) home(st *state) *static {
	l := &st.live
	page := &st.index
	if p := l.page.Load(); p != nil {
		page = p
	}
	if s.pages.subscribers == nil {
		return page
	}
	now := s.pages.now().UnixNano()
	at := l.at.Load()
	if at == 0 {
		l.at.CompareAndSwap(0, now)
		return page
	}
	if time.Duration(now-at) < indexRefresh || !l.mu.TryLock() {
		return page
	}
	defer l.mu.Unlock()
	if l.at.Load() != at { // refreshed while this request waited for the lock
		if p := l.page.Load(); p != nil {
			return p
		}
		return page
	}
	idx, err := s.pages.index(st.snap, s.feedLimit)
	if err != nil {
		s.log.Error("index page not refreshed", "err", err)
		l.at.Store(now)
		return page
	}
	l.page.Store(&idx)
	l.at.Store(now)
	return &idx
}

// servePage returns the handler of the page of one category or tag.
func (s *Server) servePage(kind feed.Kind) func(http.ResponseWriter, *http.Request, *state) {
	return func(w http.ResponseWriter, r *http.Request, st *state) {
		f, ok := lookupFeed(w, r, st, kind)
		if !ok {
			return
		}
		d := s.pages.feedDocument(st.snap, f, s.feedLimit)
		tags := newETags(d.validator)
		s.pages.setHeaders(w.Header())
		s.serveDocument(w, r, &d, &tags, s.cacheControl)
	}
}

// index renders the index page of snap, validated by its bytes.
func (p *pages) index(snap *feed.Snapshot, limit int) (static, error) {
	return newStatic("html", "text/html; charset=utf-8", func(w io.Writer) error { return p.writeIndex(w, snap, limit) })
}
