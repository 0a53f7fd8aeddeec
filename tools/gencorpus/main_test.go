package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/feedwire/feedwire/feed"
)

func TestRunDeterministicAndLoadable(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := run(dir, 30, 7); err != nil {
			t.Fatal(err)
		}
	}
	files, err := filepath.Glob(filepath.Join(a, "_posts", "*.md"))
	if err != nil || len(files) != 30 {
		t.Fatalf("%d posts written (%v), want 30", len(files), err)
	}
	for _, f := range files {
		x, _ := os.ReadFile(f)
		y, err := os.ReadFile(filepath.Join(b, "_posts", filepath.Base(f)))
		if err != nil || !bytes.Equal(x, y) {
			t.Fatalf("%s differs between two runs with one seed", filepath.Base(f))
		}
		if len(x) < 6000 || len(x) > 7000 {
			t.Errorf("%s is %d bytes, want about 6 KB", filepath.Base(f), len(x))
		}
	}
	fsys := os.DirFS(a)
	site, err := feed.ReadSiteConfig(fsys)
	if err != nil {
		t.Fatal(err)
	}
	s, err := feed.Load(context.Background(), fsys, feed.LoadOptions{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Posts()) != 30 || len(s.Problems) != 0 || len(s.Categories()) == 0 || len(s.Categories()) > 40 {
		t.Errorf("%d posts, %d problems, %d categories", len(s.Posts()), len(s.Problems), len(s.Categories()))
	}
	for _, p := range s.Posts() {
		if len(p.Tags) < 1 || len(p.Tags) > 3 {
			t.Errorf("%s has %d tags, want 1 to 3", p.Path, len(p.Tags))
		}
	}
	if err := run("", 1, 1); err == nil {
		t.Error("no error without -out")
	}
}
