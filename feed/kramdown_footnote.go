package feed

import (
	"html"
	"strconv"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// footnoteName is the attribute carrying a footnote's name (its label) on
// the links to it, for kramdown's fn:NAME ids.
const footnoteName = "\x00fn"

// nameFootnotes puts each footnote's name on the links to it and back.
func nameFootnotes(doc *ast.Document) {
	list, ok := doc.LastChild().(*east.FootnoteList)
	if !ok {
		return
	}
	names := map[int][]byte{}
	for c := list.FirstChild(); c != nil; c = c.NextSibling() {
		if fn, ok := c.(*east.Footnote); ok {
			names[fn.Index] = fn.Ref
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch f := n.(type) {
			case *east.FootnoteLink:
				f.SetAttributeString(footnoteName, names[f.Index])
			case *east.FootnoteBacklink:
				f.SetAttributeString(footnoteName, names[f.Index])
			}
		}
		return ast.WalkContinue, nil
	})
}

// fnName returns the name of the footnote n links to, escaped.
func fnName(n ast.Node) string {
	v, ok := n.AttributeString(footnoteName)
	if !ok {
		if doc := n.OwnerDocument(); doc != nil {
			nameFootnotes(doc)
			v, _ = n.AttributeString(footnoteName)
		}
	}
	b, _ := v.([]byte)
	return html.EscapeString(string(b))
}

// fnNumber is the number kramdown shows for the footnote at index i.
func (k *kramdown) fnNumber(i int) string {
	nr := k.opts.FootnoteNr
	if nr == 0 {
		nr = 1
	}
	return strconv.Itoa(nr - 1 + i)
}

// renderFootnoteLink writes a reference as kramdown does: <sup id="fnref:NAME">
// around a link to fn:NAME showing the footnote's number.
func (k *kramdown) renderFootnoteLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*east.FootnoteLink)
	name := fnName(n)
	id := name
	if n.RefIndex > 0 {
		id += ":" + strconv.Itoa(n.RefIndex)
	}
	w.WriteString(`<sup id="fnref:` + id + `"><a href="#fn:` + name +
		`" class="footnote" rel="footnote" role="doc-noteref">` + k.fnNumber(n.Index) + `</a></sup>`)
	return ast.WalkContinue, nil
}

// renderFootnoteBacklink writes kramdown's link back to a reference: ↩ after
// a no-break space, with the reference's number from the second on.
func (k *kramdown) renderFootnoteBacklink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*east.FootnoteBacklink)
	// A footnote that does not end in a paragraph gets its backlinks in
	// one, as kramdown writes it.
	bare := n.Parent() != nil && n.Parent().Kind() == east.KindFootnote
	if prev := n.PreviousSibling(); bare && (prev == nil || prev.Kind() != east.KindFootnoteBacklink) {
		w.WriteString("<p>")
	}
	if bare && n.NextSibling() == nil {
		defer w.WriteString("</p>\n")
	}
	id, sup := fnName(n), ""
	if n.RefIndex > 0 {
		id += ":" + strconv.Itoa(n.RefIndex)
		sup = "<sup>" + strconv.Itoa(n.RefIndex+1) + "</sup>"
		w.WriteString(" ")
	} else {
		w.WriteString("\u00a0")
	}
	w.WriteString(`<a href="#fnref:` + id + `" class="reversefootnote" role="doc-backlink">&#8617;` + sup + `</a>`)
	return ast.WalkContinue, nil
}

// renderFootnote writes a footnote as an item with id fn:NAME.
func (k *kramdown) renderFootnote(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(`<li id="fn:` + html.EscapeString(string(node.(*east.Footnote).Ref)) + "\">\n")
	} else {
		w.WriteString("</li>\n")
	}
	return ast.WalkContinue, nil
}

// renderFootnoteList writes kramdown's footnotes div, its list starting at
// footnote_nr.
func (k *kramdown) renderFootnoteList(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		w.WriteString("</ol>\n</div>\n")
		return ast.WalkContinue, nil
	}
	w.WriteString("<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol")
	if k.opts.FootnoteNr > 1 {
		w.WriteString(` start="` + strconv.Itoa(k.opts.FootnoteNr) + `"`)
	}
	w.WriteString(">\n")
	return ast.WalkContinue, nil
}
