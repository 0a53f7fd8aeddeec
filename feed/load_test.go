package feed

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// fixtureNow is the clock of the fixture loads: after every fixture post
// but the one dated 2099.
var fixtureNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// loadFixture loads testdata/site with its _config.yml and a 3000-byte
// limit, so that the oversize fixture is over it.
func loadFixture(t *testing.T, edit func(*LoadOptions)) *Snapshot {
	t.Helper()
	fsys := os.DirFS("testdata/site")
	site, err := ReadSiteConfig(fsys)
	if err != nil {
		t.Fatal(err)
	}
	opts := LoadOptions{Site: site, MaxPostBytes: 3000, Now: fixtureNow}
	if edit != nil {
		edit(&opts)
	}
	s, err := Load(context.Background(), fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func postByPath(s *Snapshot, path string) *Post {
	for _, p := range s.AllPosts() {
		if p.Path == path {
			return p
		}
	}
	return nil
}

func TestLoadPosts(t *testing.T) {
	s := loadFixture(t, nil)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	tests := []struct {
		path       string
		title      string
		date       time.Time
		categories []string
		tags       []string
		url        string
	}{
		{"_posts/2021-12-29-offset.md", "带时区的日期", time.Date(2021, 12, 28, 23, 52, 46, 0, time.UTC),
			[]string{"zhuzhouribao"}, []string{"株洲日报新闻"}, "https://example.org/zhuzhouribao/2021/12/29/offset.html"},
		{"_posts/2021-12-29-local.md", "无时区的日期", time.Date(2021, 12, 29, 7, 52, 46, 0, shanghai),
			[]string{"zhuzhouribao"}, nil, "https://example.org/zhuzhouribao/2021/12/29/local.html"},
		{"_posts/2021-12-29-dateonly.md", "只有日期", time.Date(2021, 12, 29, 0, 0, 0, 0, shanghai),
			nil, nil, "https://example.org/2021/12/29/dateonly.html"},
		{"_posts/2021-12-29-rfc3339.md", "RFC 3339", time.Date(2021, 12, 28, 23, 52, 46, 0, time.UTC),
			nil, nil, "https://example.org/2021/12/29/rfc3339.html"}, // the permalink date is the site zone's
		{"_posts/2021-12-30-emptydate.md", "空日期", time.Date(2021, 12, 30, 0, 0, 0, 0, shanghai),
			[]string{"emnews"}, nil, "https://example.org/emnews/2021/12/30/emptydate.html"},
		{"_posts/2022-01-01-bom.md", "带 BOM", time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), nil, nil, ""},
		{"_posts/2022-01-02-crlf.md", "CRLF 行尾", time.Date(2022, 1, 2, 0, 0, 0, 0, time.UTC), []string{"crlf"}, nil, ""},
		{"_posts/2022-01-03-blanklines.md", "前面有空行", time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC), nil, nil, ""},
		{"_posts/2022-01-07-liststring.md", "列表与字符串", time.Date(2022, 1, 7, 0, 0, 0, 0, time.UTC),
			[]string{"Foo Bar", "baz"}, []string{"alpha", "beta", "gamma"}, "https://example.org/foo%20bar/baz/2022/01/07/liststring.html"},
		{"_posts/2022-01-08-numbers.md", "123", time.Date(2022, 1, 8, 0, 0, 0, 0, time.UTC),
			[]string{"2021"}, []string{"1", "2.50", "true"}, ""},
		{"_posts/2022-01-09-null.md", "空值", time.Date(2022, 1, 9, 0, 0, 0, 0, time.UTC),
			[]string{"single"}, []string{"one", "two"}, ""},
		{"_posts/2022-01-11-notitle.md", "第一句话在这里。", time.Date(2022, 1, 11, 0, 0, 0, 0, time.UTC), nil, nil, ""},
		{"_posts/2022-01-12-slug-title.md", "Slug Title", time.Date(2022, 1, 12, 0, 0, 0, 0, time.UTC), nil, nil, ""},
		{"_posts/2022-01-13-own-permalink.md", "自定义链接", time.Date(2022, 1, 13, 0, 0, 0, 0, time.UTC),
			[]string{"Mixed"}, nil, "https://example.org/custom/own-permalink/"},
		{"_posts/2022-01-18-page.html", "HTML 文章", time.Date(2022, 1, 18, 0, 0, 0, 0, time.UTC), nil, nil,
			"https://example.org/2022/01/18/page.html"},
		{"_posts/2022-01-22-markdown.markdown", "Markdown 扩展名", time.Date(2022, 1, 22, 0, 0, 0, 0, time.UTC), nil, nil, ""},
		{"_posts/2099-01-01-future.md", "未来的文章", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), []string{"future"}, nil, ""},
		{"news/_posts/2022-02-01-folder.md", "文件夹分类", time.Date(2022, 2, 1, 0, 0, 0, 0, time.UTC),
			[]string{"news", "local"}, nil, "https://example.org/news/local/2022/02/01/folder.html"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := postByPath(s, tt.path)
			if p == nil {
				t.Fatal("not loaded")
			}
			if p.Title != tt.title {
				t.Errorf("title %q, want %q", p.Title, tt.title)
			}
			if !p.Date.Equal(tt.date) {
				t.Errorf("date %v, want %v", p.Date, tt.date)
			}
			if !slices.Equal(p.Categories, tt.categories) {
				t.Errorf("categories %q, want %q", p.Categories, tt.categories)
			}
			if !slices.Equal(p.Tags, tt.tags) {
				t.Errorf("tags %q, want %q", p.Tags, tt.tags)
			}
			if tt.url != "" && p.URL != tt.url {
				t.Errorf("url %q, want %q", p.URL, tt.url)
			}
			for _, u := range []string{p.URL, p.ID} {
				if strings.ContainsFunc(u, func(r rune) bool { return r > 0x7e || r <= ' ' }) || !strings.HasPrefix(u, "https://example.org/") {
					t.Errorf("URL or ID %q is not an absolute ASCII URL", u)
				}
			}
			if p.Author != "站点作者" && tt.path != "_posts/2022-01-18-page.html" {
				t.Errorf("author %q, want the site author", p.Author)
			}
		})
	}
	if got, want := len(s.AllPosts()), len(tests)+5; got != want { // and the one without front matter, as Jekyll
		t.Errorf("%d posts loaded, want %d", got, want)
	}
}

