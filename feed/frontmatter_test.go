package feed

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		yaml     string
		body     string
		openLine int
		err      error
	}{
		{"plain", "---\ntitle: a\n---\nbody\n", "title: a\n", "body\n", 1, nil},
		{"bom", "\ufeff---\ntitle: a\n---\nbody", "title: a\n", "body", 1, nil},
		{"crlf", "---\r\ntitle: a\r\n---\r\nbody\r\n", "title: a\r\n", "body\r\n", 1, nil},
		{"blank lines first", "\n \r\n---\ntitle: a\n---\n", "title: a\n", "", 3, nil},
		{"dots close", "---\ntitle: a\n...\nbody", "title: a\n", "body", 1, nil},
		{"trailing spaces on delimiters", "--- \ntitle: a\n---\t\nbody", "title: a\n", "body", 1, nil},
		{"empty front matter", "---\n---\nbody", "", "body", 1, nil},
		{"no newline after close", "---\ntitle: a\n---", "title: a\n", "", 1, nil},
		{"no front matter", "<p>x</p>\n---\n", "", "", 0, errNoFrontMatter},
		{"only dashes", "---", "", "", 0, errNoFrontMatter},
		{"four dashes", "----\ntitle: a\n----\n", "", "", 0, errNoFrontMatter},
		{"empty", "", "", "", 0, errNoFrontMatter},
		{"unclosed", "---\ntitle: a\nbody\n", "", "", 1, errUnclosedFrontMatter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := splitFrontMatter([]byte(tt.in))
			if err != tt.err {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if string(b.yaml) != tt.yaml || tt.in[b.bodyStart:] != tt.body || b.openLine != tt.openLine {
				t.Errorf("yaml %q body %q line %d, want %q %q %d", b.yaml, tt.in[b.bodyStart:], b.openLine, tt.yaml, tt.body, tt.openLine)
			}
		})
	}
}

func TestParseFrontMatter(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want frontMatter
		line int // of the error, 0 when none
	}{
		{"scalars", "title: \"a \\\"b\\\"\"\ndate: 2021-12-29 07:52:46 +0800\nauthor: me\n",
			frontMatter{title: `a "b"`, hasTitle: true, date: "2021-12-29 07:52:46 +0800", dateLine: 3, author: "me"}, 0},
		{"single quoted", "title: 'it''s'\n", frontMatter{title: "it's", hasTitle: true}, 0},
		{"lists", "categories: [A, b]\ntags:\n  - x y\n  - 3\n", frontMatter{categories: []string{"A", "b"}, tags: []string{"x y", "3"}}, 0},
		{"null and tilde", "categories: null\ntags: ~\ntitle:\n", frontMatter{hasTitle: true}, 0},
		{"published false", "published: false\n", frontMatter{unpublished: true}, 0},
		{"published no", "published: no\n", frontMatter{unpublished: true}, 0},
		{"author map", "author:\n  name: 甲\n  email: a@b\n", frontMatter{author: "甲"}, 0},
		{"image map", "image:\n  path: /a.png\n", frontMatter{image: "/a.png"}, 0},
		{"excerpt", "excerpt: e\n", frontMatter{description: "e"}, 0},
		{"description wins", "description: d\nexcerpt: e\n", frontMatter{description: "d"}, 0},
		{"comment", "# note\ntitle: a # not part\n", frontMatter{title: "a", hasTitle: true}, 0},
		{"alias", "x: &a foo\ntitle: *a\n", frontMatter{title: "foo", hasTitle: true}, 0},
		{"unescaped quote", "layout: post\ntitle: \"a\"b\"\"\n", frontMatter{}, 3},
		{"not a mapping", "- a\n- b\n", frontMatter{}, 2},
		{"bad indentation", "title: a\n  b: c\n", frontMatter{}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm, err := parseFrontMatter([]byte(tt.in), 2)
			if tt.line != 0 {
				ye, ok := err.(*yamlError)
				if !ok || ye.line != tt.line {
					t.Fatalf("err %v, want a YAML error on line %d", err, tt.line)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fm, tt.want) && !(len(fm.categories) == 0 && len(tt.want.categories) == 0 && fmEqualIgnoringEmpty(fm, tt.want)) {
				t.Errorf("got %+v\nwant %+v", fm, tt.want)
			}
		})
	}
}

