package feed

import (
	"bytes"
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// tocMark marks a paragraph whose attribute list asks for a table of
// contents in place of the list holding it.
const tocMark = "\x00toc"

// ialLine matches a line that is only a kramdown block attribute list.
var ialLine = regexp.MustCompile(`^ {0,3}\{:(?:[^:}][^}]*)?\}\s*$`)

// ialToken matches one item of an attribute list: .class, #id, key="v",
// key='v' or a reference name.
var ialToken = regexp.MustCompile(`\.[-\w]+|#[-\w:]+|[-\w:]+="[^"]*"|[-\w:]+='[^']*'|[-\w]+`)

// applyIAL sets on n the attributes of the attribute list src ("{: ...}").
// Classes add up; the reference toc marks n.
func applyIAL(n ast.Node, src []byte) {
	inner := bytes.TrimSpace(src)
	inner = bytes.TrimSuffix(bytes.TrimPrefix(inner, []byte("{:")), []byte("}"))
	for _, tok := range ialToken.FindAll(inner, -1) {
		switch {
		case tok[0] == '.':
			class := tok[1:]
			if old, ok := n.AttributeString("class"); ok {
				if b, ok := old.([]byte); ok && len(b) > 0 {
					class = append(append(append([]byte{}, b...), ' '), class...)
				}
			}
			n.SetAttributeString("class", class)
		case tok[0] == '#':
			n.SetAttributeString("id", tok[1:])
		case bytes.IndexByte(tok, '=') > 0:
			k, v, _ := bytes.Cut(tok, []byte("="))
			n.SetAttribute(k, v[1:len(v)-1])
		case string(tok) == "toc":
			n.SetAttributeString(tocMark, nil)
		}
	}
}

// ialParagraphTransformer reads kramdown block attribute lists: a line
// "{: ...}" that ends a paragraph sets the paragraph's attributes; a
// paragraph of nothing but such lines sets the attributes of the block
// before it, and goes.
type ialParagraphTransformer struct{}

// Transform applies and removes the attribute lists of node.
func (ialParagraphTransformer) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	source := reader.Source()
	line := func(i int) []byte { s := lines.At(i); return s.Value(source) }
	n := lines.Len()
	if n == 0 || !ialLine.Match(line(n-1)) {
		if n > 1 && ialLine.Match(line(0)) {
			applyIAL(node, line(0))
			lines.SetSliced(1, n)
		}
		return
	}
	last := n
	for last > 0 && ialLine.Match(line(last-1)) {
		last--
	}
	target := ast.Node(node)
	if last == 0 {
		if target = node.PreviousSibling(); target == nil {
			return
		}
	}
	for i := last; i < n; i++ {
		applyIAL(target, line(i))
	}
	if _, ok := target.AttributeString(tocMark); ok && node.Parent() != nil {
		tocs, _ := pc.Get(tocKey).([]ast.Node)
		pc.Set(tocKey, append(tocs, node.Parent()))
	}
	if last > 0 {
		lines.SetSliced(0, last)
		return
	}
	node.Parent().RemoveChild(node.Parent(), node)
}

// tocKey holds, in a parse, the blocks holding a {:toc} attribute list.
var tocKey = parser.NewContextKey()
