package feed

import (
	"bytes"
	"html"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// footnoteName is the attribute carrying a footnote's name (its label) on
// the links to it, for kramdown's fn:NAME ids.
const footnoteName = "\x00fn"

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
	reg.Register(kindTOC, renderTOC)
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

func (k *kramdown) renderFootnoteBacklink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*east.FootnoteBacklink)
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

func (k *kramdown) renderFootnote(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(`<li id="fn:` + html.EscapeString(string(node.(*east.Footnote).Ref)) + "\">\n")
	} else {
		w.WriteString("</li>\n")
	}
	return ast.WalkContinue, nil
}

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

func (k *kramdown) renderCodeSpan(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		w.WriteString("</code>")
		return ast.WalkContinue, nil
	}
	w.WriteString("<code")
	if lang := k.defaultLang(); lang != "" && !k.opts.NoHighlight {
		w.WriteString(` class="language-` + html.EscapeString(lang) + ` highlighter-rouge"`)
	}
	w.WriteByte('>')
	for c := node.FirstChild(); c != nil; c = c.NextSibling() {
		var value []byte
		switch t := c.(type) {
		case *ast.Text:
			value = t.Segment.Value(source)
		case *ast.String:
			value = t.Value
		}
		w.WriteString(html.EscapeString(string(value)))
	}
	return ast.WalkSkipChildren, nil
}

// defaultLang is the language of code without one: kramdown's default_lang,
// else plaintext as Rouge guesses for text (Jekyll sets guess_lang), else
// none.
func (k *kramdown) defaultLang() string { return k.opts.defaultLang() }

// spanHTMLParagraphs is the HTML block parser that leaves a line starting
// with a span-level element (a, img, span, em, ...) to a paragraph, as
// kramdown does, where CommonMark would make it an HTML block.
type spanHTMLParagraphs struct{ htmlBlockParser }

// Open starts an HTML block unless the line starts with a span element.
func (b spanHTMLParagraphs) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, _ := reader.PeekLine()
	if startsSpanTag(line) {
		return nil, parser.NoChildren
	}
	return b.htmlBlockParser.Open(parent, reader, pc)
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
		"samp", "select", "small", "span", "strong", "sub", "sup", "textarea", "tt", "u", "var", "time", "abbr ":
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
