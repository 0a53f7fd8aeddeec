package server

import (
	"context"
	"net/url"
	"testing"
)

func TestTopic(t *testing.T) {
	ts := startServer(t, nil)
	const site = "https://news.example.org"
	tag := "/tags/" + url.PathEscape("株洲日报新闻") + "/atom.xml"
	tests := []struct {
		name, raw, want string
	}{
		{"site RSS", site + "/feed.xml", site + "/feed.xml"},
		{"site JSON", site + "/feed.json", site + "/feed.json"},
		{"category Atom", site + "/categories/zhuzhouribao/atom.xml", site + "/categories/zhuzhouribao/atom.xml"},
		{"category in capitals", site + "/categories/ZhuzhouRibao/atom.xml", site + "/categories/zhuzhouribao/atom.xml"},
		{"tag escaped", site + tag, site + tag},
		{"tag unescaped", site + "/tags/株洲日报新闻/atom.xml", site + tag},
		{"unknown category", site + "/categories/nosuch/atom.xml", ""},
		{"archive", site + "/archive/2026/09/feed.xml", ""},
		{"category archive", site + "/categories/zhuzhouribao/archive/2026/09/feed.xml", ""},
		{"page", site + "/categories/zhuzhouribao/", ""},
		{"OPML", site + "/opml.xml", ""},
		{"query", site + "/feed.xml?limit=5", ""},
		{"another site", "https://elsewhere.example/feed.xml", ""},
		{"another scheme", "http://news.example.org/feed.xml", ""},
		{"prefix of the host", site + ".evil.example/feed.xml", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ts.server.Topic(tt.raw)
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("Topic(%q) = %q, %v; want %q", tt.raw, got, ok, tt.want)
			}
		})
	}
}

func TestPushIsTheWholeDocumentWithoutAnEarlierVersion(t *testing.T) {
	ts := startServer(t, nil)
	const topic = "https://news.example.org/categories/zhuzhouribao/atom.xml"
	p, err := ts.server.Push(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	_, body := get(t, "GET", ts.URL+"/categories/zhuzhouribao/atom.xml", nil)
	if string(p.Body) != string(body) || p.ContentType != "application/atom+xml; charset=utf-8" {
		t.Fatalf("push %q (%d bytes), want the served document (%d bytes)", p.ContentType, len(p.Body), len(body))
	}
	if _, err := ts.server.Push(context.Background(), "https://news.example.org/archive/2026/09/feed.xml"); err == nil {
		t.Fatal("an archive was pushed")
	}
}
