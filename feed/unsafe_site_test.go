package feed

import (
	"context"
	"encoding/json"
	"html"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// unsafeSite loads testdata/unsafe: scraped posts holding scripts, event
// handlers, javascript: and data: links, markup in a title, an empty post,
// and a control character in front matter.
func unsafeSite(t testing.TB, trust bool) *Snapshot {
	t.Helper()
	fsys := os.DirFS("testdata/unsafe")
	site, err := ReadSiteConfig(fsys)
	if err != nil {
		t.Fatal(err)
	}
	site.FullContent, site.SummaryRunes, site.TrustHTML = true, 200, trust
	s, err := Load(context.Background(), fsys, LoadOptions{Site: site, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Blank elements: what a reader would show as an empty summary or body.
var (
	blankXML = regexp.MustCompile(`<(summary|description|content|content:encoded)(\s[^>]*)?>\s*(<!\[CDATA\[\s*\]\]>)?\s*</(summary|description|content|content:encoded)>`)
	blankP   = regexp.MustCompile(`^\s*(<p>\s*</p>\s*)*$`)
)

// TestUnsafeSiteFeeds renders every feed of the unsafe site in every format
// and checks, besides reading each back with gofeed, each class of W3C
// Feed Validator warning itself: no script or handler or javascript: URL in
// any content, titles without markup, no blank summary or content.
func TestUnsafeSiteFeeds(t *testing.T) {
	s := unsafeSite(t, false)
	if len(s.Problems) != 0 {
		t.Fatalf("problems %v, want none: every post is served", s.Problems)
	}
	if n := len(s.Posts()); n != 5 {
		t.Fatalf("%d posts, want 5", n)
	}
	wantTitles := map[string]string{
		"_posts/2022-03-03-title-markup.md": "document.write 的用法 & 示例",
		"_posts/2022-03-05-control.md":      "抓取的标题含有控制字符",
	}
	for _, p := range s.Posts() {
		if want, ok := wantTitles[p.Path]; ok && p.Title != want {
			t.Errorf("%s: title %q, want %q", p.Path, p.Title, want)
		}
	}
	for _, f := range allFeeds(s) {
		for _, format := range formats {
			t.Run(f.Path(format), func(t *testing.T) {
				doc := renderString(t, s, f, format, 0)
				parsed, err := gofeed.NewParser().ParseString(doc)
				if err != nil {
					t.Fatalf("gofeed: %v", err)
				}
				if len(parsed.Items) != len(f.Posts) {
					t.Fatalf("%d items, want %d", len(parsed.Items), len(f.Posts))
				}
				for i, it := range parsed.Items {
					p := f.Posts[i]
					if what := activeHTML(it.Content); what != "" {
						t.Errorf("%s: content holds %s", p.Path, what)
					}
					if strings.Contains(strings.ToLower(it.Content), "javascript:") {
						t.Errorf("%s: content mentions javascript:", p.Path)
					}
					for _, text := range []string{it.Title, it.Description} {
						if strings.ContainsAny(text, "<>") || html.UnescapeString(text) != text {
							t.Errorf("%s: %q is not plain text", p.Path, text)
						}
					}
					if it.Title != p.Title {
						t.Errorf("%s: title %q, want %q", p.Path, it.Title, p.Title)
					}
					if blankP.MatchString(it.Content) != (p.Path == "_posts/2022-03-04-empty.md") {
						t.Errorf("%s: content %q", p.Path, it.Content)
					}
				}
				if format == JSON {
					checkJSONNotBlank(t, doc)
				} else if m := blankXML.FindString(doc); m != "" {
					t.Errorf("blank element %s", m)
				}
			})
		}
	}
}

// checkJSONNotBlank fails when a JSON Feed item has an empty or blank
// summary or content_html, or neither content_html nor content_text.
func checkJSONNotBlank(t *testing.T, doc string) {
	t.Helper()
	var feed struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(doc), &feed); err != nil {
		t.Fatal(err)
	}
	for _, it := range feed.Items {
		for _, key := range []string{"summary", "content_html"} {
			if v, ok := it[key]; ok && blankP.MatchString(v.(string)) {
				t.Errorf("item %v: blank %s %q", it["id"], key, v)
			}
		}
		_, html := it["content_html"]
		_, text := it["content_text"]
		if !html && !text {
			t.Errorf("item %v: neither content_html nor content_text", it["id"])
		}
	}
}

func TestUnsafeSiteWarnings(t *testing.T) {
	s := unsafeSite(t, false)
	want := []Problem{{Path: "_posts/2022-03-05-control.md", Line: 3,
		Reason: "removed 2 control characters (first U+0001) from the front matter, which YAML does not allow; the post is served without them."}}
	if len(s.Warnings) != len(want) || s.Warnings[0] != want[0] {
		t.Errorf("warnings %v, want %v", s.Warnings, want)
	}
	p := s.Posts()[0]
	if p.Path != want[0].Path || p.Description != "描述里也有一个" {
		t.Errorf("newest post %s, description %q: want the control post, cleaned", p.Path, p.Description)
	}
	// The warning stays with the post through a reload that keeps it, and
	// through a re-index.
	again, err := Load(context.Background(), s.FS(), LoadOptions{Site: s.Site, Now: testNow, Previous: s})
	if err != nil {
		t.Fatal(err)
	}
	for name, snap := range map[string]*Snapshot{"reload": again, "At": s.At(testNow), "tombstones": s.WithTombstones(nil)} {
		if len(snap.Warnings) != 1 || snap.Warnings[0] != want[0] {
			t.Errorf("%s: warnings %v, want %v", name, snap.Warnings, want)
		}
	}
}

func TestSanitizeSettingInValidators(t *testing.T) {
	clean, trusted := unsafeSite(t, false), unsafeSite(t, true)
	if again := unsafeSite(t, false); again.SiteFeed().Validator("atom", 20) != clean.SiteFeed().Validator("atom", 20) {
		t.Fatal("validators differ between two loads of the same site")
	}
	for i, f := range allFeeds(clean) {
		g := allFeeds(trusted)[i]
		for _, format := range formats {
			if f.Validator(format.String(), 20) == g.Validator(format.String(), 20) {
				t.Errorf("%s: the same validator whether the site is sanitized or trusted", f.Path(format))
			}
		}
	}
	if settingsHash(clean.Site) == settingsHash(trusted.Site) {
		t.Error("settings hash ignores TrustHTML")
	}
	// Trusting the authors publishes their HTML as it is.
	post, err := trusted.Category("zhuzhouribao")
	if err != nil {
		t.Fatal(err)
	}
	if doc := renderString(t, trusted, post, Atom, 0); !strings.Contains(doc, "<script>") || !strings.Contains(doc, "onclick=") {
		t.Error("a trusted site's content lost its scripts")
	}
}

func TestStripControls(t *testing.T) {
	tests := []struct {
		name, in, want string
		count          int
		first          rune
		at             int
	}{
		{"none", "title: 标题\n\tx: y\r\n", "title: 标题\n\tx: y\r\n", 0, 0, 0},
		{"SOH in a title", "title: \"a\x01b\"\n", "title: \"ab\"\n", 1, 0x01, 9},
		{"several", "a: \x1b[0m\x7f\nb: \u0085c\u009f\n", "a: [0m\nb: c\n", 4, 0x1b, 3},
		{"noncharacters", "a: x\uFFFEy\uFFFF\n", "a: xy\n", 2, 0xFFFE, 4},
		{"not forbidden", "a: \u00a0\u2028\U0001F600\n", "a: \u00a0\u2028\U0001F600\n", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, w := stripControls([]byte(tt.in))
			if string(got) != tt.want || w.count != tt.count || w.first != tt.first || w.at != tt.at {
				t.Errorf("stripControls(%q) = %q, %+v; want %q, {count:%d first:%U at:%d}", tt.in, got, w, tt.want, tt.count, tt.first, tt.at)
			}
		})
	}
}
