package feed

import (
	"bytes"
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// markdownAttr matches a start tag on a line of its own whose markdown
// attribute asks kramdown to read the element's content as Markdown.
var markdownAttr = regexp.MustCompile(`^ {0,3}(<[A-Za-z][A-Za-z0-9-]*\b[^>]*?)\s+markdown\s*=\s*(?:"(?:1|block|span)"|'(?:1|block|span)'|1)([^>]*>)\s*$`)

// markdownHTMLParser reads a start tag with markdown="1" (kramdown's way of
// asking for Markdown inside an HTML block) as that tag alone, without the
// attribute, so that the lines after it are read as Markdown.
type markdownHTMLParser struct{}

// Trigger returns '<'.
func (markdownHTMLParser) Trigger() []byte { return []byte{'<'} }

// Open takes a start tag line with a markdown attribute.
func (markdownHTMLParser) Open(_ ast.Node, reader text.Reader, _ parser.Context) (ast.Node, parser.State) {
	line, _ := reader.PeekLine()
	m := markdownAttr.FindSubmatch(line)
	if m == nil {
		return nil, parser.NoChildren
	}
	reader.AdvanceToEOL()
	return &htmlNode{html: string(bytes.TrimLeft(m[1], " ")) + string(m[2]) + "\n"}, parser.Close
}

// Continue closes the block: it is one line.
func (markdownHTMLParser) Continue(ast.Node, text.Reader, parser.Context) parser.State {
	return parser.Close
}

// Close does nothing.
func (markdownHTMLParser) Close(ast.Node, text.Reader, parser.Context) {}

// CanInterruptParagraph reports true, as an HTML block can.
func (markdownHTMLParser) CanInterruptParagraph() bool { return true }

// CanAcceptIndentedLine reports false.
func (markdownHTMLParser) CanAcceptIndentedLine() bool { return false }

// spanIAL matches a kramdown span attribute list at the start of a text.
var spanIAL = regexp.MustCompile(`^\{:(?:[^:}][^}]*)?\}`)

// applySpanIAL gives the span element before t the attribute list t starts
// with, as kramdown reads "*text*{: .class}", and removes the list.
func applySpanIAL(t *ast.Text, source []byte) {
	prev := t.PreviousSibling()
	if prev == nil || prev.Kind() == ast.KindText || prev.Kind() == ast.KindString {
		return
	}
	// The list may run over several text nodes: goldmark splits text
	// where an inline parser might start ('-' for the typographer).
	start, stop := t.Segment.Start, t.Segment.Stop
	for n := t.NextSibling(); n != nil; n = n.NextSibling() {
		next, ok := n.(*ast.Text)
		if !ok || next.Segment.Start != stop || bytes.IndexByte(source[start:stop], '}') >= 0 {
			break
		}
		stop = next.Segment.Stop
	}
	m := spanIAL.Find(source[start:stop])
	if m == nil {
		return
	}
	applyIAL(prev, m)
	end := start + len(m)
	for n := ast.Node(t); n != nil; {
		text, ok := n.(*ast.Text)
		if !ok || text.Segment.Start >= end {
			break
		}
		next := n.NextSibling()
		if text.Segment.Stop <= end && !text.SoftLineBreak() && !text.HardLineBreak() {
			n.Parent().RemoveChild(n.Parent(), n)
		} else {
			text.Segment = text.Segment.WithStart(min(end, text.Segment.Stop))
		}
		n = next
	}
}
