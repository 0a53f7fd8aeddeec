package example

import (
	"bytes"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

const minPosts = 36

var nameRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-\d{18}\.md$`)

func TestFSHasConfigAndPosts(t *testing.T) {
	root := FS()
	cfg, err := fs.ReadFile(root, "_config.yml")
	if err != nil {
		t.Fatalf("_config.yml: %v", err)
	}
	var c map[string]any
	if err := yaml.Unmarshal(cfg, &c); err != nil {
		t.Fatalf("_config.yml is not valid YAML: %v", err)
	}
	for _, k := range []string{"title", "description", "url", "lang", "timezone", "author"} {
		if s, _ := c[k].(string); s == "" {
			t.Errorf("_config.yml: %s missing", k)
		}
	}
	posts, err := fs.Glob(root, "_posts/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) < minPosts {
		t.Fatalf("got %d posts under _posts, want at least %d", len(posts), minPosts)
	}
}

// frontMatter is the subset of a post's front matter the example site promises.
type frontMatter struct {
	Layout     string `yaml:"layout"`
	Title      string `yaml:"title"`
	Date       string `yaml:"date"`
	Categories string `yaml:"categories"`
	Tags       string `yaml:"tags"`
}

func TestPostsAreWellFormed(t *testing.T) {
	root := FS()
	posts, _ := fs.Glob(root, "_posts/*.md")
	cats := map[string]int{}
	tags := map[string]int{}
	lo := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range posts {
		m := nameRE.FindStringSubmatch(path.Base(p))
		if m == nil {
			t.Errorf("%s: file name is not YYYY-MM-DD-<18 digits>.md", p)
			continue
		}
		b, _ := fs.ReadFile(root, p)
		rest, ok := bytes.CutPrefix(b, []byte("---\n"))
		if !ok {
			t.Errorf("%s: no front matter", p)
			continue
		}
		head, body, ok := bytes.Cut(rest, []byte("\n---\n"))
		if !ok {
			t.Errorf("%s: front matter not closed", p)
			continue
		}
		var fm frontMatter
		if err := yaml.Unmarshal(head, &fm); err != nil {
			t.Errorf("%s: front matter is not valid YAML: %v", p, err)
			continue
		}
		if fm.Layout != "post" || fm.Title == "" || fm.Categories == "" || fm.Tags == "" {
			t.Errorf("%s: incomplete front matter %+v", p, fm)
		}
		if !strings.HasPrefix(fm.Date, m[1]) {
			t.Errorf("%s: date %q does not match the file name", p, fm.Date)
		}
		d, err := time.Parse(time.DateOnly, m[1])
		if err != nil || d.Before(lo) || !d.Before(hi) {
			t.Errorf("%s: date outside 2026-09-01..2026-10-31", p)
		}
		for _, c := range strings.Fields(fm.Categories) {
			cats[c]++
		}
		for _, g := range strings.Fields(fm.Tags) {
			tags[g]++
		}
		n := 0
		for _, r := range string(body) {
			if unicode.Is(unicode.Han, r) {
				n++
			}
		}
		if n < 100 || n > 600 {
			t.Errorf("%s: %d Chinese characters in the body, want 100..600", p, n)
		}
		if !bytes.Contains(body, []byte("<http://")) || !bytes.Contains(body, []byte("](../")) {
			t.Errorf("%s: body lacks the autolink or the relative back link", p)
		}
	}
	if len(cats) < 5 || len(tags) < 6 {
		t.Errorf("got %d categories and %d tags, want at least 5 and 6", len(cats), len(tags))
	}
}
