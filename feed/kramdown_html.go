package feed

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// spanHTMLParagraphs is the HTML block parser that leaves a line starting
// with a span-level element (a, img, span, em, ...) to a paragraph, as
// kramdown does, where CommonMark would make it an HTML block.
type spanHTMLParagraphs struct{ htmlBlockParser }

// Open starts an HTML block unless the line starts with a span element.
// A block element's start tag whose end tag comes later holds every line
// up to that end tag, blank ones too, as kramdown reads a whole element:
// the <figure> of a highlighted block keeps the blank lines of its code.
func (b spanHTMLParagraphs) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	if startsSpanTag(line) {
		return nil, parser.NoChildren
	}
	node, state := b.htmlBlockParser.Open(parent, reader, pc)
	if h, ok := node.(*ast.HTMLBlock); ok && h.HTMLBlockType == ast.HTMLBlockType6 {
		if end := elementEnd(reader.Source(), seg.Start, pc); end > seg.Stop {
			h.SetAttributeString(elementEndAttr, end)
		}
	}
	return node, state
}

// Continue keeps an element read whole open up to its end tag.
func (b spanHTMLParagraphs) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	v, ok := node.AttributeString(elementEndAttr)
	if !ok {
		return b.htmlBlockParser.Continue(node, reader, pc)
	}
	_, seg := reader.PeekLine()
	node.Lines().Append(seg)
	reader.AdvanceToEOL()
	if seg.Stop >= v.(int) {
		return parser.Close
	}
	return parser.Continue | parser.NoChildren
}

// elementEndAttr holds, on an HTML block read whole, where its end tag ends.
const elementEndAttr = "\x00end"

// elementEnd returns the offset just past the end tag matching the start
// tag at src[start:] (after up to three spaces), counting nested elements
// of the same name; 0 when the line does not start with a start tag or
// the end tag is missing. A name whose end tag was once missing is not
// looked for again in the same document, so that a body of unclosed tags
// is not read again for each.
func elementEnd(src []byte, start int, pc parser.Context) int {
	i := start
	for i < len(src) && src[i] == ' ' {
		i++
	}
	if i+1 >= len(src) || src[i] != '<' || !isASCIILetter(src[i+1]) {
		return 0
	}
	j := i + 1
	for j < len(src) && (isASCIILetter(src[j]) || src[j] >= '0' && src[j] <= '9') {
		j++
	}
	name := src[i+1 : j]
	lower := string(bytes.ToLower(name))
	missing, _ := pc.Get(missingEndKey).(map[string]bool)
	if isVoidElement(lower) || missing[lower] {
		return 0
	}
	if end := matchingEnd(src, i, name); end > 0 {
		return end
	}
	if missing == nil {
		missing = map[string]bool{}
		pc.Set(missingEndKey, missing)
	}
	missing[lower] = true
	return 0
}

// missingEndKey holds, in a parse, the element names found without an end tag.
var missingEndKey = parser.NewContextKey()

// matchingEnd returns the offset past the end tag matching the start tag
// named name at src[i], or 0.
func matchingEnd(src []byte, i int, name []byte) int {
	depth := 0
	for k := i; k < len(src); k++ {
		n := bytes.IndexByte(src[k:], '<')
		if n < 0 {
			return 0
		}
		k += n
		closing := k+1 < len(src) && src[k+1] == '/'
		at := k + 1
		if closing {
			at++
		}
		if at+len(name) > len(src) || !bytes.EqualFold(src[at:at+len(name)], name) || !tagNameEnds(src, at+len(name)) {
			continue
		}
		if !closing {
			depth++
			continue
		}
		if depth--; depth == 0 {
			end := bytes.IndexByte(src[k:], '>')
			if end < 0 {
				return 0
			}
			return k + end + 1
		}
	}
	return 0
}

// tagNameEnds reports whether a tag name ends at src[i].
func tagNameEnds(src []byte, i int) bool {
	return i >= len(src) || src[i] == '>' || src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '/'
}

// isVoidElement reports whether name is an element without an end tag.
func isVoidElement(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr":
		return true
	}
	return false
}

// startsSpanTag reports whether line starts, after up to three spaces,
// with the start or end tag of one of kramdown's span-level elements.
func startsSpanTag(line []byte) bool {
	line = bytes.TrimLeft(line, " ")
	if len(line) < 2 || line[0] != '<' {
		return false
	}
	line = bytes.TrimPrefix(line[1:], []byte("/"))
	end := 0
	for end < len(line) && (isASCIILetter(line[end]) || end > 0 && line[end] >= '0' && line[end] <= '9') {
		end++
	}
	switch string(bytes.ToLower(line[:end])) {
	case "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn", "em", "i",
		"img", "input", "ins", "kbd", "label", "mark", "q", "rb", "rbc", "rp", "rt", "rtc", "ruby", "s",
		"samp", "select", "small", "span", "strong", "sub", "sup", "textarea", "tt", "u", "var", "time":
		return true
	}
	return false
}

// cjkEmphasisParser is goldmark's emphasis parser, except that a run of
// '*' or '_' next to CJK punctuation can open or close emphasis, as in
// kramdown, where CommonMark's flanking rules leave "**“x”**后" literal.
type cjkEmphasisParser struct{ parser.InlineParser }

// Parse scans a delimiter run and relaxes its flanking next to CJK text.
func (p cjkEmphasisParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	before := block.PrecendingCharacter()
	line, _ := block.PeekLine()
	node := p.InlineParser.Parse(parent, block, pc)
	d, ok := node.(*parser.Delimiter)
	if !ok || d.Char != '*' {
		return node
	}
	after, _ := utf8.DecodeRune(line[min(d.OriginalLength, len(line)):])
	if isCJK(before) || isCJK(after) {
		if !unicode.IsSpace(after) && after != utf8.RuneError {
			d.CanOpen = true
		}
		if !unicode.IsSpace(before) && before != '\n' {
			d.CanClose = true
		}
	}
	return node
}

// isCJK reports whether r is a CJK character or CJK punctuation, or one of
// the curly quotes Chinese text uses.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef || r >= 0x2018 && r <= 0x201f
}
