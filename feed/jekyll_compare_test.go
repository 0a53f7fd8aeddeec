package feed

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// jekyllSites are the Jekyll sites compared with jekyll-feed, and for each
// the share of its posts whose content must equal jekyll-feed's: the share
// reached when it was set, so that a regression fails. Posts that hold
// Liquid, and posts missing from feedwire's set, count as different.
var jekyllSites = []struct {
	name          string
	floor         float64 // share of all posts with equal content
	markdownFloor float64 // share of posts whose Markdown stage alone gives equal content
}{
	{"jekyll-docs", 0.95, 0.96},
	{"jekyll-fixtures", 0.95, 1},
}

// markdownInputPlugin is a Jekyll plugin that writes what the Markdown
// converter of each document receives, after Liquid, to a file named
// after the document's path in $FEEDWIRE_MARKDOWN_INPUT: the Markdown
// stage can then be compared alone, whatever the Liquid stage does.
const markdownInputPlugin = `
class Jekyll::Renderer
  alias_method :feedwire_convert, :convert
  def convert(content)
    dir = ENV["FEEDWIRE_MARKDOWN_INPUT"]
    if dir && document.respond_to?(:relative_path)
      File.write(File.join(dir, document.relative_path.to_s.gsub("/", "__")), content)
    end
    feedwire_convert(content)
  end
end
`

// jekyllEntry is one entry of jekyll-feed's Atom document.
type jekyllEntry struct {
	ID      string `xml:"id"`
	Title   string `xml:"title"`
	Content string `xml:"content"`
	Links   []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
}

// TestJekyllFeedContent builds each site of ../shared/corpus with Jekyll
// and jekyll-feed and compares, post by post, the content of jekyll-feed's
// Atom entries with the content feedwire renders, after normalizing
// whitespace between tags, entities, attribute order and URLs made
// absolute. It lists every difference with its reason and fails when the
// share of equal posts falls below the site's floor.
func TestJekyllFeedContent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two sites with jekyll")
	}
	jekyll, err := exec.LookPath("jekyll")
	if err != nil {
		t.Skip("jekyll is not installed (apt-get install jekyll ruby-jekyll-feed): no reference to compare with")
	}
	for _, site := range jekyllSites {
		t.Run(site.name, func(t *testing.T) {
			src := filepath.Join("../../shared/corpus", site.name)
			if _, err := os.Stat(src); err != nil {
				t.Skipf("%s is not there: %v", src, err)
			}
			dir := t.TempDir()
			if out, err := exec.Command("cp", "-r", src+"/.", dir).CombinedOutput(); err != nil {
				t.Fatalf("copy %s: %v\n%s", src, err, out)
			}
			inputs := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "_plugins"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "_plugins", "feedwire_markdown_input.rb"), []byte(markdownInputPlugin), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(jekyll, "build", "--quiet")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "FEEDWIRE_MARKDOWN_INPUT="+inputs)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("jekyll build: %v\n%s", err, out)
			}
			entries := readJekyllFeed(t, filepath.Join(dir, "_site", "feed.xml"))
			compareJekyllContent(t, dir, entries, site.floor)
			compareMarkdownStage(t, dir, inputs, entries, site.markdownFloor)
		})
	}
}

