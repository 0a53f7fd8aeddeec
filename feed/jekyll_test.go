package feed

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// jekyllFeed is what the jekyll-feed Atom feed says of each post.
type jekyllFeed struct {
	Entries []struct {
		Title string `xml:"title"`
		ID    string `xml:"id"`
		Link  struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// TestPermalinksMatchJekyll builds a small site with the real jekyll and
// jekyll-feed for each permalink style and checks that every post's link
// and ID are those Jekyll publishes: folder categories (news/_posts) come
// before front matter ones, whether front matter says category or
// categories.
func TestPermalinksMatchJekyll(t *testing.T) {
	if _, err := exec.LookPath("jekyll"); err != nil {
		t.Skip("jekyll not installed (apt-get install jekyll ruby-jekyll-feed): permalinks not compared with Jekyll's")
	}
	posts := map[string]string{
		"news/_posts/2022-01-30-x.md":          "---\ntitle: X\ndate: 2022-01-30 08:00:00 +0000\ncategory: finance\n---\n<p>x</p>\n",
		"news/_posts/2022-01-31-y.md":          "---\ntitle: Y\ndate: 2022-01-31 08:00:00 +0000\ncategories: [Finance, local]\n---\n<p>y</p>\n",
		"news/world/_posts/2022-02-01-z.md":    "---\ntitle: Z\ndate: 2022-02-01 08:00:00 +0000\ncategories: news\n---\n<p>z</p>\n",
		"_posts/2022-02-02-w.md":               "---\ntitle: W\ndate: 2022-02-02 08:00:00 +0000\ncategories: finance news\n---\n<p>w</p>\n",
		"sports/_posts/2022-02-03-plain.md":    "---\ntitle: V\ndate: 2022-02-03 08:00:00 +0000\n---\n<p>v</p>\n",
		"news/_posts/2022-02-04-both-keys.md":  "---\ntitle: U\ndate: 2022-02-04 08:00:00 +0000\ncategories: [a]\ncategory: b\n---\n<p>u</p>\n",
		"news/_posts/2022-02-05-repeated.md":   "---\ntitle: S\ndate: 2022-02-05 08:00:00 +0000\ncategories: [news, finance]\n---\n<p>s</p>\n",
		"news/_posts/2022-02-06-upper-case.md": "---\ntitle: R\ndate: 2022-02-06 08:00:00 +0000\ncategory: Markets\n---\n<p>r</p>\n",
	}
	for _, style := range []string{"date", "pretty", "ordinal", "weekdate", "none", "/:categories/:title/"} {
		t.Run(style, func(t *testing.T) {
			root := t.TempDir()
			write := func(name, text string) {
				p := filepath.Join(root, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("_config.yml", "url: https://example.org\ntitle: T\ntimezone: UTC\npermalink: \""+style+"\"\nplugins: [jekyll-feed]\n")
			for name, text := range posts {
				write(name, text)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "jekyll", "build", "--quiet", "--source", root, "--destination", filepath.Join(root, "_site"))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("jekyll build: %v\n%s", err, out)
			}
			data, err := os.ReadFile(filepath.Join(root, "_site", "feed.xml"))
			if err != nil {
				t.Fatal(err)
			}
			var jf jekyllFeed
			if err := xml.Unmarshal(data, &jf); err != nil {
				t.Fatalf("jekyll-feed output: %v", err)
			}
			if len(jf.Entries) != len(posts) {
				t.Fatalf("jekyll-feed has %d entries, want %d", len(jf.Entries), len(posts))
			}
			fsys := os.DirFS(root)
			site, err := ReadSiteConfig(fsys)
			if err != nil {
				t.Fatal(err)
			}
			snap, err := Load(context.Background(), fsys, LoadOptions{Site: site})
			if err != nil {
				t.Fatal(err)
			}
			byTitle := map[string]*Post{}
			for _, p := range snap.AllPosts() {
				byTitle[p.Title] = p
			}
			for _, e := range jf.Entries {
				p := byTitle[e.Title]
				if p == nil {
					t.Errorf("no post titled %q", e.Title)
					continue
				}
				if p.URL != e.Link.Href {
					t.Errorf("%s: link %s, Jekyll publishes %s", p.Path, p.URL, e.Link.Href)
				}
				if p.ID != e.ID {
					t.Errorf("%s: id %s, jekyll-feed says %s", p.Path, p.ID, e.ID)
				}
				if _, err := os.Stat(filepath.Join(root, "_site", filepath.FromSlash(jekyllFile(e.Link.Href)))); err != nil {
					t.Errorf("%s: Jekyll wrote no page at its link: %v", p.Path, err)
				}
			}
		})
	}
}

// jekyllFile returns the file below _site that Jekyll writes for the page
// at an absolute URL of https://example.org.
func jekyllFile(href string) string {
	p := href[len("https://example.org"):]
	if p == "" || p[len(p)-1] == '/' {
		p += "index.html"
	}
	return p
}
