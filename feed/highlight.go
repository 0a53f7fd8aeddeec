package feed

import (
	"html"
	"strings"
)

// HighlightOptions are the options of a {% highlight %} block besides its
// language.
type HighlightOptions struct {
	LineNumbers bool   // linenos
	MarkLines   string // mark_lines="1 2", as written
}

// highlightCode returns the HTML of a {% highlight lang %} block whose
// content is code, in the shape Jekyll writes it: a figure holding a pre
// and a code element that name the language. The code is escaped, not
// highlighted.
func highlightCode(lang, code string, _ HighlightOptions) string {
	var b strings.Builder
	b.Grow(len(code) + len(code)/8 + 128)
	b.WriteString(`<figure class="highlight"><pre><code class="language-`)
	b.WriteString(html.EscapeString(strings.ReplaceAll(lang, "+", "-")))
	b.WriteString(`" data-lang="`)
	b.WriteString(html.EscapeString(lang))
	b.WriteString(`">`)
	b.WriteString(html.EscapeString(strings.TrimRight(code, "\n")))
	b.WriteString("</code></pre></figure>")
	return b.String()
}
