package feed

import (
	"bytes"
	"encoding/xml"
	"slices"
	"testing"
)

// readOPML parses an OPML document into its title and, per group, the
// xmlUrl of each outline.
func readOPML(t *testing.T, b []byte) (title string, groups map[string][]string) {
	t.Helper()
	var doc opmlDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("OPML: %v\n%s", err, b)
	}
	groups = map[string][]string{}
	for _, g := range doc.Body.Outlines {
		for _, o := range g.Outlines {
			groups[g.Text] = append(groups[g.Text], o.XMLURL)
		}
	}
	return doc.Head.Title, groups
}

// rssURLs returns the RSS URLs of feeds.
func rssURLs(s *Snapshot, feeds []*Feed) []string {
	var out []string
	for _, f := range feeds {
		out = append(out, s.Site.URL+f.Path(RSS))
	}
	return out
}

func TestRenderGroupOPML(t *testing.T) {
	s := historySnapshot(t)
	tests := []struct {
		kind  Kind
		group string
		feeds []*Feed
	}{
		{KindCategory, "Categories", s.Categories()},
		{KindTag, "Tags", s.Tags()},
	}
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			var b bytes.Buffer
			if err := s.RenderGroupOPML(&b, tt.kind); err != nil {
				t.Fatal(err)
			}
			title, groups := readOPML(t, b.Bytes())
			if title != s.Site.Title+" · "+tt.group || len(groups) != 1 {
				t.Errorf("title %q, groups %v", title, groups)
			}
			if !slices.Equal(groups[tt.group], rssURLs(s, tt.feeds)) {
				t.Errorf("%s lists %q, want %q", tt.group, groups[tt.group], rssURLs(s, tt.feeds))
			}
		})
	}
	if err := s.RenderGroupOPML(&bytes.Buffer{}, KindSite); err == nil {
		t.Error("a group OPML of the site")
	}
}

func TestRenderCategoryTagsOPML(t *testing.T) {
	s := fixtureSnapshot(t)
	partial := 0
	for _, c := range s.Categories() {
		t.Run(c.Key, func(t *testing.T) {
			// The tags of the category's posts, found the slow way.
			var want []*Feed
			for _, tag := range s.Tags() {
				for _, p := range tag.Posts {
					if slices.Contains(c.Posts, p) {
						want = append(want, tag)
						break
					}
				}
			}
			if len(want) < len(s.Tags()) {
				partial++
			}
			var b bytes.Buffer
			if err := s.RenderCategoryTagsOPML(&b, c); err != nil {
				t.Fatal(err)
			}
			_, groups := readOPML(t, b.Bytes())
			if !slices.Equal(groups["Category"], rssURLs(s, []*Feed{c})) {
				t.Errorf("category group %q", groups["Category"])
			}
			if !slices.Equal(groups["Tags"], rssURLs(s, want)) {
				t.Errorf("tags %q, want %q", groups["Tags"], rssURLs(s, want))
			}
		})
	}
	if partial == 0 {
		t.Error("fixture: every category carries every tag; the test shows nothing")
	}
	if err := s.RenderCategoryTagsOPML(&bytes.Buffer{}, s.Tags()[0]); err == nil {
		t.Error("tags OPML of a tag")
	}
}
