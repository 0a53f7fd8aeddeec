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

// kindSpanIAL is the kind of a span attribute list read from the text.
var kindSpanIAL = ast.NewNodeKind("KramdownSpanIAL")

// spanIALNode is a span attribute list ("{: .class}") where it was read;
// the transformer gives its attributes to the span before it.
type spanIALNode struct {
	ast.BaseInline
	segment text.Segment
}

// Kind returns kindSpanIAL.
func (*spanIALNode) Kind() ast.NodeKind { return kindSpanIAL }

// Dump writes the node for debugging.
func (n *spanIALNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// spanIALParser reads span attribute lists before the typographer can
// curl the quotes of their values.
type spanIALParser struct{}

// Trigger returns '{'.
func (spanIALParser) Trigger() []byte { return []byte{'{'} }

// Parse reads an attribute list at the reader's position.
func (spanIALParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, seg := block.PeekLine()
	m := spanIAL.Find(line)
	if m == nil {
		return nil
	}
	block.Advance(len(m))
	return &spanIALNode{segment: seg.WithStop(seg.Start + len(m))}
}

// applySpanIAL gives the span element before n the attributes of the list
// n holds, as kramdown reads "*text*{: .class}", and removes n; after text,
// where kramdown has no span to give them to, the list stays as text.
func applySpanIAL(n *spanIALNode, source []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	prev := n.PreviousSibling()
	if prev == nil || prev.Kind() == ast.KindText || prev.Kind() == ast.KindString {
		parent.ReplaceChild(parent, n, ast.NewTextSegment(n.segment))
		return
	}
	applyIAL(prev, n.segment.Value(source))
	parent.RemoveChild(parent, n)
}
