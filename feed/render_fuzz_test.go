package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

// FuzzRender renders a post with an arbitrary title, tag and body in every
// format: Render must not fail or panic, every XML document must decode
// with encoding/xml and every JSON document must be valid JSON.
func FuzzRender(f *testing.F) {
	entries, _ := os.ReadDir("testdata/render")
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/render", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add("标题", "标签", data)
	}
	f.Add("a\x00b]]>\uFFFE", "\xff", []byte("<p>]]>\x01\x0b</p><a href='//x/\x02'>"))
	f.Add("", "", []byte("<![CDATA[x]]>"))
	f.Fuzz(func(t *testing.T, title, tag string, body []byte) {
		isMarkdown := len(tag)%2 == 0 // both body kinds, from the tag's length
		const path = "_posts/2022-01-01-fuzz.md"
		site := testSite()
		data := append([]byte("---\n---\n"), body...)
		p := &Post{
			Path:       path,
			Slug:       "fuzz",
			Title:      title,
			Date:       time.Date(2022, 1, 1, 8, 0, 0, 0, site.Location),
			Updated:    time.Date(2022, 1, 1, 9, 0, 0, 0, site.Location),
			Categories: []string{tag},
			Tags:       []string{tag, title},
			Author:     title,
			Image:      "https://finews.example.com/" + tag,
			URL:        "https://finews.example.com/2022/01/01/fuzz.html",
			ID:         "https://finews.example.com/2022/01/01/fuzz.html",
			Hash:       contentHash(path, data),
			markdown:   isMarkdown,
			bodyStart:  len("---\n---\n"),
		}
		fsys := fstest.MapFS{path: &fstest.MapFile{Data: data}}
		s := NewSnapshot(site, fsys, []*Post{p}, nil, testNow)
		for _, feed := range allFeeds(s) {
			for _, format := range formats {
				var buf bytes.Buffer
				if err := s.Render(&buf, feed, format, 0); err != nil {
					t.Fatalf("%s: %v", feed.Path(format), err)
				}
				if format == JSON {
					if !json.Valid(buf.Bytes()) {
						t.Fatalf("%s: invalid JSON:\n%s", feed.Path(format), buf.Bytes())
					}
					continue
				}
				d := xml.NewDecoder(&buf)
				for {
					_, err := d.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("%s: ill-formed XML: %v", feed.Path(format), err)
					}
				}
			}
		}
		var opml bytes.Buffer
		if err := s.RenderOPML(&opml); err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(&opml)
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("opml: ill-formed XML: %v", err)
			}
		}
	})
}
