package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/check"
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
		{"broken posts", site, siteConfig, 3000, 6, 9, []string{
			filepath.Join(site, "_posts/-202205260001-nodate.md") + `:4: no date: front matter date "+0800" is not a date and the file name (YYYY-MM-DD-slug) has none.`,
			filepath.Join(site, "_posts/2022-01-04-gbk.md") + ":2: text is not valid UTF-8 (byte 15); convert the file to UTF-8.",
			filepath.Join(site, "_posts/2022-01-05-badquote.md") + `:3: invalid YAML front matter: a double-quoted value ends early; write a " inside it as \".`,
			filepath.Join(site, "_posts/2022-01-06-oversize.md") + ": file is 3662 bytes, larger than the limit of 3000 bytes.",
			filepath.Join(site, "_posts/2022-01-15-noclose.md") + ":1: front matter opened here is never closed with a --- line.",
			filepath.Join(site, "_posts/2022-01-17-binary.md") + ": binary file (it holds NUL bytes), not a post.",
			"warnings:",
			filepath.Join(site, "_posts/2022-01-16-nofm.md") + ":1: warning: no front matter: published with the date and slug of its file name, as Jekyll does.",
			"23 posts, 12 categories, 9 tags, 6 problems, 1 warnings",
		}},
		{"default limit", site, siteConfig, 0, 5, 8, nil},
		{"clean", plain, feed.Site{}, 0, 0, 0, []string{"2 posts, 1 categories, 0 tags, 0 problems"}},
		{"warnings", unsafe, feed.Site{}, 0, 0, 3, []string{
			"warnings:",
			filepath.Join(unsafe, "_posts/2022-03-05-control.md") + ":3: warning: removed 2 control characters (first U+0001) from the front matter, which YAML does not allow; the post is served without them.",
			"5 posts, 2 categories, 5 tags, 0 problems, 1 warnings",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			sum, err := check.Run(context.Background(), tt.dir, tt.site, tt.max, false, &out)
			if err != nil {
				t.Fatal(err)
			}
			if n := sum.Problems; n != tt.problems {
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
		code, stdout, stderr := runMain(t, []string{"check", unsafe}, nil)
		if code != 0 || !strings.HasPrefix(stdout, "warnings:\n") {
			t.Errorf("exit %d, output:\n%s%s\nwant exit 0 and a warnings heading", code, stdout, stderr)
		}
	})
	t.Run("missing dir", func(t *testing.T) {
		var out strings.Builder
		_, err := check.Run(context.Background(), filepath.Join(t.TempDir(), "none"), feed.Site{}, 0, false, &out)
		if !errors.Is(err, os.ErrNotExist) || out.Len() != 0 {
			t.Errorf("err %v, output %q; want not exist and no output", err, out.String())
		}
	})
}

func TestCheckCommand(t *testing.T) {
	broken := filepath.Join("..", "..", "feed", "testdata", "site")
	clean := filepath.Join("..", "..", "feed", "testdata", "plain")
	empty := t.TempDir()
	file := filepath.Join(t.TempDir(), "hostname")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "nonexistent")
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		code    int
		stdout  string // a line stdout must hold
		message string // the error line, for exit code 2
	}{
		{"clean", []string{clean}, nil, 0, "2 posts, 1 categories, 0 tags, 0 problems", ""},
		{"broken", []string{broken}, nil, 1, "24 posts, 12 categories, 9 tags, 5 problems, 1 warnings", ""},
		{"folder from the variable", nil, map[string]string{"POSTS_DIR": clean}, 0, "2 posts, 1 categories, 0 tags, 0 problems", ""},
		{"empty", []string{empty}, nil, 1, "no posts found in " + empty, ""},
		{"missing", []string{missing}, nil, 2, "", "posts folder " + missing + " does not exist"},
		{"a file", []string{file}, nil, 2, "", "posts folder " + file + " is not a directory"},
		{"no folder", nil, nil, 2, "", "check: name a directory, or set FEEDWIRE_POSTS_DIR"},
		{"two folders", []string{clean, broken}, nil, 2, "", errCheckUsage.Error()},
		{"unknown flag", []string{"--yaml", clean}, nil, 2, "", errCheckUsage.Error()},
		{"bad setting", []string{clean}, map[string]string{"FEED_LIMIT": "abc"}, 2, "",
			`config: FEEDWIRE_FEED_LIMIT="abc": want a whole number of items, at least 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runMain(t, append([]string{"check"}, tt.args...), tt.env)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			if tt.stdout != "" && !strings.Contains(stdout, tt.stdout+"\n") {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, stdout)
			}
			if tt.message != "" && !strings.Contains(stderr, "feedwire: "+tt.message+"\n") {
				t.Errorf("stderr lacks %q:\n%s", tt.message, stderr)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	broken := filepath.Join("..", "..", "feed", "testdata", "site")
	tests := []struct {
		name     string
		args     []string
		code     int
		problems int
		posts    int
		errLine  string
	}{
		{"broken", []string{"--json", broken}, 1, 5, 24, ""},
		{"flag after the folder", []string{broken, "--json"}, 1, 5, 24, ""},
		{"clean", []string{"-json", filepath.Join("..", "..", "feed", "testdata", "plain")}, 0, 0, 2, ""},
		{"missing", []string{"--json", "/nonexistent/feedwire"}, 2, 0, 0, "posts folder /nonexistent/feedwire does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, _ := runMain(t, append([]string{"check"}, tt.args...), nil)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			var problems []check.Problem
			var summary *check.Summary
			sc := bufio.NewScanner(strings.NewReader(stdout))
			for sc.Scan() {
				var kind struct{ Type, Error string }
				if err := json.Unmarshal(sc.Bytes(), &kind); err != nil {
					t.Fatalf("line is not JSON: %s", sc.Text())
				}
				if summary != nil {
					t.Fatalf("a line after the summary: %s", sc.Text())
				}
				switch kind.Type {
				case "problem":
					var p check.Problem
					json.Unmarshal(sc.Bytes(), &p)
					if p.Path == "" || p.Reason == "" || !strings.HasPrefix(p.Path, broken) {
						t.Errorf("problem without path or reason: %s", sc.Text())
					}
					problems = append(problems, p)
				case "warning":
					var p check.Problem
					json.Unmarshal(sc.Bytes(), &p)
					if p.Path == "" || p.Reason == "" {
						t.Errorf("warning without path or reason: %s", sc.Text())
					}
				case "summary":
					summary = &check.Summary{}
					json.Unmarshal(sc.Bytes(), summary)
				case "error":
					if kind.Error != tt.errLine {
						t.Errorf("error %q, want %q", kind.Error, tt.errLine)
					}
					return
				default:
					t.Fatalf("unknown type: %s", sc.Text())
				}
			}
			if summary == nil {
				t.Fatalf("no summary:\n%s", stdout)
			}
			if len(problems) != tt.problems || summary.Problems != tt.problems || summary.Posts != tt.posts {
				t.Errorf("%d problem lines, summary %+v; want %d problems, %d posts", len(problems), summary, tt.problems, tt.posts)
			}
		})
	}
}
