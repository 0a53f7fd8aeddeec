package feed

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The reference posts of the real site, when present (see
// ../../shared/corpus/README.md): exact expectations of what loads.

func TestFinewsCorpus(t *testing.T) {
	dir := "../../shared/corpus/finews"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("reference corpus not present:", err)
	}
	fsys := os.DirFS(dir)
	site, err := ReadSiteConfig(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if site.URL != "https://finews.withounder.com" || site.Location.String() != "Asia/Shanghai" || site.Author != "ZNing" {
		t.Errorf("site %+v", site)
	}
	s, err := Load(context.Background(), fsys, LoadOptions{Site: site, Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Posts()) != 17 || len(s.Categories()) != 2 || len(s.Tags()) != 2 {
		t.Errorf("%d posts, %d categories, %d tags; want 17, 2, 2", len(s.Posts()), len(s.Categories()), len(s.Tags()))
	}
	if len(s.Problems) != 1 || s.Problems[0].Path != "_posts/-202205262391921712.md" || !strings.HasPrefix(s.Problems[0].Reason, "no date") {
		t.Errorf("problems %v, want only the date-less file", s.Problems)
	}
	newest := s.Posts()[0]
	if newest.Path != "_posts/2021-12-08-202112082206965422.md" ||
		!newest.Date.Equal(time.Date(2021, 12, 8, 5, 16, 19, 0, time.UTC)) ||
		newest.URL != "https://finews.withounder.com/emnews/2021/12/08/202112082206965422.html" {
		t.Errorf("newest %s %v %s", newest.Path, newest.Date, newest.URL)
	}
	for _, p := range s.Posts() {
		if _, err := s.Content(p); err != nil {
			t.Errorf("%s: %v", p.Path, err)
		}
		if !bytes.Equal([]byte(p.Title), bytes.TrimSpace([]byte(p.Title))) || p.Title == "" {
			t.Errorf("%s: title %q", p.Path, p.Title)
		}
	}
}

func TestQuirksCorpus(t *testing.T) {
	dir := "../../shared/corpus/quirks"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("reference corpus not present:", err)
	}
	fsys := os.DirFS(dir)
	site, err := ReadSiteConfig(fsys)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), fsys, LoadOptions{Site: site, Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path       string
		categories []string
		url        string
	}{
		{"_posts/2022-01-05-202201052250000001.md", []string{"21shijijingjibaodao", "21caijingAPP"},
			"https://finews.withounder.com/21shijijingjibaodao/21caijingapp/2022/01/05/202201052250000001.html"},
		{"_posts/2022-01-05-202201052250000003.md", []string{"anxinguojizhengquan(xianggang)"},
			"https://finews.withounder.com/anxinguojizhengquan(xianggang)/2022/01/05/202201052250000003.html"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := postByPath(s, tt.path)
			if p == nil {
				t.Fatal("not loaded")
			}
			if !slices.Equal(p.Categories, tt.categories) || p.URL != tt.url {
				t.Errorf("categories %q url %q, want %q %q", p.Categories, p.URL, tt.categories, tt.url)
			}
		})
	}
	if len(s.AllPosts()) != 2 || len(s.Problems) != 1 ||
		s.Problems[0].Path != "_posts/2022-01-05-202201052250000002.md" || s.Problems[0].Line != 3 {
		t.Errorf("%d posts, problems %v; want 2 and the unescaped quote on line 3", len(s.AllPosts()), s.Problems)
	}
}
