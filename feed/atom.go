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
	return writeXMLItems(w, doc, "\n</feed>", "  ", v, Atom, func(b []byte, p *Post, it *item, prefix string) encoding {
		return appendAtomEntry(b, newAtomEntry(p, it, v.author), prefix)
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
	}
	if it.summary != "" {
		e.Summary = &feeds.AtomSummary{Content: it.summary, Type: "text"}
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

// appendAtomEntry appends e as encoding/xml encodes it with Indent(prefix,
// "  "): the embedded entry's fields in order, less Category and Content,
// which the entry's own fields replace, then the entry's fields.
func appendAtomEntry(b []byte, e *atomEntry, prefix string) encoding {
	w := xmlWriter{b: b, prefix: prefix}
	w.open("entry")
	if e.AtomEntry != nil {
		w.attrOmit("xmlns", e.Xmlns)
	}
	w.attrOmit("xml:lang", e.Lang)
	w.closeStart()
	if a := e.AtomEntry; a != nil {
		w.element("title", a.Title)
		w.element("updated", a.Updated)
		w.element("id", a.Id)
		w.elementOmit("rights", a.Rights)
		w.elementOmit("source", a.Source)
		w.elementOmit("published", a.Published)
		if c := a.Contributor; c != nil {
			appendAtomPerson(&w, "contributor", &c.AtomPerson)
		}
		for _, l := range a.Links {
			w.open("link")
			w.attr("href", l.Href)
			w.attrOmit("rel", l.Rel)
			w.attrOmit("type", l.Type)
			w.attrOmit("length", l.Length)
			w.closeStart()
			w.end("link")
		}
		if s := a.Summary; s != nil {
			w.open("summary")
			w.attr("type", s.Type)
			w.closeStart()
			w.text(s.Content)
			w.end("summary")
		}
		if au := a.Author; au != nil {
			appendAtomPerson(&w, "author", &au.AtomPerson)
		}
	}
	if c := e.Content; c != nil {
		w.open("content")
		w.attr("type", c.Type)
		w.closeStart()
		w.cdataShared(c.Content)
		w.end("content")
	}
	for _, c := range e.Categories {
		w.open("category")
		w.attr("term", c.Term)
		w.closeStart()
		w.end("category")
	}
	w.end("entry")
	return w.encoding()
}

// appendAtomPerson writes an Atom person construct named name.
func appendAtomPerson(w *xmlWriter, name string, p *feeds.AtomPerson) {
	w.start(name)
	w.elementOmit("name", p.Name)
	w.elementOmit("uri", p.Uri)
	w.elementOmit("email", p.Email)
	w.end(name)
}
