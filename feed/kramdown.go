package feed

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Markdown converts post bodies from Markdown to HTML as a Jekyll site
// would: kramdown's output shapes by default, CommonMark when the site
// asks for it. It is the Markdown stage of a post: whatever runs before it
// (Liquid) hands it the body. A Markdown is safe for concurrent use.
type Markdown struct {
	opts MarkdownOptions
	md   goldmark.Markdown
}

// markdowns holds one converter per set of options, shared by snapshots.
var markdowns sync.Map // MarkdownOptions.key() -> *Markdown

// NewMarkdown returns the converter for o.
func NewMarkdown(o MarkdownOptions) *Markdown {
	key := o.key()
	if m, ok := markdowns.Load(key); ok {
		return m.(*Markdown)
	}
	m := &Markdown{opts: o, md: markdown}
	if !o.CommonMark {
		m.md = newKramdown(o)
	}
	actual, _ := markdowns.LoadOrStore(key, m)
	return actual.(*Markdown)
}

// Convert writes the HTML of the Markdown src to w.
func (m *Markdown) Convert(src []byte, w io.Writer) error {
	if err := m.md.Convert(src, w); err != nil {
		return fmt.Errorf("feed: render markdown: %w", err)
	}
	return nil
}

// newKramdown returns goldmark set up to write what kramdown writes with
// options o.
func newKramdown(o MarkdownOptions) goldmark.Markdown {
	rendererOpts := []renderer.Option{gmhtml.WithUnsafe(), gmhtml.WithXHTML(), gmhtml.WithWriter(htmlTextWriter{gmhtml.DefaultWriter})}
	if o.HardWrap {
		rendererOpts = append(rendererOpts, gmhtml.WithHardWraps())
	}
	k := &kramdown{opts: o, quotes: smartQuotes(o.SmartQuotes)}
	extensions := []goldmark.Extender{extension.Table, extension.Strikethrough, extension.Footnote}
	if !o.KramdownText {
		extensions = append(extensions, extension.TaskList)
	}
	if !o.NoTypographic {
		extensions = append(extensions, extension.NewTypographer(extension.WithTypographicSubstitutions(k.quotes)))
	}
	return goldmark.New(
		goldmark.WithParser(parser.NewParser(
			parser.WithBlockParsers(kramdownBlockParsers()...),
			parser.WithInlineParsers(kramdownInlineParsers()...),
			parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
			parser.WithParagraphTransformers(util.Prioritized(ialParagraphTransformer{}, 50)),
			parser.WithASTTransformers(util.Prioritized(k, 10)),
			parser.WithAttribute(),
		)),
		goldmark.WithRendererOptions(rendererOpts...),
		goldmark.WithExtensions(extensions...),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(k, 1))),
	)
}

// kramdown holds the options the AST transformer and the node renderers
// that give goldmark kramdown's shapes need.
type kramdown struct {
	opts   MarkdownOptions
	quotes map[extension.TypographicPunctuation]string // smart quotes, dashes and the like
}

// kramdownBlockParsers are goldmark's block parsers with HTML blocks as
// kramdown reads them: a line that starts with a span-level element is a
// paragraph, and a start tag with markdown="1" is followed by Markdown.
func kramdownBlockParsers() []util.PrioritizedValue {
	ps := blockParsers()
	for i, p := range ps {
		if bp, ok := p.Value.(htmlBlockParser); ok {
			ps[i].Value = spanHTMLParagraphs{bp}
			ps = append(ps, util.Prioritized(markdownHTMLParser{}, p.Priority-1))
		}
	}
	return ps
}

// kramdownInlineParsers are goldmark's inline parsers with emphasis that
// opens and closes next to CJK punctuation, as kramdown's does, and span
// attribute lists.
func kramdownInlineParsers() []util.PrioritizedValue {
	ps := parser.DefaultInlineParsers()
	for i, p := range ps {
		if p.Value == parser.NewEmphasisParser() {
			ps[i].Value = cjkEmphasisParser{parser.NewEmphasisParser()}
		}
	}
	return append(ps, util.Prioritized(spanIALParser{}, 50))
}

// smartQuotes returns goldmark's typographic substitutions for kramdown's
// smart_quotes (four entity names or numbers: left and right single, left
// and right double) and its dashes, ellipsis and angle quotes, written as
// characters as Jekyll's entity_output: as_char does.
func smartQuotes(spec string) map[extension.TypographicPunctuation]string {
	q := []string{"‘", "’", "“", "”"}
	if names := strings.Split(spec, ","); len(names) == 4 {
		for i, n := range names {
			n = strings.TrimSpace(n)
			if n == "" {
				continue
			}
			if n[0] >= '0' && n[0] <= '9' {
				n = "#" + n
			}
			q[i] = html.UnescapeString("&" + n + ";")
		}
	}
	return map[extension.TypographicPunctuation]string{
		extension.LeftSingleQuote:  q[0],
		extension.RightSingleQuote: q[1],
		extension.LeftDoubleQuote:  q[2],
		extension.RightDoubleQuote: q[3],
		extension.Apostrophe:       q[1],
		extension.EnDash:           "–",
		extension.EmDash:           "—",
		extension.Ellipsis:         "…",
		extension.LeftAngleQuote:   "«",
		extension.RightAngleQuote:  "»",
	}
}

// textOf returns the text of n's descendants with entities decoded, as
// kramdown sees a heading's text when it makes its id.
func textOf(n ast.Node, source []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(source))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return html.UnescapeString(b.String())
}
