package feed

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// item returns the processed content of p, from the snapshot's cache when it
// holds it, rendering Markdown into buf: made absolute and, unless the site
// trusts its HTML, sanitized, once per post and not per request. An
// unreadable or changed post file is an error.
func (s *Snapshot) item(p *Post, buf *htmlBuffer) (*item, error) {
	if it, ok := s.items.get(p); ok {
		return it, nil
	}
	raw, err := s.body(p)
	if err != nil {
		return nil, err
	}
	body, err := renderBody(s.md, raw, p.markdown, buf)
	if err != nil {
		return nil, err
	}
	if p.liquid != nil {
		body = p.rendered.body.restore(body)
	}
	content := cleanText(newResolver(p.URL, s.Site.URL).absolute(body))
	excerpt := content
	if strings.TrimSpace(p.Description) == "" {
		var cut liquidText
		if p.rendered != nil {
			cut = p.rendered.excerpt // Liquid rendered the excerpt on its own, as Jekyll does
		} else {
			cut.text = rawExcerpt(raw, s.excerptSeparator(p))
		}
		if p.rendered != nil || len(cut.text) < len(raw) {
			html, err := renderBody(s.md, cut.text, p.markdown, new(htmlBuffer))
			if err != nil {
				return nil, err
			}
			excerpt = string(cut.restore(html))
		}
	}
	it := &item{summary: cleanText(summarize(p, excerpt, s.Site.SummaryRunes))}
	if s.Site.FullContent {
		if !s.Site.TrustHTML {
			content = sanitizeHTML(content)
		}
		if strings.TrimSpace(content) != "" { // an empty post shows no content at all
			it.content = content
		}
	}
	return s.items.put(p, it), nil
}

// excerptSeparator returns the excerpt separator of p: its own, else the
// site's, else Jekyll's default.
func (s *Snapshot) excerptSeparator(p *Post) string {
	if p.ExcerptSeparator != "" {
		return p.ExcerptSeparator
	}
	return s.Site.ExcerptSeparator
}

// view is what every format shows of one document: cleaned metadata, and
// the posts with their processed items.
type view struct {
	title, description, home, self, lang, author string
	id                                           string // the feed's identity: its current document's URL
	hub                                          string
	links                                        []link // RFC 5005 paging and archive links
	archive                                      bool   // an RFC 5005 archive document
	updated                                      time.Time
	posts                                        []*Post
	items                                        []*item
	tombstones                                   []Tombstone // RFC 6721 deleted entries, RSS and Atom only
}

// view gathers what a document of f showing posts shows.
func (s *Snapshot) view(f *Feed, format Format, posts []*Post) (*view, error) {
	site := s.Site
	v := &view{
		title:       cleanText(site.Title),
		description: cleanText(site.Description),
		home:        cleanText(site.URL + f.HomePath()),
		self:        cleanText(site.URL + f.Path(format)),
		lang:        cleanText(site.Lang),
		author:      cleanText(site.Author),
		hub:         cleanText(site.WebSubHub),
		tombstones:  f.tombstones,
		updated:     time.Unix(0, 0).UTC(), // a feed without posts: fixed, never the clock
		posts:       posts,
	}
	v.id = v.self
	if f.Kind != KindSite {
		v.title = cleanText(site.Title + " · " + f.Name)
	}
	if v.description == "" {
		v.description = v.title
	}
	v.items = make([]*item, len(v.posts))
	var buf htmlBuffer // Markdown output, one post after another
	for i, p := range v.posts {
		it, err := s.item(p, &buf)
		if err != nil {
			return nil, err
		}
		v.items[i] = it
		if u := updatedOf(p); i == 0 || u.After(v.updated) {
			v.updated = u
		}
	}
	return v, nil
}

// updatedOf returns when p last changed: Updated, else Date.
func updatedOf(p *Post) time.Time {
	if p.Updated.IsZero() {
		return p.Date
	}
	return p.Updated
}

// itemID returns the permanent ID of p: its ID, else its permalink.
func itemID(p *Post) string {
	if p.ID != "" {
		return p.ID
	}
	return p.URL
}

// authorOf returns the author of p, else the site's.
func authorOf(p *Post, site string) string {
	if p.Author != "" {
		return p.Author
	}
	return site
}

// Render writes the document of the first limit posts of f in format to w;
// limit ≤ 0 means every post. It is page 1 of RenderPage with limit posts a
// page. The same snapshot always gives the same bytes. If a post's file
// cannot be read, or changed since it was loaded, Render returns that error
// (wrapping ErrChanged or the fs error) before writing anything; an error of
// w is returned as it happens.
func (s *Snapshot) Render(w io.Writer, f *Feed, format Format, limit int) error {
	return s.RenderPage(w, f, format, Paging{Size: limit, Page: 1})
}

// render writes a document of f in format showing posts, after adjust has
// set what differs between the feed's documents: self URL and links.
func (s *Snapshot) render(w io.Writer, f *Feed, format Format, posts []*Post, adjust func(*view)) error {
	var write func(io.Writer, *view) error
	switch format {
	case RSS:
		write = writeRSS
	case Atom:
		write = writeAtom
	case JSON:
		write = writeJSON
	default:
		return fmt.Errorf("feed: render: %w: %s", ErrFormat, format)
	}
	v, err := s.view(f, format, posts)
	if err == nil {
		adjust(v)
		for _, t := range v.tombstones { // a removal changes the feed too
			if t.When.After(v.updated) {
				v.updated = t.When
			}
		}
		err = write(w, v)
	}
	if err != nil {
		return fmt.Errorf("feed: render %s: %w", f.Path(format), err)
	}
	return nil
}
