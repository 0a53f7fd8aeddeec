package feed

import (
	"bytes"
	"encoding/json"
	"html"
	"io"

	"github.com/gorilla/feeds"
)

// jsonFeedVersion is the version URL of JSON Feed 1.1.
const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonItem is gorilla's JSONItem with the post's language when it has one,
// and content_text, shadowing gorilla's, set to "" for a post without any
// content: JSON Feed wants content_html or content_text in every item, and
// an empty text is all an empty post has to say.
type jsonItem struct {
	*feeds.JSONItem
	ContentHTML string  `json:"content_html,omitempty"`
	ContentText *string `json:"content_text,omitempty"`
	Language    string  `json:"language,omitempty"`
}

// writeJSON writes v as compact JSON Feed 1.1, without HTML escaping. The
// feed's fields come from gorilla's JSONFeed; each item is encoded once per
// snapshot and kept with the item, since escaping kilobytes of Chinese text
// for JSON is most of the work. The items array is always present.
func writeJSON(w io.Writer, v *view) error {
	doc := &feeds.JSONFeed{
		Version:     jsonFeedVersion,
		Title:       v.title,
		Language:    v.lang,
		HomePageUrl: v.home,
		FeedUrl:     v.id,
		Description: v.description,
	}
	if v.author != "" {
		doc.Authors = []*feeds.JSONAuthor{{Name: v.author}}
	}
	if v.hub != "" {
		doc.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: v.hub}}
	}
	hist := v.jsonHistory()
	if hist != nil {
		doc.NextUrl = hist.Next
	}
	head, err := encodeJSON(doc) // Items is empty, so omitted: {...}
	if err != nil {
		return err
	}
	out := head[:len(head)-1] // without the closing brace
	if hist != nil {
		b, err := encodeJSON(hist)
		if err != nil {
			return err
		}
		out = append(out, `,"_history":`...)
		out = append(out, b...)
	}
	out = append(out, `,"items":[`...)
	items := make([][]byte, len(v.posts))
	for i, p := range v.posts {
		it := v.items[i]
		item, err := it.encoded(JSON, func() (encoding, error) {
			b := append(make([]byte, 0, len(it.content)+len(it.summary)+1024), ',')
			b, err := encodeJSONItem(b, newJSONItem(p, it, v.author))
			return encoding{head: b}, err
		})
		if err != nil {
			return err
		}
		items[i] = item.head
	}
	// The pieces go to w as they are: each item is kilobytes long, and
	// copying a whole document through a buffer costs more than the writes
	// it saves. Each item is kept with the comma that precedes it.
	if _, err := w.Write(out); err != nil {
		return err
	}
	for i, item := range items {
		if i == 0 {
			item = item[1:]
		}
		if _, err := w.Write(item); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, "]}\n")
	return err
}

// newJSONItem fills gorilla's JSONItem for p.
func newJSONItem(p *Post, it *item, siteAuthor string) *jsonItem {
	published, modified := p.Date, updatedOf(p)
	ji := &feeds.JSONItem{
		Id:            cleanText(itemID(p)),
		Url:           cleanText(p.URL),
		Title:         cleanText(p.Title),
		Summary:       it.summary,
		Image:         cleanText(p.Image),
		PublishedDate: &published,
		ModifiedDate:  &modified,
		Tags:          terms(p),
	}
	if a := cleanText(authorOf(p, siteAuthor)); a != "" {
		ji.Authors = []*feeds.JSONAuthor{{Name: a}}
	}
	out := &jsonItem{JSONItem: ji, ContentHTML: it.content, Language: cleanText(p.Lang)}
	switch {
	case it.content != "":
	case it.summary != "":
		out.ContentHTML = "<p>" + html.EscapeString(it.summary) + "</p>"
	default:
		out.ContentText = new(string)
	}
	return out
}

// encodeJSON returns v as compact JSON without HTML escaping and without the
// encoder's trailing newline.
func encodeJSON(v any) ([]byte, error) { return appendJSON(nil, v) }

// appendJSON appends v to b as encodeJSON encodes it.
func appendJSON(b []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	e := json.NewEncoder(buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
