package feed

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
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

// opmlGroup is one group of an OPML list: its text and its feeds.
type opmlGroup struct {
	text  string
	feeds []*Feed
}

// RenderOPML writes an OPML 2.0 list of every RSS feed of the snapshot: the
// site, each category and each tag, grouped by kind.
func (s *Snapshot) RenderOPML(w io.Writer) error {
	return s.writeOPML(w, s.Site.Title, s.site.Updated(-1), []opmlGroup{
		{"Site", []*Feed{s.site}}, {"Categories", s.categories}, {"Tags", s.tags}})
}

// RenderGroupOPML writes an OPML 2.0 list of the RSS feed of every category
// (kind KindCategory) or every tag (KindTag), as one group, in the format of
// RenderOPML.
func (s *Snapshot) RenderGroupOPML(w io.Writer, kind Kind) error {
	g := opmlGroup{"Categories", s.categories}
	switch kind {
	case KindCategory:
	case KindTag:
		g = opmlGroup{"Tags", s.tags}
	default:
		return fmt.Errorf("feed: render opml: %w: %s", ErrNotFound, kind)
	}
	return s.writeOPML(w, s.Site.Title+" · "+g.text, s.site.Updated(-1), []opmlGroup{g})
}

// CategoryTags returns the feed of every tag that a post of the category f
// carries, sorted by key.
func (s *Snapshot) CategoryTags(f *Feed) []*Feed {
	seen := map[*Feed]bool{}
	var out []*Feed
	for _, p := range f.Posts {
		for i, name := range p.Tags {
			key := ""
			if len(p.tagKeys) == len(p.Tags) {
				key = p.tagKeys[i]
			} else {
				key = Fold(name)
			}
			if t := s.byTag[key]; t != nil && !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b *Feed) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// RenderCategoryTagsOPML writes an OPML 2.0 list of the category's RSS feed
// and of the feed of every tag its posts carry, in the format of
// RenderOPML: a newspaper's topics, to subscribe to one by one.
func (s *Snapshot) RenderCategoryTagsOPML(w io.Writer, f *Feed) error {
	if f == nil || f.Kind != KindCategory {
		return fmt.Errorf("feed: render opml: %w", ErrNotFound)
	}
	return s.writeOPML(w, s.Site.Title+" · "+f.Name+" · Tags", f.Updated(-1), []opmlGroup{
		{"Category", []*Feed{f}}, {"Tags", s.CategoryTags(f)}})
}

// writeOPML writes an OPML 2.0 list of the RSS feeds of groups, leaving out
// empty groups.
func (s *Snapshot) writeOPML(w io.Writer, title string, updated time.Time, groups []opmlGroup) error {
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
	doc := &opmlDoc{Version: "2.0", Head: opmlHead{Title: cleanText(title)}}
	if !updated.IsZero() {
		doc.Head.DateModified = updated.Format(time.RFC1123Z)
	}
	for _, group := range groups {
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
