package feed

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// opmlDoc is an OPML 2.0 subscription list.
type opmlDoc struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    opmlHead `xml:"head"`
	Body    opmlBody `xml:"body"`
}

// opmlHead is the head of an OPML document.
type opmlHead struct {
	Title        string `xml:"title"`
	DateModified string `xml:"dateModified,omitempty"`
}

// opmlBody holds the outlines: one group per kind of feed.
type opmlBody struct {
	Outlines []opmlOutline `xml:"outline"`
}

// opmlOutline is a group of feeds (Text set, Outlines filled) or one feed.
type opmlOutline struct {
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr,omitempty"`
	Type     string        `xml:"type,attr,omitempty"`
	XMLURL   string        `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string        `xml:"htmlUrl,attr,omitempty"`
	Outlines []opmlOutline `xml:"outline"`
}

// RenderOPML writes an OPML 2.0 list of every RSS feed of the snapshot: the
// site, each category and each tag, grouped by kind.
func (s *Snapshot) RenderOPML(w io.Writer) error {
	outline := func(f *Feed) opmlOutline {
		title := s.Site.Title
		if f.Kind != KindSite {
			title += " · " + f.Name
		}
		title = cleanText(title)
		return opmlOutline{
			Text:    title,
			Title:   title,
			Type:    "rss",
			XMLURL:  cleanText(s.Site.URL + f.Path(RSS)),
			HTMLURL: cleanText(s.Site.URL + f.HomePath()),
		}
	}
	doc := &opmlDoc{
		Version: "2.0",
		Head:    opmlHead{Title: cleanText(s.Site.Title)},
		Body: opmlBody{Outlines: []opmlOutline{
			{Text: "Site", Outlines: []opmlOutline{outline(s.site)}},
		}},
	}
	if u := s.site.Updated(-1); !u.IsZero() {
		doc.Head.DateModified = u.Format(time.RFC1123Z)
	}
	for _, group := range []struct {
		text  string
		feeds []*Feed
	}{{"Categories", s.categories}, {"Tags", s.tags}} {
		if len(group.feeds) == 0 {
			continue
		}
		g := opmlOutline{Text: group.text, Outlines: make([]opmlOutline, len(group.feeds))}
		for i, f := range group.feeds {
			g.Outlines[i] = outline(f)
		}
		doc.Body.Outlines = append(doc.Body.Outlines, g)
	}
	if err := encodeXML(w, doc); err != nil {
		return fmt.Errorf("feed: render opml: %w", err)
	}
	return nil
}
