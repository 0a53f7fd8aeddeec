package feed

import (
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// kindHTML is the kind of a block of HTML made while converting: a table
// of contents, a start tag without its markdown attribute.
var kindHTML = ast.NewNodeKind("KramdownHTML")

// htmlNode is a block written as its HTML.
type htmlNode struct {
	ast.BaseBlock
	html string
}

// Kind returns kindHTML.
func (*htmlNode) Kind() ast.NodeKind { return kindHTML }

// Dump writes the node for debugging.
func (n *htmlNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// renderHTMLNode writes an htmlNode's HTML.
func renderHTMLNode(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(node.(*htmlNode).html)
	}
	return ast.WalkSkipChildren, nil
}

// replaceWithTOC puts kramdown's table of contents of headings in place of
// the list holding the {:toc} attribute list (holder is its item, or the
// block itself when the list was not an item).
func (k *kramdown) replaceWithTOC(holder ast.Node, headings []*ast.Heading, source []byte) {
	target := holder
	if _, ok := holder.(*ast.ListItem); ok && holder.Parent() != nil {
		target = holder.Parent()
	}
	parent := target.Parent()
	if parent == nil {
		return
	}
	levels := k.opts.TOCLevels
	if levels == 0 {
		levels = 0b1111110
	}
	var b strings.Builder
	b.WriteString(`<ul id="markdown-toc">` + "\n")
	depth, open := 0, []int{}
	for _, h := range headings {
		idv, ok := h.AttributeString("id")
		id, _ := idv.([]byte)
		if !ok || len(id) == 0 || levels&(1<<h.Level) == 0 {
			continue
		}
		if no, ok := h.AttributeString("class"); ok {
			if c, _ := no.([]byte); strings.Contains(" "+string(c)+" ", " no_toc ") {
				continue
			}
		}
		switch {
		case depth == 0:
			open = append(open, h.Level)
		case h.Level > open[len(open)-1]:
			b.WriteString("\n<ul>\n")
			open = append(open, h.Level)
		default:
			b.WriteString("</li>\n")
			for len(open) > 1 && h.Level < open[len(open)-1] {
				open = open[:len(open)-1]
				b.WriteString("</ul>\n</li>\n")
			}
		}
		depth++
		e := html.EscapeString(string(id))
		b.WriteString(`<li><a href="#` + e + `" id="markdown-toc-` + e + `">` + html.EscapeString(textOf(h, source)) + `</a>`)
	}
	if depth > 0 {
		b.WriteString("</li>\n")
		for len(open) > 1 {
			open = open[:len(open)-1]
			b.WriteString("</ul>\n</li>\n")
		}
	}
	b.WriteString("</ul>\n")
	parent.ReplaceChild(parent, target, &htmlNode{html: b.String()})
}
