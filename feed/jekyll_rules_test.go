package feed

import (
	"context"
	"testing"
	"testing/fstest"
	"time"
)

// TestJekyllNames checks dates, names and URLs as Jekyll computes them, on
// the cases of Jekyll's own test posts, without jekyll itself.
func TestJekyllNames(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	fm := func(extra string) string { return "---\ntitle: t\n" + extra + "---\nBody.\n" }
	fsys := fstest.MapFS{
		"_config.yml":                              {Data: []byte("url: https://example.invalid\ntimezone: America/Los_Angeles\n")},
		"_posts/2013-05-06-crossing.md":            {Data: []byte(fm("date: 2013-05-06 02:00:00 +0000\n"))},
		"_posts/2014-10-01-noon.md":                {Data: []byte(fm("date: 2014-10-01 12:00:00\n"))},
		"_posts/2017-2-5-i-dont-like-zeroes.md":    {Data: []byte(fm(""))},
		"_posts/2011-04-12-text-extension.text":    {Data: []byte("Best **post** ever\n")},
		"_posts/2013-08-01-mkdn-extension.mkdn":    {Data: []byte(fm(""))},
		"_posts/2014-11-24-Rmd-extension.Rmd":      {Data: []byte(fm(""))},
		"_posts/2018-10-12-trailing-dots...md":     {Data: []byte(fm(""))},
		"_posts/2009-03-12-hash-#1.md":             {Data: []byte(fm(""))},
		"_posts/2014-03-22-escape-+ %20[].md":      {Data: []byte(fm(""))},
		"_posts/2014-01-06-permalink-traversal.md": {Data: []byte(fm("permalink: /%2e%2e/%2e%2e/baddie.html\n"))},
		"_posts/2008-02-03-wrong-extension.yml":    {Data: []byte(fm(""))},
		"_posts/notes.txt":                         {Data: []byte("not a post\n")},
		"_posts/2020-01-01-photo.jpg":              {Data: []byte("\xff\xd8\xff\x00binary")},
	}
	site, err := ReadSiteConfig(fsys)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), fsys, LoadOptions{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, url, id string
		date          time.Time
		markdown      bool
	}{
		{"_posts/2013-05-06-crossing.md", "https://example.invalid/2013/05/05/crossing.html", "https://example.invalid/2013/05/05/crossing",
			time.Date(2013, 5, 6, 2, 0, 0, 0, time.UTC), true},
		{"_posts/2014-10-01-noon.md", "https://example.invalid/2014/10/01/noon.html", "https://example.invalid/2014/10/01/noon",
			time.Date(2014, 10, 1, 12, 0, 0, 0, la), true},
		{"_posts/2017-2-5-i-dont-like-zeroes.md", "https://example.invalid/2017/02/05/i-dont-like-zeroes.html", "https://example.invalid/2017/02/05/i-dont-like-zeroes",
			time.Date(2017, 2, 5, 0, 0, 0, 0, la), true},
		{"_posts/2011-04-12-text-extension.text", "https://example.invalid/2011/04/12/text-extension.text", "https://example.invalid/2011/04/12/text-extension",
			time.Date(2011, 4, 12, 0, 0, 0, 0, la), false},
		{"_posts/2013-08-01-mkdn-extension.mkdn", "https://example.invalid/2013/08/01/mkdn-extension.html", "https://example.invalid/2013/08/01/mkdn-extension",
			time.Date(2013, 8, 1, 0, 0, 0, 0, la), true},
		{"_posts/2014-11-24-Rmd-extension.Rmd", "https://example.invalid/2014/11/24/Rmd-extension.Rmd", "https://example.invalid/2014/11/24/Rmd-extension",
			time.Date(2014, 11, 24, 0, 0, 0, 0, la), false},
		{"_posts/2018-10-12-trailing-dots...md", "https://example.invalid/2018/10/12/trailing-dots.html", "https://example.invalid/2018/10/12/trailing-dots",
			time.Date(2018, 10, 12, 0, 0, 0, 0, la), true},
		{"_posts/2009-03-12-hash-#1.md", "https://example.invalid/2009/03/12/hash-1.html", "https://example.invalid/2009/03/12/hash-#1",
			time.Date(2009, 3, 12, 0, 0, 0, 0, la), true},
		{"_posts/2014-03-22-escape-+ %20[].md", "https://example.invalid/2014/03/22/escape-+-20.html", "https://example.invalid/2014/03/22/escape-+%20%20%5B%5D",
			time.Date(2014, 3, 22, 0, 0, 0, 0, la), true},
		{"_posts/2014-01-06-permalink-traversal.md", "https://example.invalid/baddie.html", "https://example.invalid/permalink-traversal",
			time.Date(2014, 1, 6, 0, 0, 0, 0, la), true},
	}
	byPath := map[string]*Post{}
	for _, p := range s.AllPosts() {
		byPath[p.Path] = p
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := byPath[tt.path]
			if p == nil {
				t.Fatalf("not loaded; problems %v", s.Problems)
			}
			if p.URL != tt.url || p.ID != tt.id || !p.Date.Equal(tt.date) || p.markdown != tt.markdown {
				t.Errorf("got %s %s %s markdown=%v\nwant %s %s %s markdown=%v", p.URL, p.ID, p.Date, p.markdown, tt.url, tt.id, tt.date, tt.markdown)
			}
		})
	}
	if len(s.AllPosts()) != len(tests) || len(s.Problems) != 0 {
		t.Errorf("%d posts, problems %v; want %d posts, no problem (YAML, undated and binary files of _posts left out)", len(s.AllPosts()), s.Problems, len(tests))
	}
	if len(s.Warnings) != 1 || s.Warnings[0].Path != "_posts/2011-04-12-text-extension.text" {
		t.Errorf("warnings %v, want one for the file without front matter", s.Warnings)
	}
}
