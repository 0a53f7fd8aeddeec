package feed

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/renderer/html"
)

// goldmarkDefault is goldmark as it comes, with raw HTML kept: the
// reference that markdown must equal byte for byte.
var goldmarkDefault = goldmark.New(goldmark.WithRendererOptions(html.WithUnsafe()))

// checkMarkdown fails unless markdown renders src as goldmarkDefault does.
func checkMarkdown(t testing.TB, src []byte) {
	t.Helper()
	var want bytes.Buffer
	if err := goldmarkDefault.Convert(src, &want); err != nil {
		t.Fatal(err)
	}
	got, err := renderBody(NewMarkdown(MarkdownOptions{CommonMark: true}), src, true, new(htmlBuffer))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("markdown of %q:\ngot  %q\nwant %q", src, got, want.Bytes())
	}
}

// htmlBlockLines are first lines of HTML blocks and near misses.
var htmlBlockLines = []string{
	"<p>", "<P>text</P>", "<p x=1>", "<p\tx>", "<p/>", "<p/x>", "<p", "<p\r", "<p\rx", "<p\r\n", "</p>", "</ p>",
	"</  div >", "   <div>", "    <div>", "<div-x>", "<div2>", "<h1>", "<h7>", "<H6 id=x>", "<pre>", "<preamble>",
	"<script>", "<Script src=x>", "<style", "<textarea>", "<scriptx>", "<figcaption>", "<figcaptions>", "<-p>",
	"<1p>", "<a href=x>", "<a>", "<custom-tag>", "<!-- c -->", "<?php ?>", "<!DOCTYPE html>", "<![CDATA[x]]>",
	"< p>", "<p\x00>", "<p>\x00</p>", "<menuitem/>", "<table>\t", "<td>株洲</td>", "<p>本报记者</p>",
}

func TestMarkdownMatchesGoldmark(t *testing.T) {
	entries, err := os.ReadDir("testdata/render")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/render", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		checkMarkdown(t, data)
	}
	checkMarkdown(t, []byte(benchBody(0)))
	for _, line := range htmlBlockLines {
		for _, src := range []string{line, line + "\n", line + "\nmore\n\nafter", "para\n" + line + "\nx", "- " + line, "> " + line} {
			checkMarkdown(t, []byte(src))
		}
	}
}

func TestMarkdownWrapsHTMLBlockParser(t *testing.T) {
	n := 0
	for _, p := range blockParsers() {
		if _, ok := p.Value.(htmlBlockParser); ok {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d wrapped HTML block parsers, want 1", n)
	}
}

// FuzzMarkdown checks that markdown renders any body as goldmark does.
func FuzzMarkdown(f *testing.F) {
	entries, _ := os.ReadDir("testdata/render")
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/render", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(strings.Join(htmlBlockLines, "\n")))
	f.Add([]byte(benchBody(1)))
	f.Fuzz(func(t *testing.T, src []byte) {
		checkMarkdown(t, src)
	})
}

// Goldmark's expressions for the first line of an HTML block
// (parser/html_block.go), to check startsBlockTag against.
var (
	gmType1 = regexp.MustCompile(`(?i)^[ ]{0,3}<(script|pre|style|textarea)(?:\s.*|>.*|/>.*|)(?:\r\n|\n)?$`)
	gmType2 = regexp.MustCompile(`^[ ]{0,3}<!\-\-`)
	gmType3 = regexp.MustCompile(`^[ ]{0,3}<\?`)
	gmType4 = regexp.MustCompile(`^[ ]{0,3}<![A-Z]+.*(?:\r\n|\n)?$`)
	gmType5 = regexp.MustCompile(`^[ ]{0,3}<\!\[CDATA\[`)
	gmType6 = regexp.MustCompile(`^[ ]{0,3}<(?:/[ ]*)?([a-zA-Z]+[a-zA-Z0-9\-]*)(?:[ ].*|>.*|/>.*|)(?:\r\n|\n)?$`)
	gmType7 = regexp.MustCompile(`^[ ]{0,3}<(/[ ]*)?([a-zA-Z]+[a-zA-Z0-9\-]*)(` +
		`(?:[\r\n \t]+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:[\r\n \t]*=[\r\n \t]*(?:[^\"'=<>` + "`" + `\x00-\x20]+|'[^']*'|"[^"]*"))?)` +
		`*)[ ]*(?:>|/>)[ ]*(?:\r\n|\n)?$`)
)

// goldmarkType6 reports whether goldmark's expressions make line the start
// of a type 6 HTML block.
func goldmarkType6(line []byte) bool {
	if gmType1.Match(line) || gmType2.Match(line) || gmType3.Match(line) || gmType4.Match(line) || gmType5.Match(line) {
		return false
	}
	if m := gmType7.FindSubmatchIndex(line); m != nil && blockTagName(line[m[4]:m[5]]) {
		return true
	}
	m := gmType6.FindSubmatchIndex(line)
	return m != nil && blockTagName(line[m[2]:m[3]])
}

// FuzzStartsBlockTag checks that every line startsBlockTag recognizes is
// one that goldmark makes the start of a type 6 HTML block.
func FuzzStartsBlockTag(f *testing.F) {
	for _, line := range htmlBlockLines {
		f.Add(line)
		f.Add(line + "\n")
	}
	f.Fuzz(func(t *testing.T, line string) {
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1] // a line as goldmark's reader gives it
		}
		if startsBlockTag([]byte(line)) && !goldmarkType6([]byte(line)) {
			t.Fatalf("startsBlockTag(%q) but goldmark does not start a type 6 block", line)
		}
	})
}

func TestStartsBlockTag(t *testing.T) {
	for line, want := range map[string]bool{
		"<p>x</p>\n": true, "   </ DIV >\n": true, "<hr/>": true, "<td\r\n": true, "<p x=1>\n": true,
		"    <p>\n": false, "<pre>\n": false, "<p\tx>\n": false, "<a>\n": false, "<p/x>\n": false, "<p\rx\n": false,
	} {
		if got := startsBlockTag([]byte(line)); got != want {
			t.Errorf("startsBlockTag(%q) = %v, want %v", line, got, want)
		}
		if want && !goldmarkType6([]byte(line)) {
			t.Errorf("goldmark does not start a type 6 block at %q", line)
		}
	}
}

func TestBlockLines(t *testing.T) {
	for _, tt := range []struct {
		src  string
		max  int
		want int
	}{
		{"<p>\n", 64, 1}, {"<p>\n\nx", 64, 1}, {"<p>\na\nb\n\nc\n", 64, 3}, {"<p>\na", 64, 2}, {"<p>", 64, 1},
		{"<p>\na\nb\nc\nd\n", 3, 3},
	} {
		stop := strings.IndexByte(tt.src, '\n') + 1
		if stop == 0 {
			stop = len(tt.src)
		}
		if got := blockLines([]byte(tt.src), stop, tt.max); got != tt.want {
			t.Errorf("blockLines(%q, %d, %d) = %d, want %d", tt.src, stop, tt.max, got, tt.want)
		}
	}
}
