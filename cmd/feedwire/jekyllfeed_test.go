package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/feedwire/feedwire/internal/sitetest"
)

// TestJekyllFeedURLs checks that jekyll-feed's paths answer with the native
// Atom documents and validators when _config.yml lists the plugin or the
// setting asks, and that /feed.xml is then Atom.
func TestJekyllFeedURLs(t *testing.T) {
	// extra's first line goes at the top level, its other lines under feed:.
	const config = "title: Site\nurl: https://news.example.org\ntimezone: Asia/Shanghai\n" +
		"feed:\n  categories: [Markets, bonds]\n  tags:\n    only: [gold, 黄金]\n"
	site := func(extra string) string {
		s := sitetest.New(t)
		s.Write("_config.yml", strings.Replace(config, "feed:\n", "feed:\n"+extra[strings.Index(extra, "\n")+1:], 1)+extra[:strings.Index(extra, "\n")+1])
		s.Post("2026-10-01-a.md", "A", "2026-10-01 08:00:00", "Markets", "gold")
		s.Post("2026-10-02-b.md", "B", "2026-10-02 08:00:00", "bonds", "黄金")
		return s.Root
	}
	type route struct {
		path, same string // same: the native URL whose document it answers with; "" means 404
	}
	jekyll := []route{
		{"/feed.xml", "/atom.xml"},
		{"/feed/Markets.xml", "/categories/markets/atom.xml"},
		{"/feed/markets.xml", "/categories/markets/atom.xml"},
		{"/feed/bonds.xml", "/categories/bonds/atom.xml"},
		{"/feed/by_tag/gold.xml", "/tags/gold/atom.xml"},
		{"/feed/by_tag/黄金.xml", ""}, // jekyll-feed writes no feed for a tag outside [A-Za-z0-9_]
		{"/feed/nope.xml", ""},
		{"/feed/Markets.json", ""},
	}
	tests := []struct {
		name   string
		extra  string
		env    string
		routes []route
	}{
		{"plugins", "plugins: [jekyll-feed]\n", "", jekyll},
		{"gems", "gems: [jekyll-feed]\n", "auto", jekyll},
		{"setting on", "\n", "on", jekyll},
		{"custom path", "plugins: [jekyll-feed]\n  path: /atom/feed.xml\n", "", []route{
			{"/atom/feed.xml", "/atom.xml"}}},
		{"not configured", "\n", "", []route{{"/feed/Markets.xml", ""}}},
		{"setting off", "plugins: [jekyll-feed]\n", "off", []route{{"/feed/Markets.xml", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"POSTS_DIR": site(tt.extra)}
			if tt.env != "" {
				env["JEKYLL_FEED_URLS"] = tt.env
			}
			ts := startServer(t, env)
			for _, r := range tt.routes {
				resp, body := get(t, "GET", ts.URL+r.path, nil)
				if r.same == "" {
					if resp.StatusCode != http.StatusNotFound {
						t.Errorf("%s: %d, want 404", r.path, resp.StatusCode)
					}
					continue
				}
				native, want := get(t, "GET", ts.URL+r.same, nil)
				if resp.StatusCode != 200 || string(body) != string(want) {
					t.Errorf("%s: %d, not the document of %s", r.path, resp.StatusCode, r.same)
				}
				if tag := resp.Header.Get("ETag"); tag == "" || tag != native.Header.Get("ETag") {
					t.Errorf("%s: ETag %q, %s has %q", r.path, tag, r.same, native.Header.Get("ETag"))
				}
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
					t.Errorf("%s: Content-Type %q", r.path, resp.Header.Get("Content-Type"))
				}
				again, _ := get(t, "GET", ts.URL+r.path, map[string]string{"If-None-Match": native.Header.Get("ETag")})
				if again.StatusCode != http.StatusNotModified {
					t.Errorf("%s: %d to the native ETag, want 304", r.path, again.StatusCode)
				}
			}
			if tt.routes[0].same == "" {
				resp, _ := get(t, "GET", ts.URL+"/feed.xml", nil)
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/rss+xml") {
					t.Errorf("/feed.xml: Content-Type %q, want RSS without jekyll-feed", resp.Header.Get("Content-Type"))
				}
			}
		})
	}
}
