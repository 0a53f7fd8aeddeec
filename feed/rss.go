package feed

import (
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/feeds"
)

// Namespaces the RSS documents use besides RSS's own.
const (
	nsAtom    = "http://www.w3.org/2005/Atom"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsMedia   = "http://search.yahoo.com/mrss/"
)

// rssDoc is gorilla's RssFeedXml with the namespaces of the extensions.
type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	NSAtom  string   `xml:"xmlns:atom,attr"`
	NSCont  string   `xml:"xmlns:content,attr"`
	NSDC    string   `xml:"xmlns:dc,attr"`
	NSMedia string   `xml:"xmlns:media,attr"`
	Channel *rssChannel
}

// rssChannel is gorilla's channel with self and hub links. It is encoded
// without items; writeXMLItems puts each item's cached bytes in.
type rssChannel struct {
	*feeds.RssFeed
	Links   []atomLink `xml:"atom:link"`
	Archive *fhArchive // set in RFC 5005 archive documents
}

// atomLink is an atom:link element inside RSS.
type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

// rssItem is gorilla's item with the author as dc:creator, the update time
// as atom:updated, every category, and the image as Media RSS.
type rssItem struct {
	*feeds.RssItem
	Updated    string      `xml:"atom:updated"`
	Creator    string      `xml:"dc:creator,omitempty"`
	Categories []string    `xml:"category"`
	Media      *mediaImage `xml:"media:content"`
	Thumbnail  *mediaThumb `xml:"media:thumbnail"`
}

// mediaImage is a media:content element for an image.
type mediaImage struct {
	URL    string `xml:"url,attr"`
	Medium string `xml:"medium,attr"`
	Type   string `xml:"type,attr,omitempty"`
}

// mediaThumb is a media:thumbnail element.
type mediaThumb struct {
	URL string `xml:"url,attr"`
}

// writeRSS writes v as RSS 2.0.
func writeRSS(w io.Writer, v *view) error {
	ch := &rssChannel{
		RssFeed: &feeds.RssFeed{
			Title:         v.title,
			Link:          v.home,
			Description:   v.description,
			Language:      v.lang,
			LastBuildDate: v.updated.Format(time.RFC1123Z),
		},
		Links: []atomLink{{Href: v.self, Rel: "self", Type: RSS.mediaType()}},
	}
	if v.hub != "" {
		ch.Links = append(ch.Links, atomLink{Href: v.hub, Rel: "hub"})
	}
	for _, l := range v.links {
		ch.Links = append(ch.Links, atomLink{Href: cleanText(l.href), Rel: l.rel, Type: RSS.mediaType()})
	}
	ch.Archive = v.fhArchive()
	doc := &rssDoc{
		Version: "2.0",
		NSAtom:  nsAtom,
		NSCont:  nsContent,
		NSDC:    nsDC,
		NSMedia: nsMedia,
		Channel: ch,
	}
	return writeXMLItems(w, doc, "\n  </channel>", "    ", v, RSS, func(b []byte, p *Post, it *item, prefix string) encoding {
		return appendRSSItem(b, newRSSItem(p, it, v.author), prefix)
	})
}

// newRSSItem fills the RSS item of p.
func newRSSItem(p *Post, it *item, siteAuthor string) *rssItem {
	id := cleanText(itemID(p))
	guid := &feeds.RssGuid{Id: id, IsPermaLink: "false"}
	if id == p.URL {
		guid.IsPermaLink = "true"
	}
	ri := &rssItem{
		RssItem: &feeds.RssItem{
			Title:       cleanText(p.Title),
			Link:        cleanText(p.URL),
			Description: it.summary,
			Guid:        guid,
			PubDate:     p.Date.Format(time.RFC1123Z),
		},
		Updated:    updatedOf(p).Format(time.RFC3339),
		Creator:    cleanText(authorOf(p, siteAuthor)),
		Categories: terms(p),
	}
	if it.content != "" {
		ri.Content = &feeds.RssContent{Content: it.content}
	}
	if p.Image != "" {
		img := cleanText(p.Image)
		ri.Media = &mediaImage{URL: img, Medium: "image", Type: imageType(img)}
		ri.Thumbnail = &mediaThumb{URL: img}
	}
	return ri
}

