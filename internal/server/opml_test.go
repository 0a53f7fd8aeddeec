package server

import (
	"encoding/xml"
	"slices"
	"testing"
)

// opmlURLs parses an OPML document into the xmlUrl of each outline, by
// group.
func opmlURLs(t *testing.T, body []byte) map[string][]string {
	t.Helper()
	var doc struct {
		Groups []struct {
			Text  string `xml:"text,attr"`
			Feeds []struct {
				URL string `xml:"xmlUrl,attr"`
			} `xml:"outline"`
		} `xml:"body>outline"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("OPML: %v\n%s", err, body)
	}
	out := map[string][]string{}
	for _, g := range doc.Groups {
		for _, f := range g.Feeds {
			out[g.Text] = append(out[g.Text], f.URL)
		}
	}
	return out
}

func TestOPMLRoutes(t *testing.T) {
	ts := startServer(t, map[string]string{"POSTS_DIR": pageSite(t)})
	const base = "https://news.example.org"
	tests := []struct {
		path string
		want int
		urls map[string][]string
	}{
		{"/categories.opml", 200, map[string][]string{"Categories": {
			base + "/categories/a%3Cb%22c/feed.xml", base + "/categories/xiangtanribao/feed.xml"}}},
		{"/tags.opml", 200, map[string][]string{"Tags": {
			base + "/tags/%3Cscript%3Ealert%281%29%3C%2Fscript%3E/feed.xml", base + "/tags/plain/feed.xml",
			base + "/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/feed.xml"}}},
		{"/categories/xiangtanribao/tags.opml", 200, map[string][]string{
			"Category": {base + "/categories/xiangtanribao/feed.xml"},
			"Tags":     {base + "/tags/plain/feed.xml"}}},
		{"/categories/XiangtanRibao/tags.opml", 200, map[string][]string{
			"Category": {base + "/categories/xiangtanribao/feed.xml"},
			"Tags":     {base + "/tags/plain/feed.xml"}}},
		{"/categories/nope/tags.opml", 404, nil},
		{"/tags/plain/tags.opml", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, "GET", ts.URL+tt.path, nil)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if tt.want != 200 {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != opmlContentType {
				t.Errorf("Content-Type %q", ct)
			}
			got := opmlURLs(t, body)
			for g, want := range tt.urls {
				slices.Sort(want)
				have := slices.Sorted(slices.Values(got[g]))
				if !slices.Equal(have, want) {
					t.Errorf("%s: %q, want %q", g, have, want)
				}
			}
			if len(got) != len(tt.urls) {
				t.Errorf("groups %v, want %d", got, len(tt.urls))
			}
			again, body2 := get(t, "GET", ts.URL+tt.path, map[string]string{"If-None-Match": resp.Header.Get("ETag")})
			if again.StatusCode != 304 || len(body2) != 0 {
				t.Errorf("with its ETag: %d, %d bytes", again.StatusCode, len(body2))
			}
			gz, _ := get(t, "GET", ts.URL+tt.path, map[string]string{"Accept-Encoding": "gzip"})
			if gz.Header.Get("Content-Encoding") != "gzip" || gz.Header.Get("ETag") == resp.Header.Get("ETag") {
				t.Errorf("gzip: Content-Encoding %q, ETag %q", gz.Header.Get("Content-Encoding"), gz.Header.Get("ETag"))
			}
		})
	}
}
