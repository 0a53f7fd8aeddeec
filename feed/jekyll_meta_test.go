package feed

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed/atom"
)

// The Jekyll sites of ../../shared/corpus, built with Jekyll and
// jekyll-feed, against what feedwire loads from the same files: the same
// posts, links, ids, titles (but for smartify's typography) and published
// instants, in the site feed and in the category and tag feeds jekyll-feed
// writes.

// jekyllMeta is what the comparison reads of one Atom entry.
type jekyllMeta struct {
	id, link, title string
	published       time.Time
}

// untypographic undoes what smartify does to a title (the Markdown stage's
// typography) and folds white space, so that titles compare as text.
var untypographic = strings.NewReplacer("\u2014", "---", "\u2013", "--", "\u2026", "...", "\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`, "&amp;", "&")

// jekyllSite copies the corpus site dir to a temporary folder and builds it
// with jekyll, skipping the test when either is missing. It returns the
// built _site folder.
func jekyllSite(t *testing.T, name string) (string, string) {
	t.Helper()
	src := filepath.Join("..", "..", "shared", "corpus", name)
	if _, err := os.Stat(src); err != nil {
		t.Skip("reference Jekyll sites not present:", err)
	}
	bin, err := exec.LookPath("jekyll")
	if err != nil {
		t.Skip("jekyll not installed (apt-get install jekyll ruby-jekyll-feed):", err)
	}
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "build", "--quiet")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "JEKYLL_ENV=production")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("jekyll build %s: %v\n%s", name, err, out)
	}
	return dir, filepath.Join(dir, "_site")
}

// readAtomEntries parses an Atom document into its entries by id.
func readAtomEntries(t *testing.T, doc string) map[string]jekyllMeta {
	t.Helper()
	f, err := new(atom.Parser).Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("parse Atom: %v", err)
	}
	out := map[string]jekyllMeta{}
	for _, e := range f.Entries {
		je := jekyllMeta{id: e.ID, title: strings.Join(strings.Fields(untypographic.Replace(e.Title)), " ")}
		for _, l := range e.Links {
			if l.Rel == "" || l.Rel == "alternate" {
				je.link = l.Href
			}
		}
		if e.PublishedParsed != nil {
			je.published = *e.PublishedParsed
		}
		if _, dup := out[e.ID]; dup {
			t.Errorf("two entries with id %s", e.ID)
		}
		out[e.ID] = je
	}
	return out
}

func TestJekyllFeedMetadata(t *testing.T) {
	for _, name := range []string{"jekyll-docs", "jekyll-fixtures"} {
		t.Run(name, func(t *testing.T) {
			root, built := jekyllSite(t, name)
			fsys := os.DirFS(root)
			site, err := ReadSiteConfig(fsys)
			if err != nil {
				t.Fatal(err)
			}
			site.FullContent = true
			snap, err := Load(context.Background(), fsys, LoadOptions{Site: site})
			if err != nil {
				t.Fatal(err)
			}
			jf, err := ReadJekyllFeed(fsys)
			if err != nil {
				t.Fatal(err)
			}
			feeds := map[string]*Feed{"feed.xml": snap.SiteFeed()}
			for _, c := range jf.Categories {
				if f, err := snap.Category(c); err == nil {
					feeds["feed/"+c+".xml"] = f
				} else {
					feeds["feed/"+c+".xml"] = &Feed{Kind: KindCategory, Name: c}
				}
			}
			for _, f := range snap.Tags() {
				if jf.HasTag(f.Name) {
					feeds[strings.TrimPrefix(jf.TagsPath, "/")+f.Name+".xml"] = f
				}
			}
			for file, f := range feeds {
				ref, err := os.ReadFile(filepath.Join(built, filepath.FromSlash(file)))
				if err != nil {
					if len(f.Posts) > 0 {
						t.Errorf("%s: jekyll-feed wrote none, feedwire has %d posts", file, len(f.Posts))
					}
					continue
				}
				want := readAtomEntries(t, string(ref))
				var got map[string]jekyllMeta
				if len(f.Posts) > 0 {
					got = readAtomEntries(t, renderString(t, snap, f, Atom, len(f.Posts)))
				}
				compareEntries(t, file, want, got)
			}
		})
	}
}

// compareEntries reports every entry that differs between jekyll-feed's
// document and feedwire's.
func compareEntries(t *testing.T, file string, want, got map[string]jekyllMeta) {
	t.Helper()
	var ids []string
	for id := range want {
		ids = append(ids, id)
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	bad := 0
	for _, id := range ids {
		w, inWant := want[id]
		g, inGot := got[id]
		switch {
		case !inGot:
			t.Errorf("%s: %s missing (jekyll-feed link %s)", file, id, w.link)
		case !inWant:
			t.Errorf("%s: %s only in feedwire (link %s)", file, id, g.link)
		case w.link != g.link:
			t.Errorf("%s: %s: link %s, jekyll-feed %s", file, id, g.link, w.link)
		case !w.published.Equal(g.published):
			t.Errorf("%s: %s: published %s, jekyll-feed %s", file, id, g.published, w.published)
		case w.title != g.title:
			t.Errorf("%s: %s: title %q, jekyll-feed %q", file, id, g.title, w.title)
		default:
			continue
		}
		bad++
	}
	if bad == 0 && len(want) == 0 {
		t.Errorf("%s: no entries to compare", file)
	}
	t.Logf("%s: %d of %d entries match", file, len(ids)-bad, len(ids))
}
