package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/check"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// TestCheckListsLiquidWarnings checks that feedwire check lists the Liquid
// a post leaves as text, and that warnings do not fail it.
func TestCheckListsLiquidWarnings(t *testing.T) {
	s := sitetest.New(t)
	s.Write("_posts/2026-10-01-gist.md", "---\ntitle: Gist\n---\nSee:\n\n{% gist 42 %} and {{ page.title | frobnicate }}\n")
	s.Write("_posts/2026-10-02-fine.md", "---\ntitle: Fine\n---\n{{ page.title | upcase }}\n")
	var out strings.Builder
	sum, err := check.Run(context.Background(), s.Root, feed.Site{}, 0, false, &out)
	if err != nil {
		t.Fatal(err)
	}
	post := filepath.Join(s.Root, "_posts/2026-10-01-gist.md")
	want := []string{
		"warnings:",
		post + `:6: warning: unknown Liquid tag "gist", left as text.`,
		post + `:6: warning: unknown Liquid filter "frobnicate", left as text.`,
		"2 posts, 0 categories, 0 tags, 0 problems, 2 warnings",
	}
	if got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") || sum.Problems != 0 {
		t.Errorf("%d problems, output:\n%s\nwant:\n%s", sum.Problems, out.String(), strings.Join(want, "\n"))
	}
}