// fmEqualIgnoringEmpty compares front matters treating nil and empty lists as equal.
func fmEqualIgnoringEmpty(a, b frontMatter) bool {
	norm := func(f frontMatter) frontMatter {
		for _, l := range []*[]string{&f.categories, &f.categoryList, &f.tags, &f.tagList} {
			if len(*l) == 0 {
				*l = nil
			}
		}
		return f
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// slowFrontMatter parses with yaml.v3 only, bypassing the fast path.
func slowFrontMatter(src []byte) (frontMatter, bool) {
	var doc yaml.Node
	if safeUnmarshal(src, &doc) != nil {
		return frontMatter{}, false
	}
	var fm frontMatter
	if doc.Kind == 0 {
		return fm, true
	}
	root := deref(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return fm, true
	}
	if root.Kind != yaml.MappingNode {
		return fm, false
	}
	fm.apply(root.Content, 1)
	return fm, true
}

// frontMatterSeeds returns the YAML blocks of the fixtures and of the
// reference corpus when present.
func frontMatterSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, pattern := range []string{"testdata/site/*/*", "testdata/site/*/*/*", "../../shared/corpus/*/_posts/*", "../../shared/examples/*"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			seeds = append(seeds, data)
		}
	}
	if len(seeds) == 0 {
		t.Fatal("no fixtures found")
	}
	return seeds
}

func TestFastFrontMatterMatchesYAML(t *testing.T) {
	extra := []string{
		"title: plain\n", "title: \"\"\n", "title: ''\n", "title: a\"b\n", "title: 1.50\n", "title: true\n",
		"title: Null\n", "date:  +0800\n", "title: a:b\n", "categories: a b  c\n", "k-e_y9: v\n",
		"title: \"a\\\\b\"\n", "title: x\r\ndate: 2021-01-01\r\n", "\n\ntitle: x\n\n",
	}
	var seeds [][]byte
	for _, s := range extra {
		seeds = append(seeds, []byte(s))
	}
	for _, data := range frontMatterSeeds(t) {
		if b, err := splitFrontMatter(data); err == nil {
			seeds = append(seeds, b.yaml)
		}
	}
	accepted := 0
	for _, src := range seeds {
		fast, ok := fastFrontMatter(src, 1)
		if !ok {
			continue
		}
		accepted++
		slow, ok := slowFrontMatter(src)
		if !ok || !fmEqualIgnoringEmpty(fast, slow) {
			t.Errorf("%q: fast %+v, yaml.v3 %+v (ok %v)", src, fast, slow, ok)
		}
	}
	if accepted < len(extra) {
		t.Errorf("fast path took only %d of %d blocks", accepted, len(seeds))
	}
}

// FuzzFastFrontMatter checks that the fast path never disagrees with
// yaml.v3 on input it accepts.
func FuzzFastFrontMatter(f *testing.F) {
	for _, data := range frontMatterSeeds(f) {
		if b, err := splitFrontMatter(data); err == nil {
			f.Add(b.yaml)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fast, ok := fastFrontMatter(src, 1)
		if !ok {
			return
		}
		slow, ok := slowFrontMatter(src)
		if !ok || !fmEqualIgnoringEmpty(fast, slow) {
			t.Errorf("%q: fast %+v, yaml.v3 %+v (ok %v)", src, fast, slow, ok)
		}
	})
}

// FuzzParsePost checks that no file makes the loader panic, and that every
// outcome is a post with a real date or a problem with a reason.
func FuzzParsePost(f *testing.F) {
	for _, data := range frontMatterSeeds(f) {
		f.Add("_posts/2021-12-29-x.md", data)
		f.Add("_posts/-nodate.html", data)
	}
	cfg := newLoadConfig(LoadOptions{Site: Site{URL: "https://example.org", Location: time.FixedZone("+0800", 8*3600)}})
	f.Fuzz(func(t *testing.T, path string, data []byte) {
		post, prob := parsePost(candidate{path: path, categories: []string{"news"}, inPosts: true}, data, cfg)
		switch {
		case post != nil && prob != nil:
			t.Fatal("both a post and a problem")
		case prob != nil:
			if prob.Reason == "" || prob.Path != path || strings.Contains(prob.Reason, "\n") {
				t.Fatalf("bad problem %+v", prob)
			}
		case post != nil:
			if post.Date.IsZero() || post.Title == "" || post.bodyStart > len(data) || post.bodyStart < 0 {
				t.Fatalf("bad post %+v", post)
			}
			for _, u := range []string{post.URL, post.ID, post.Image} {
				if strings.ContainsFunc(u, func(r rune) bool { return r > 0x7e || r <= ' ' }) {
					t.Fatalf("non-ASCII URL %q", u)
				}
			}
		}
	})
}