func TestLoadLeavesOut(t *testing.T) {
	s := loadFixture(t, nil)
	for _, path := range []string{
		"_posts/2022-01-10-unpublished.md", "_drafts/2022-03-01-draft.md", "category/page.html",
		"_posts/image.png", "_posts/README.txt",
	} {
		t.Run(path, func(t *testing.T) {
			if postByPath(s, path) != nil {
				t.Error("loaded")
			}
			for _, p := range s.Problems {
				if p.Path == path {
					t.Errorf("reported: %v", p)
				}
			}
		})
	}
	t.Run("future held back", func(t *testing.T) {
		if slices.ContainsFunc(s.Posts(), func(p *Post) bool { return p.Path == "_posts/2099-01-01-future.md" }) {
			t.Error("future post is visible")
		}
		if want := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC); !s.NextPublish().Equal(want) {
			t.Errorf("NextPublish %v, want %v", s.NextPublish(), want)
		}
	})
}

func TestLoadProblems(t *testing.T) {
	s := loadFixture(t, nil)
	want := []struct {
		path   string
		line   int
		reason string
	}{
		{"_posts/-202205260001-nodate.md", 4, `no date: front matter date "+0800" is not a date`},
		{"_posts/2022-01-04-gbk.md", 2, "not valid UTF-8"},
		{"_posts/2022-01-05-badquote.md", 3, `write a " inside it as \"`},
		{"_posts/2022-01-06-oversize.md", 0, "larger than the limit of 3000 bytes"},
		{"_posts/2022-01-15-noclose.md", 1, "never closed"},
		{"_posts/2022-01-17-binary.md", 0, "binary file"},
	}
	if len(s.Problems) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(s.Problems), len(want), s.Problems)
	}
	for i, w := range want {
		t.Run(w.path, func(t *testing.T) {
			if i >= len(s.Problems) {
				t.Fatal("missing")
			}
			p := s.Problems[i]
			if p.Path != w.path || p.Line != w.line || !strings.Contains(p.Reason, w.reason) {
				t.Errorf("got %v, want %s:%d: ...%s...", p, w.path, w.line, w.reason)
			}
			if !strings.HasSuffix(p.Reason, ".") || strings.Count(p.Reason, "\n") > 0 {
				t.Errorf("reason %q is not one sentence", p.Reason)
			}
		})
	}
}

