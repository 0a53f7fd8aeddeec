package feed

import (
	"encoding/json"
	"html"
	"io"

	"github.com/gorilla/feeds"
)

// jsonFeedVersion is the version URL of JSON Feed 1.1.
const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonFeed is gorilla's JSONFeed whose items array is always present.
type jsonFeed struct {
	*feeds.JSONFeed
	Items []*jsonItem `json:"items"`
}

// jsonItem is gorilla's JSONItem whose content_html is always present.
type jsonItem struct {
	*feeds.JSONItem
	ContentHTML string `json:"content_html"`
}

// writeJSON writes v as compact JSON Feed 1.1, without HTML escaping.
func writeJSON(w io.Writer, v *view) error {
	doc := &jsonFeed{
		JSONFeed: &feeds.JSONFeed{
			Version:     jsonFeedVersion,
			Title:       v.title,
			Language:    v.lang,
			HomePageUrl: v.home,
			FeedUrl:     v.self,
			Description: v.description,
		},
		Items: make([]*jsonItem, len(v.posts)),
	}
	if v.author != "" {
		doc.Authors = []*feeds.JSONAuthor{{Name: v.author}}
	}
	if v.hub != "" {
		doc.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: v.hub}}
	}
	for i, p := range v.posts {
		it := v.items[i]
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
		if a := cleanText(authorOf(p, v.author)); a != "" {
			ji.Authors = []*feeds.JSONAuthor{{Name: a}}
		}
		content := it.content
		if content == "" {
			content = "<p>" + html.EscapeString(it.summary) + "</p>"
		}
		doc.Items[i] = &jsonItem{JSONItem: ji, ContentHTML: content}
	}
	e := json.NewEncoder(w)
	e.SetEscapeHTML(false) // compact: indenting doubles the cost of a render
	return e.Encode(doc)
}
