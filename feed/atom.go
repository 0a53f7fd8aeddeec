package feed

import (
	"encoding/xml"
	"io"
	"time"

	"github.com/gorilla/feeds"
)

// atomFeed is gorilla's AtomFeed with a language and several links
// (alternate, self, hub). It is encoded without entries; writeXMLItems puts
// each entry's cached bytes in.
type atomFeed struct {
	*feeds.AtomFeed
	Lang    string           `xml:"xml:lang,attr,omitempty"`
	Links   []feeds.AtomLink `xml:"link"`
	Archive *fhArchive       // set in RFC 5005 archive documents
}

// atomEntry is gorilla's AtomEntry with a category element per term, and
// its HTML content in a CDATA section, which encodes several times faster
// than escaped text and reads the same.
type atomEntry struct {
	*feeds.AtomEntry
	Lang       string `xml:"xml:lang,attr,omitempty"` // the post's, when it has one
	Content    *atomContent
	Categories []atomCategory `xml:"category"`
}

// atomContent is an Atom content element of type html, as CDATA.
type atomContent struct {
	XMLName xml.Name `xml:"content"`
	Type    string   `xml:"type,attr"`
	Content string   `xml:",cdata"`
}

// atomCategory is an Atom category element.
type atomCategory struct {
	XMLName xml.Name `xml:"category"`
	Term    string   `xml:"term,attr"`
}

// writeAtom writes v as Atom 1.0.
func writeAtom(w io.Writer, v *view) error {
	author := v.author
	if author == "" {
		author = v.title
	}
	doc := &atomFeed{
		AtomFeed: &feeds.AtomFeed{
			Xmlns:    nsAtom,
			Title:    v.title,
			Id:       v.id,
			Updated:  v.updated.Format(time.RFC3339),
			Subtitle: v.description,
			Author:   &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: author}},
		},
		Lang: v.lang,
		Links: []feeds.AtomLink{
			{Href: v.home, Rel: "alternate", Type: "text/html"},
			{Href: v.self, Rel: "self", Type: Atom.mediaType()},
		},
	}
	if v.hub != "" {
		doc.Links = append(doc.Links, feeds.AtomLink{Href: v.hub, Rel: "hub"})
	}
	for _, l := range v.links {
		doc.Links = append(doc.Links, feeds.AtomLink{Href: cleanText(l.href), Rel: l.rel, Type: Atom.mediaType()})
	}
	doc.Archive = v.fhArchive()
	return writeXMLItems(w, doc, "\n</feed>", "  ", v, Atom, func(p *Post, it *item) any {
		return newAtomEntry(p, it, v.author)
	})
}

// newAtomEntry fills the Atom entry of p.
func newAtomEntry(p *Post, it *item, siteAuthor string) *atomEntry {
	e := &feeds.AtomEntry{
		Title:     cleanText(p.Title),
		Id:        cleanText(itemID(p)),
		Updated:   updatedOf(p).Format(time.RFC3339),
		Published: p.Date.Format(time.RFC3339),
		Links:     []feeds.AtomLink{{Href: cleanText(p.URL), Rel: "alternate", Type: "text/html"}},
		Summary:   &feeds.AtomSummary{Content: it.summary, Type: "text"},
	}
	entry := &atomEntry{AtomEntry: e, Lang: cleanText(p.Lang)}
	if it.content != "" {
		entry.Content = &atomContent{Type: "html", Content: it.content}
	}
	if p.Image != "" {
		img := cleanText(p.Image)
		e.Links = append(e.Links, feeds.AtomLink{Href: img, Rel: "enclosure", Type: imageType(img)})
	}
	if a := cleanText(authorOf(p, siteAuthor)); a != "" {
		e.Author = &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: a}}
	}
	for _, t := range terms(p) {
		entry.Categories = append(entry.Categories, atomCategory{Term: t})
	}
	return entry
}