// readJekyllFeed returns the entries of jekyll-feed's Atom document.
func readJekyllFeed(t *testing.T, path string) []jekyllEntry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("jekyll-feed wrote no feed: %v", err)
	}
	var doc struct {
		Entries []jekyllEntry `xml:"entry"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return doc.Entries
}

// postKey is the link of a post without its scheme, host, trailing slash
// or .html, the key on which both sides are matched.
func postKey(link, siteURL string) string {
	k := strings.TrimPrefix(link, siteURL)
	k = strings.TrimSuffix(strings.TrimSuffix(k, "/"), ".html")
	return k
}

// loadJekyllSite loads the site at dir with feedwire and indexes its posts
// by link key (postKey) and by title.
func loadJekyllSite(t *testing.T, dir string) (s *Snapshot, byKey, byTitle map[string]*Post) {
	t.Helper()
	fsys := os.DirFS(dir)
	site, err := ReadSiteConfig(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if s, err = Load(context.Background(), fsys, LoadOptions{Site: site}); err != nil {
		t.Fatal(err)
	}
	byKey, byTitle = map[string]*Post{}, map[string]*Post{}
	for _, p := range s.AllPosts() {
		byKey[postKey(p.URL, site.URL)] = p
		byTitle[p.Title] = p
	}
	return s, byKey, byTitle
}

// compareJekyllContent loads the site at dir with feedwire and compares each
// post's content with the jekyll-feed entry of the same link.
func compareJekyllContent(t *testing.T, dir string, entries []jekyllEntry, floor float64) {
	s, ours, byTitle := loadJekyllSite(t, dir)
	site := s.Site
	equal, liquid, plain, plainEqual := 0, 0, 0, 0
	var diffs []string
	for _, e := range entries {
		link := e.ID
		for _, l := range e.Links {
			if l.Rel == "alternate" {
				link = l.Href
			}
		}
		key := postKey(link, site.URL)
		p, ok := ours[key]
		if !ok {
			// Links are compared elsewhere: match on the title to compare content.
			if p, ok = byTitle[e.Title]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: no post of that link or title in feedwire (post sets are compared elsewhere)", key))
				continue
			}
		}
		body, err := s.Content(p)
		if err != nil {
			t.Fatalf("%s: %v", p.Path, err)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, p.Path))
		hasLiquid := bytes.Contains(raw, []byte("{%")) || bytes.Contains(raw, []byte("{{"))
		if !hasLiquid {
			plain++
		}
		want, got := normalizeHTML(e.Content, site.URL), normalizeHTML(string(body), site.URL)
		if want == got {
			equal++
			if !hasLiquid {
				plainEqual++
			}
			continue
		}
		reason := contentDifference(want, got)
		if liquidMarks(got) > liquidMarks(want) {
			liquid++
			reason = "Liquid left unrendered (Liquid runs before Markdown in Jekyll); " + reason
		}
		diffs = append(diffs, fmt.Sprintf("%s (%s): %s", key, p.Path, reason))
	}
	rate := float64(equal) / float64(len(entries))
	t.Logf("content equal for %d of %d posts (%.1f%%); %d of the others show Liquid unrendered", equal, len(entries), 100*rate, liquid)
	plainRate := float64(plainEqual) / float64(max(plain, 1))
	t.Logf("posts without Liquid: content equal for %d of %d (%.1f%%)", plainEqual, plain, 100*plainRate)
	for _, d := range diffs {
		t.Log("  " + d)
	}
	if rate < floor {
		t.Errorf("content equal for %.1f%% of posts, below the floor of %.1f%%", 100*rate, 100*floor)
	}
	if plainRate < 0.95 {
		t.Errorf("posts without Liquid: content equal for %.1f%%, below 95%%", 100*plainRate)
	}
}

// liquidMarks counts the Liquid tag and output marks in s.
func liquidMarks(s string) int {
	return strings.Count(s, "{%") + strings.Count(s, "{{")
}

// contentDifference describes where two normalized contents first differ.
func contentDifference(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-60)
	return fmt.Sprintf("jekyll %q, feedwire %q", clip(want[from:], 160), clip(got[from:], 160))
}

// clip returns at most n bytes of s, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// compareMarkdownStage converts, with the site's Markdown converter, what
// Jekyll's own converter received for each post (after Liquid) and compares
// the HTML with the jekyll-feed entry of the same link: the Markdown stage
// alone, the part that Liquid does not change.
func compareMarkdownStage(t *testing.T, dir, inputs string, entries []jekyllEntry, floor float64) {
	s, byKey, byTitle := loadJekyllSite(t, dir)
	site := s.Site
	md := NewMarkdown(site.Markdown)
	equal, total := 0, 0
	var diffs []string
	for _, e := range entries {
		link := e.ID
		for _, l := range e.Links {
			if l.Rel == "alternate" {
				link = l.Href
			}
		}
		p, ok := byKey[postKey(link, site.URL)]
		if !ok {
			if p, ok = byTitle[e.Title]; !ok {
				continue
			}
		}
		src, err := os.ReadFile(filepath.Join(inputs, strings.ReplaceAll(p.Path, "/", "__")))
		if err != nil || !p.markdown {
			continue // not converted from Markdown by Jekyll
		}
		total++
		var out bytes.Buffer
		if err := md.Convert(src, &out); err != nil {
			t.Fatalf("%s: %v", p.Path, err)
		}
		want, got := normalizeHTML(e.Content, site.URL), normalizeHTML(out.String(), site.URL)
		if want == got {
			equal++
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s: %s", p.Path, contentDifference(want, got)))
	}
	rate := float64(equal) / float64(max(total, 1))
	t.Logf("Markdown stage alone (on Jekyll's Liquid output): content equal for %d of %d posts (%.1f%%)", equal, total, 100*rate)
	for _, d := range diffs {
		t.Log("  " + d)
	}
	if rate < floor {
		t.Errorf("Markdown stage alone: content equal for %.1f%% of posts, below the floor of %.1f%%", 100*rate, 100*floor)
	}
}
