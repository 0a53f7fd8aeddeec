package feed

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRenderSurvivesFileChanges: once a snapshot has read a post's file (to
// render it, or in a reload), later changes to the file do not break that
// snapshot's renders; a file it never read and that changed is ErrChanged.
func TestRenderSurvivesFileChanges(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, "_posts", name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		text := "---\ntitle: t\ndate: 2026-10-01 08:00:00 +0800\ncategories: a\n---\n<p>" + body + "</p>\n"
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("2026-10-01-a.md", "甲版一")
	write("2026-10-02-b.md", "乙版一")
	fsys := os.DirFS(dir)
	opts := LoadOptions{Site: Site{URL: "https://news.example.org", FullContent: true, SummaryRunes: 50}, Now: time.Now()}
	first, err := Load(context.Background(), fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := first.Category("a")
	if err := first.Render(io.Discard, cat, RSS, -1); err != nil {
		t.Fatal(err)
	}

	write("2026-10-01-a.md", "甲版二")
	first.items.reset() // make the next render read the posts again
	var buf bytes.Buffer
	if err := first.Render(&buf, cat, RSS, -1); err != nil {
		t.Fatalf("render after a file changed: %v", err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("甲版一")) || bytes.Contains(buf.Bytes(), []byte("甲版二")) {
		t.Fatal("render does not show the snapshot's own version of the post")
	}

	// A reload keeps what it read; a file changed after it is still served
	// as the reload saw it.
	write("2026-10-03-c.md", "丙版一")
	opts.Previous, opts.Now = first, time.Now()
	second, err := Load(context.Background(), fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	write("2026-10-03-c.md", "丙版二")
	second.items.reset()
	cat2, _ := second.Category("a")
	buf.Reset()
	if err := second.Render(&buf, cat2, RSS, -1); err != nil {
		t.Fatalf("render of a reloaded snapshot after a file changed: %v", err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("丙版一")) || !bytes.Contains(buf.Bytes(), []byte("甲版二")) {
		t.Fatalf("reloaded snapshot does not show its own versions:\n%s", buf.Bytes())
	}

	// A cold snapshot that never read a file cannot render it once it changed.
	cold, err := Load(context.Background(), fsys, LoadOptions{Site: opts.Site, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	write("2026-10-02-b.md", "乙版二")
	catCold, _ := cold.Category("a")
	if err := cold.Render(io.Discard, catCold, RSS, -1); !errors.Is(err, ErrChanged) {
		t.Fatalf("render of a changed, never read post: %v, want ErrChanged", err)
	}
}
