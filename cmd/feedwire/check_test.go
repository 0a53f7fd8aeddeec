package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/config"
)

func TestRunCheck(t *testing.T) {
	site := filepath.Join("..", "..", "feed", "testdata", "site")
	plain := filepath.Join("..", "..", "feed", "testdata", "plain")
	unsafe := filepath.Join("..", "..", "feed", "testdata", "unsafe")
	siteConfig, err := feed.ReadSiteConfig(os.DirFS(site))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		dir      string
		site     feed.Site
		max      int64
		problems int
		lines    int      // lines of output; 0 means one a problem and the summary
		want     []string // lines of output, in order
	}{
		{"broken posts", site, siteConfig, 3000, 7, 0, []string{
			filepath.Join(site, "_posts/-202205260001-nodate.md") + `:4: no date: front matter date "+0800" is not a date and the file name (YYYY-MM-DD-slug) has none.`,
			filepath.Join(site, "_posts/2022-01-04-gbk.md") + ":2: text is not valid UTF-8 (byte 15); convert the file to UTF-8.",
			filepath.Join(site, "_posts/2022-01-05-badquote.md") + `:3: invalid YAML front matter: a double-quoted value ends early; write a " inside it as \".`,
			filepath.Join(site, "_posts/2022-01-06-oversize.md") + ": file is 3662 bytes, larger than the limit of 3000 bytes.",
			filepath.Join(site, "_posts/2022-01-15-noclose.md") + ":1: front matter opened here is never closed with a --- line.",
			filepath.Join(site, "_posts/2022-01-16-nofm.md") + ":1: no front matter: a post starts with a --- line.",
			filepath.Join(site, "_posts/2022-01-17-binary.md") + ": binary file (it holds NUL bytes), not a post.",
			"22 posts, 12 categories, 9 tags, 7 problems",
		}},
		{"default limit", site, siteConfig, 0, 6, 0, nil},
		{"clean", plain, feed.Site{}, 0, 0, 0, []string{"2 posts, 1 categories, 0 tags, 0 problems"}},
		{"warnings", unsafe, feed.Site{}, 0, 0, 3, []string{
			"warnings:",
			filepath.Join(unsafe, "_posts/2022-03-05-control.md") + ":3: removed 2 control characters (first U+0001) from the front matter, which YAML does not allow; the post is served without them.",
			"5 posts, 2 categories, 5 tags, 0 problems, 1 warnings",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			n, err := runCheck(context.Background(), tt.dir, tt.site, tt.max, &out)
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.problems {
				t.Errorf("%d problems, want %d", n, tt.problems)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if tt.lines == 0 {
				tt.lines = tt.problems + 1
			}
			if len(lines) != tt.lines {
				t.Errorf("%d lines, want %d:\n%s", len(lines), tt.lines, out.String())
			}
			for i, want := range tt.want {
				if i < len(lines) && lines[i] != want {
					t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], want)
				}
			}
		})
	}
	t.Run("warnings keep exit code 0", func(t *testing.T) {
		var out strings.Builder
		code, err := check(context.Background(), config.Default(), []string{unsafe}, &out)
		if err != nil || code != 0 || !strings.HasPrefix(out.String(), "warnings:\n") {
			t.Errorf("exit %d, err %v, output:\n%s\nwant exit 0 and a warnings heading", code, err, out.String())
		}
	})
	t.Run("missing dir", func(t *testing.T) {
		var out strings.Builder
		_, err := runCheck(context.Background(), filepath.Join(t.TempDir(), "none"), feed.Site{}, 0, &out)
		if !errors.Is(err, os.ErrNotExist) || out.Len() != 0 {
			t.Errorf("err %v, output %q; want not exist and no output", err, out.String())
		}
	})
}
