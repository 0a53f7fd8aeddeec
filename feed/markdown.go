package feed

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders CommonMark with raw HTML kept, as Jekyll sites expect.
// It is goldmark's default Markdown with two parts that do the same work
// faster on HTML-heavy bodies: an HTML block parser that tells the common
// block-level start tags without regular expressions, and a writer that
// finds NUL bytes with bytes.IndexByte. A goldmark.Markdown is safe for
// concurrent use and holds no mutable state.
var markdown = goldmark.New(
	goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(blockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)),
	goldmark.WithRendererOptions(html.WithUnsafe(), html.WithWriter(htmlTextWriter{html.DefaultWriter})),
)

// blockParsers returns goldmark's default block parsers with the HTML
// block parser wrapped in htmlBlockParser.
func blockParsers() []util.PrioritizedValue {
	ps := parser.DefaultBlockParsers()
	for i, p := range ps {
		if bp, ok := p.Value.(parser.BlockParser); ok && bp == parser.NewHTMLBlockParser() {
			ps[i].Value = htmlBlockParser{bp}
		}
	}
	return ps
}

// htmlBlockParser is goldmark's HTML block parser, whose Open tries six
// regular expressions on the first line of every block that starts with
// '<'. Open first recognizes a line that starts with an opening or closing
// tag of one of CommonMark's block-level elements, followed by a space,
// '>', "/>" or the end of the line: goldmark makes such a line the start of
// a type 6 HTML block whichever expression matches. Any other line is left
// to goldmark.
type htmlBlockParser struct{ parser.BlockParser }

// Open starts an HTML block at the reader's line, as goldmark's does.
func (b htmlBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, segment := reader.PeekLine()
	if !startsBlockTag(line) {
		return b.BlockParser.Open(parent, reader, pc)
	}
	node := ast.NewHTMLBlock(ast.HTMLBlockType6)
	reader.AdvanceToEOL()
	lines := node.Lines()
	if n := blockLines(reader.Source(), segment.Stop, 64); n > 1 {
		// Room for the block's lines at once, rather than doubling from one.
		var room [64]text.Segment
		lines.AppendAll(room[:n])
		lines.SetSliced(0, 0)
	}
	lines.Append(segment)
	return node, parser.NoChildren
}

// blockLines estimates how many lines, at most max, the HTML block whose
// first line ends at stop holds: the lines up to the next empty one. It
// only sizes memory.
func blockLines(src []byte, stop, max int) int {
	n := 1
	for p := stop; n < max && p < len(src) && src[p] != '\n'; n++ {
		j := bytes.IndexByte(src[p:], '\n')
		if j < 0 {
			return n + 1
		}
		p += j + 1
	}
	return n
}

// startsBlockTag reports whether line is up to three spaces, then '<' and
// optionally '/' and spaces, then the name of a CommonMark block-level
// element in any case, then a space, '>', "/>" or the end of the line.
func startsBlockTag(line []byte) bool {
	i := 0
	for i < 3 && i < len(line) && line[i] == ' ' {
		i++
	}
	if i >= len(line) || line[i] != '<' {
		return false
	}
	i++
	if i < len(line) && line[i] == '/' {
		for i++; i < len(line) && line[i] == ' '; i++ {
		}
	}
	start := i
	for i < len(line) && (isASCIILetter(line[i]) || i > start && (line[i] >= '0' && line[i] <= '9' || line[i] == '-')) {
		i++
	}
	if !blockTagName(line[start:i]) {
		return false
	}
	switch rest := line[i:]; {
	case len(rest) == 0, rest[0] == ' ', rest[0] == '>':
		return true
	case rest[0] == '/':
		return len(rest) > 1 && rest[1] == '>'
	default:
		return string(rest) == "\n" || string(rest) == "\r\n"
	}
}

// blockTagName reports whether name, in any case, is one of the element
// names that start a type 6 HTML block in goldmark (CommonMark's list).
func blockTagName(name []byte) bool {
	if len(name) == 0 || len(name) > len("figcaption") {
		return false
	}
	var lower [len("figcaption")]byte
	for i, c := range name {
		lower[i] = c | 0x20 // letters only: digits and '-' already have the bit
	}
	switch string(lower[:len(name)]) {
	case "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption",
		"center", "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt",
		"fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset",
		"h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "iframe",
		"legend", "li", "link", "main", "menu", "menuitem", "meta", "nav", "noframes",
		"ol", "optgroup", "option", "p", "param", "search", "section", "summary",
		"table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track", "ul":
		return true
	}
	return false
}

// htmlTextWriter is goldmark's default writer with a SecureWrite that
// copies the runs between NUL bytes whole instead of byte by byte.
type htmlTextWriter struct{ html.Writer }

// SecureWrite writes source with every NUL byte replaced by U+FFFD.
func (htmlTextWriter) SecureWrite(w util.BufWriter, source []byte) {
	for {
		i := bytes.IndexByte(source, 0)
		if i < 0 {
			break
		}
		w.Write(source[:i])
		w.WriteString("\uFFFD")
		source = source[i+1:]
	}
	w.Write(source)
}

// htmlBuffer is a bytes.Buffer that goldmark renders into directly: as a
// util.BufWriter it needs no bufio.Writer of its own.
type htmlBuffer struct{ bytes.Buffer }

// Buffered returns 0: nothing waits to be flushed.
func (*htmlBuffer) Buffered() int { return 0 }

// Flush does nothing.
func (*htmlBuffer) Flush() error { return nil }