// appendRSSItem appends ri as encoding/xml encodes it with Indent(prefix,
// "  "): the embedded item's fields in order, less Category, which the
// item's own category elements replace, then the item's fields.
func appendRSSItem(b []byte, ri *rssItem, prefix string) encoding {
	w := xmlWriter{b: b, prefix: prefix}
	w.start("item")
	if it := ri.RssItem; it != nil {
		w.element("title", it.Title)
		w.element("link", it.Link)
		w.elementOmit("description", it.Description)
		if c := it.Content; c != nil {
			w.start("content:encoded")
			w.cdataShared(c.Content)
			w.end("content:encoded")
		}
		w.elementOmit("author", it.Author)
		w.elementOmit("comments", it.Comments)
		if e := it.Enclosure; e != nil {
			w.open("enclosure")
			w.attr("url", e.Url)
			w.attr("length", e.Length)
			w.attr("type", e.Type)
			w.closeStart()
			w.end("enclosure")
		}
		if g := it.Guid; g != nil {
			w.open("guid")
			w.attrOmit("isPermaLink", g.IsPermaLink)
			w.closeStart()
			w.text(g.Id)
			w.end("guid")
		}
		w.elementOmit("pubDate", it.PubDate)
		w.elementOmit("source", it.Source)
	}
	w.element("atom:updated", ri.Updated)
	w.elementOmit("dc:creator", ri.Creator)
	for _, c := range ri.Categories {
		w.element("category", c)
	}
	if m := ri.Media; m != nil {
		w.open("media:content")
		w.attr("url", m.URL)
		w.attr("medium", m.Medium)
		w.attrOmit("type", m.Type)
		w.closeStart()
		w.end("media:content")
	}
	if t := ri.Thumbnail; t != nil {
		w.open("media:thumbnail")
		w.attr("url", t.URL)
		w.closeStart()
		w.end("media:thumbnail")
	}
	w.end("item")
	return w.encoding()
}

// encodeXML writes the XML declaration and doc, indented as gorilla does.
func encodeXML(w io.Writer, doc any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	e := xml.NewEncoder(w)
	e.Indent("", "  ")
	if err := e.Encode(doc); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	return e.Close()
}

// terms returns the categories then the tags of p, cleaned, without
// repeating a name.
func terms(p *Post) []string {
	out := make([]string, 0, len(p.Categories)+len(p.Tags))
	var seen map[string]bool // when there are too many names to search out
	if cap(out) > 16 {
		seen = make(map[string]bool, cap(out))
	}
	for _, list := range [][]string{p.Categories, p.Tags} {
		for _, name := range list {
			name = cleanText(name)
			if name == "" || seen != nil && seen[name] || seen == nil && slices.Contains(out, name) {
				continue
			}
			if seen != nil {
				seen[name] = true
			}
			out = append(out, name)
		}
	}
	return out
}

// imageType returns the media type of an image URL from its extension, or ""
// when the extension is not a common image type. A fixed table, not the
// system's, keeps documents equal on every machine.
func imageType(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	ext := ""
	for i := len(u) - 1; i >= 0 && u[i] != '/'; i-- {
		if u[i] == '.' {
			ext = u[i+1:]
			break
		}
	}
	switch strings.ToLower(ext) {
	case "jpg", "jpeg":
		return "image/jpeg"
	case "png":
		return "image/png"
	case "gif":
		return "image/gif"
	case "webp":
		return "image/webp"
	case "svg":
		return "image/svg+xml"
	case "avif":
		return "image/avif"
	}
	return ""
}
