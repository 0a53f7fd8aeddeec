package main

import (
	"html/template"
	"io"

	"github.com/feedwire/feedwire/feed"
)

// indexPage lists every feed, with autodiscovery links for the site feeds.
// html/template escapes every name: post titles and tags are untrusted.
var indexPage = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="{{with .Site.Lang}}{{.}}{{else}}en{{end}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Site.Title}} · feeds</title>
<link rel="alternate" type="application/rss+xml" title="{{.Site.Title}}" href="{{.Site.URL}}/feed.xml">
<link rel="alternate" type="application/atom+xml" title="{{.Site.Title}}" href="{{.Site.URL}}/atom.xml">
<link rel="alternate" type="application/feed+json" title="{{.Site.Title}}" href="{{.Site.URL}}/feed.json">
</head>
<body>
<h1>{{.Site.Title}}</h1>
{{with .Site.Description}}<p>{{.}}</p>{{end}}
<p>Whole site: <a href="/feed.xml">RSS</a> · <a href="/atom.xml">Atom</a> · <a href="/feed.json">JSON Feed</a> · <a href="/opml.xml">OPML of every feed</a></p>
{{range .Groups}}{{if .Feeds}}
<h2>{{.Title}} ({{len .Feeds}})</h2>
<ul>
{{range .Feeds}}<li>{{.Name}} ({{len .Posts}}): <a href="{{.Path "rss"}}">RSS</a> · <a href="{{.Path "atom"}}">Atom</a> · <a href="{{.Path "json"}}">JSON</a></li>
{{end}}</ul>
{{end}}{{end}}
</body>
</html>
`))

// pageFeed adapts a feed for the template.
type pageFeed struct{ *feed.Feed }

// Path returns the feed's URL path in the named format.
func (p pageFeed) Path(format string) string {
	for _, f := range formats {
		if f.String() == format {
			return p.Feed.Path(f)
		}
	}
	return p.Feed.Path(feed.RSS)
}

type pageGroup struct {
	Title string
	Feeds []pageFeed
}

// writeIndex renders the index page of snap.
func writeIndex(w io.Writer, snap *feed.Snapshot) error {
	wrap := func(fs []*feed.Feed) []pageFeed {
		out := make([]pageFeed, len(fs))
		for i, f := range fs {
			out[i] = pageFeed{f}
		}
		return out
	}
	return indexPage.Execute(w, struct {
		Site   feed.Site
		Groups []pageGroup
	}{
		Site: snap.Site,
		Groups: []pageGroup{
			{Title: "Categories", Feeds: wrap(snap.Categories())},
			{Title: "Tags", Feeds: wrap(snap.Tags())},
		},
	})
}