func TestLoadCategoriesFold(t *testing.T) {
	s := loadFixture(t, nil)
	for _, name := range []string{"TechWeb", "techweb", "TECHWEB"} {
		f, err := s.Category(name)
		if err != nil {
			t.Fatalf("Category(%q): %v", name, err)
		}
		if f.Name != "Techweb" || len(f.Posts) != 2 {
			t.Errorf("Category(%q) = %q with %d posts, want Techweb (newest spelling) with 2", name, f.Name, len(f.Posts))
		}
	}
}

func TestLoadDeterministic(t *testing.T) {
	one := loadFixture(t, func(o *LoadOptions) { o.Workers = 1 })
	for _, workers := range []int{2, 7, 64} {
		many := loadFixture(t, func(o *LoadOptions) { o.Workers = workers })
		if !reflect.DeepEqual(one.AllPosts(), many.AllPosts()) || !reflect.DeepEqual(one.Problems, many.Problems) {
			t.Errorf("%d workers load differently from one", workers)
		}
		if one.SiteFeed().Validator("rss", 10) != many.SiteFeed().Validator("rss", 10) {
			t.Errorf("%d workers: validators differ", workers)
		}
	}
	again := loadFixture(t, func(o *LoadOptions) { o.Previous = one })
	if !reflect.DeepEqual(one.AllPosts(), again.AllPosts()) || !reflect.DeepEqual(one.Problems, again.Problems) {
		t.Error("a load given the previous snapshot differs from a fresh one")
	}
}

func TestLoadPermalinkStyles(t *testing.T) {
	tests := []struct{ permalink, url string }{
		{"", "https://example.org/zhuzhouribao/2021/12/29/offset.html"},
		{"date", "https://example.org/zhuzhouribao/2021/12/29/offset.html"},
		{"pretty", "https://example.org/zhuzhouribao/2021/12/29/offset/"},
		{"ordinal", "https://example.org/zhuzhouribao/2021/363/offset.html"},
		{"none", "https://example.org/zhuzhouribao/offset.html"},
		{"/:year/:slug:output_ext", "https://example.org/2021/offset.html"},
	}
	for _, tt := range tests {
		t.Run(tt.permalink, func(t *testing.T) {
			s := loadFixture(t, func(o *LoadOptions) { o.Site.Permalink = tt.permalink })
			p := postByPath(s, "_posts/2021-12-29-offset.md")
			if p.URL != tt.url {
				t.Errorf("URL %q, want %q", p.URL, tt.url)
			}
			if want := "https://example.org/zhuzhouribao/2021/12/29/offset"; tt.permalink == "" && p.ID != want {
				t.Errorf("ID %q, want %q", p.ID, want)
			}
		})
	}
}

