// Package sitetest writes Jekyll sites on disk for tests: a generated set
// of posts, or a tree edited file by file.
package sitetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Post is one post of a generated site.
type Post struct {
	Title      string
	Date       time.Time
	Categories []string
	Tags       []string
}

// Write writes posts as a Jekyll site titled title below a new temporary
// folder and returns its root.
func Write(t testing.TB, title string, posts []Post) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "_posts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	config := "title: " + strconv.Quote(title) + "\nurl: https://news.example.org\nlang: zh-CN\n"
	if err := os.WriteFile(filepath.Join(root, "_config.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	quoteAll := func(names []string) string {
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = strconv.Quote(n)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	for i, p := range posts {
		var b strings.Builder
		fmt.Fprintf(&b, "---\nlayout: post\ntitle: %s\ndate: %s\n", strconv.Quote(p.Title), p.Date.Format("2006-01-02 15:04:05 -0700"))
		fmt.Fprintf(&b, "categories: %s\ntags: %s\n---\n<p>Post %d.</p>\n", quoteAll(p.Categories), quoteAll(p.Tags), i)
		name := fmt.Sprintf("%s-post-%05d.md", p.Date.Format(time.DateOnly), i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// Site is a posts tree on disk that a test edits.
type Site struct {
	t    testing.TB
	Root string // the site's root folder
}

// At returns a site whose root is the folder root, written to as files
// are added.
func At(t testing.TB, root string) *Site { return &Site{t: t, Root: root} }

// New makes a site with a _config.yml (a title, a URL, the Asia/Shanghai
// zone) and no posts.
func New(t testing.TB) *Site {
	s := At(t, filepath.Join(t.TempDir(), "site"))
	s.Write("_config.yml", "title: 测试站\nurl: https://news.example.org\ntimezone: Asia/Shanghai\n")
	return s
}

// Write writes one file, by its slash path below the root. It writes then
// renames, as editors and git do, so that no reader sees half a file.
func (s *Site) Write(name, text string) {
	s.t.Helper()
	p := filepath.Join(s.Root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".tmp")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		s.t.Fatal(err)
	}
}

// Remove deletes one file, by its slash path below the root.
func (s *Site) Remove(name string) {
	s.t.Helper()
	if err := os.Remove(filepath.Join(s.Root, filepath.FromSlash(name))); err != nil {
		s.t.Fatal(err)
	}
}

// Post writes one post under _posts: a title, a date in +0800 ("2026-10-01
// 08:00:00"), one category and one tag.
func (s *Site) Post(name, title, date, category, tag string) {
	s.Write("_posts/"+name, fmt.Sprintf("---\nlayout: post\ntitle: %q\ndate: %s +0800\ncategories: %s\ntags: %s\n---\n<p>%s。正文。</p>\n",
		title, date, category, tag, title))
}
