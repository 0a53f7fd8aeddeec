package feed

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// RegisterFuncs registers the renderers of kramdown's shapes: footnotes,
// Rouge-highlighted code blocks and code spans, tables of contents.
func (k *kramdown) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindFootnoteLink, k.renderFootnoteLink)
	reg.Register(east.KindFootnoteBacklink, k.renderFootnoteBacklink)
	reg.Register(east.KindFootnote, k.renderFootnote)
	reg.Register(east.KindFootnoteList, k.renderFootnoteList)
	reg.Register(ast.KindFencedCodeBlock, k.renderCodeBlock)
	reg.Register(ast.KindCodeBlock, k.renderCodeBlock)
	reg.Register(ast.KindCodeSpan, k.renderCodeSpan)
	reg.Register(kindHTML, renderHTMLNode)
	reg.Register(east.KindTaskCheckBox, renderTaskCheckBox)
}

// renderTaskCheckBox writes a GFM task list box as kramdown's GFM parser
// does; the transformer sets the list's and the item's classes.
func renderTaskCheckBox(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	w.WriteString(`<input type="checkbox" class="task-list-item-checkbox" disabled="disabled"`)
	if node.(*east.TaskCheckBox).IsChecked {
		w.WriteString(` checked="checked"`)
	}
	w.WriteString(" />")
	return ast.WalkContinue, nil
}

// markTaskItem gives the item holding the task box b, and its list, the
// classes kramdown's GFM parser gives them.
func markTaskItem(b *east.TaskCheckBox) {
	item := b.Parent()
	for item != nil && item.Kind() != ast.KindListItem {
		item = item.Parent()
	}
	if item == nil {
		return
	}
	item.SetAttributeString("class", []byte("task-list-item"))
	if l := item.Parent(); l != nil {
		l.SetAttributeString("class", []byte("task-list"))
	}
}

// renderCodeBlock writes a fenced or indented code block as kramdown does
// with Rouge: highlighted inside highlighter-rouge divs, or escaped inside
// <pre><code> when highlighting is off or the language is unknown.
func (k *kramdown) renderCodeBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	var code bytes.Buffer
	lines := node.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		code.Write(seg.Value(source))
	}
	lang := ""
	if f, ok := node.(*ast.FencedCodeBlock); ok && f.Info != nil {
		info := f.Info.Segment.Value(source)
		if i := bytes.IndexAny(info, " \t{"); i >= 0 {
			info = info[:i]
		}
		lang = string(info)
	}
	class := ""
	if v, ok := node.AttributeString("class"); ok {
		if b, ok := v.([]byte); ok {
			class = string(b)
			if lang == "" {
				lang = classLanguage(class)
			}
		}
	}
	writeKramdownCode(w, lang, class, k.opts, code.String())
	return ast.WalkContinue, nil
}

// renderCodeSpan writes a code span as kramdown does with Rouge: classed
// with its language (from an attribute list, else the default) and
// highlighter-rouge, its tokens highlighted.
func (k *kramdown) renderCodeSpan(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		w.WriteString("</code>")
		return ast.WalkContinue, nil
	}
	var code bytes.Buffer
	for c := node.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			code.Write(t.Segment.Value(source))
		case *ast.String:
			code.Write(t.Value)
		}
	}
	class := ""
	if v, ok := node.AttributeString("class"); ok {
		b, _ := v.([]byte)
		class = string(b)
	}
	lang := classLanguage(class)
	if lang == "" {
		lang = k.defaultLang()
	}
	w.WriteString("<code")
	if id, ok := node.AttributeString("id"); ok {
		b, _ := id.([]byte)
		w.WriteString(` id="` + html.EscapeString(string(b)) + `"`)
	}
	switch {
	case lang != "" && !k.opts.NoHighlight:
		classes := "language-" + lang + " highlighter-rouge"
		for f := range strings.FieldsSeq(class) {
			if !strings.HasPrefix(f, "language-") {
				classes += " " + f
			}
		}
		w.WriteString(` class="` + html.EscapeString(classes) + `">`)
		writeRougeTokens(w, rougeLexer(lang), code.String())
	default:
		if class != "" {
			w.WriteString(` class="` + html.EscapeString(class) + `"`)
		}
		w.WriteString(">" + escapeCode(code.String()))
	}
	return ast.WalkSkipChildren, nil
}

// defaultLang is the language of code without one: kramdown's default_lang,
// else plaintext as Rouge guesses for text (Jekyll sets guess_lang), else
// none.
func (k *kramdown) defaultLang() string { return k.opts.defaultLang() }