func TestLoadContent(t *testing.T) {
	s := loadFixture(t, nil)
	tests := []struct {
		path string
		want string
	}{
		{"_posts/2022-01-02-crlf.md", "<p>第一行</p>\n<p>第二行</p>\n"},
		{"_posts/2022-01-01-bom.md", "<p>正文。</p>\n"},
		{"_posts/2022-01-03-blanklines.md", "<p>正文。</p>\n"},
		{"_posts/2022-01-18-page.html", "<p>HTML 正文。</p><!--more--><p>更多</p>\n"},
		{"_posts/2022-01-22-markdown.markdown", "<h1 id=\"标题\">标题</h1>\n<p><em>强调</em></p>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := s.Content(postByPath(s, tt.path))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Content = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("every post", func(t *testing.T) {
		for _, p := range s.AllPosts() {
			if _, err := s.Content(p); err != nil {
				t.Errorf("%s: %v", p.Path, err)
			}
		}
	})
}

func TestLoadPlainFolder(t *testing.T) {
	s, err := Load(context.Background(), os.DirFS("testdata/plain"), LoadOptions{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range s.Posts() {
		paths = append(paths, p.Path+" "+p.URL)
	}
	want := []string{"sub/2022-04-02-two.md /2022/04/02/two.html", "2022-04-01-one.md /x/2022/04/01/one.html"}
	if !slices.Equal(paths, want) || len(s.Problems) != 0 {
		t.Errorf("posts %q problems %v, want %q and none", paths, s.Problems, want)
	}
}

func TestLoadZeroNowHoldsNothingBack(t *testing.T) {
	s := loadFixture(t, func(o *LoadOptions) { o.Now = time.Time{} })
	if len(s.Posts()) != len(s.AllPosts()) || !s.NextPublish().IsZero() {
		t.Errorf("%d of %d posts visible, NextPublish %v", len(s.Posts()), len(s.AllPosts()), s.NextPublish())
	}
}

func TestLoadErrors(t *testing.T) {
	t.Run("missing root", func(t *testing.T) {
		_, err := Load(context.Background(), os.DirFS("testdata/no-such-dir"), LoadOptions{})
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("err %v, want not exist", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Load(ctx, os.DirFS("testdata/site"), LoadOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
	})
	t.Run("unreadable folder", func(t *testing.T) {
		fsys := fstest.MapFS{
			"_posts/2022-01-01-ok.md":     {Data: []byte("---\ntitle: ok\n---\n")},
			"news/_posts/2022-01-02-x.md": {Data: []byte("---\ntitle: x\n---\n")},
		}
		s, err := Load(context.Background(), errFS{fsys, "news"}, LoadOptions{Now: fixtureNow})
		if err != nil {
			t.Fatal(err)
		}
		want := []Problem{{Path: "news", Reason: "cannot read folder: permission denied."}}
		if len(s.AllPosts()) != 1 || !reflect.DeepEqual(s.Problems, want) {
			t.Errorf("posts %d, problems %v; want 1 and %v", len(s.AllPosts()), s.Problems, want)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		fsys := fstest.MapFS{
			"_posts/2022-01-01-ok.md":  {Data: []byte("---\ntitle: ok\n---\n")},
			"_posts/2022-01-02-bad.md": {Data: []byte("---\ntitle: bad\n---\n")},
		}
		s, err := Load(context.Background(), errFS{fsys, "_posts/2022-01-02-bad.md"}, LoadOptions{Now: fixtureNow})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.AllPosts()) != 1 || len(s.Problems) != 1 || !strings.Contains(s.Problems[0].Reason, "cannot read file: permission denied") {
			t.Errorf("posts %d, problems %v", len(s.AllPosts()), s.Problems)
		}
	})
}

// errFS fails to open or list one file or folder with a permission error.
type errFS struct {
	fstest.MapFS
	bad string
}

func (f errFS) Open(name string) (fs.File, error) {
	if name == f.bad {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.MapFS.Open(name)
}

func (f errFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == f.bad {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrPermission}
	}
	return f.MapFS.ReadDir(name)
}
