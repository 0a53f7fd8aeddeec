package feed

import (
	"strings"
	"testing"
)

// markdownBenchBody is a body in the shape of a Jekyll news post: headings,
// lists, emphasis, links, quotes, a table, a footnote and highlighted code.
func markdownBenchBody() string {
	part := `## What's new in "this" release

Jekyll's *newest* release -- with **many** fixes... See [the docs](/docs/) and
the [changelog](https://github.com/jekyll/jekyll/releases)[^1].

* Fixes a bug in ` + "`jekyll serve`" + `
* Adds ` + "`--livereload-port`" + `

  with a second paragraph

1. one
2. two

| option | default |
|--------|---------|
| ` + "`safe`" + ` | false |

` + "```ruby\ndef hello(name)\n  puts \"Hi, #{name}\" # greet\nend\n```" + `

[^1]: A footnote.

`
	return strings.Repeat(part, 4)
}

// BenchmarkMarkdown measures converting one post body with each converter:
// the target site's HTML-heavy Chinese body and a Jekyll news post.
func BenchmarkMarkdown(b *testing.B) {
	bodies := []struct{ name, body string }{{"html", benchBody(0)}, {"jekyll", markdownBenchBody()}}
	for _, conv := range []struct {
		name string
		opts MarkdownOptions
	}{{"commonmark", MarkdownOptions{CommonMark: true}}, {"kramdown", MarkdownOptions{}}} {
		for _, body := range bodies {
			b.Run(conv.name+"/"+body.name, func(b *testing.B) {
				md, src, buf := NewMarkdown(conv.opts), []byte(body.body), new(htmlBuffer)
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := renderBody(md, src, true, buf); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
