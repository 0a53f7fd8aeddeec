package feed

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Transform gives a parsed document kramdown's shapes: heading ids,
// footnote names, tables of contents and list items without paragraphs.
func (k *kramdown) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	ids := headingIDs{gfm: !k.opts.KramdownText, prefix: k.opts.AutoIDPrefix, used: map[string]int{}}
	var headings []*ast.Heading
	var stray []*ast.Text
	var spans []*spanIALNode
	if !k.opts.NoTypographic {
		spaceAngleQuotes(doc, source)
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, ok := n.AttributeString("id")
			if b, isBytes := id.([]byte); ok && isBytes && len(b) == 0 {
				n.RemoveAttributes() // "{#}": no id at all
			} else if !ok && !k.opts.NoAutoIDs {
				if id := ids.next(textOf(n, source)); id != "" {
					n.SetAttributeString("id", []byte(id))
				}
			}
			headings = append(headings, n)
		case *ast.List:
			kramdownTightness(n)
		case *spanIALNode:
			spans = append(spans, n)
		case *ast.Text:
			if !k.opts.NoTypographic && bytes.ContainsAny(n.Segment.Value(source), `'"`) {
				stray = append(stray, n)
			}
		case *east.TaskCheckBox:
			markTaskItem(n)
		case *ast.CodeSpan, *ast.RawHTML, *ast.AutoLink:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, t := range spans {
		applySpanIAL(t, source)
	}
	for _, t := range stray {
		k.curlStrayQuotes(t, source)
	}
	tocs, _ := pc.Get(tocKey).([]ast.Node)
	for _, p := range tocs {
		k.replaceWithTOC(p, headings, source)
	}
}

// headingIDs makes heading ids as kramdown does, unique in one document.
type headingIDs struct {
	gfm    bool           // the GFM parser's rule rather than kramdown's
	prefix string         // auto_id_prefix
	used   map[string]int // times each id was made
}

// next returns the id of a heading whose text is s; "" for none.
func (h *headingIDs) next(s string) string {
	var id string
	if h.gfm {
		id = gfmID(s)
	} else {
		id = kramdownID(s)
	}
	n := h.used[id]
	h.used[id] = n + 1
	switch {
	case h.gfm && n > 0:
		id += "-" + strconv.Itoa(n)
	case h.gfm && id == "":
		return ""
	case !h.gfm && n > 0:
		id += "-" + strconv.Itoa(n)
	}
	return h.prefix + id
}

// gfmID is the id kramdown's GFM parser gives a heading: its text in lower
// case without characters other than letters, marks, digits, connector
// punctuation, '-', spaces and tabs, then spaces and tabs as '-'.
func gfmID(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ' || r == '\t':
			b.WriteByte('-')
		case r == '-' || unicode.In(r, unicode.L, unicode.M, unicode.Nd, unicode.Pc):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// kramdownID is the id kramdown's own parser gives a heading: its ASCII
// letters, digits, spaces and '-' from the first letter on, spaces as '-',
// in lower case; "section" when none is left.
func kramdownID(s string) string {
	start := strings.IndexFunc(s, func(r rune) bool { return r < 128 && unicode.IsLetter(r) })
	if start < 0 {
		return "section"
	}
	var b strings.Builder
	for _, r := range s[start:] {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// kramdownTightness gives the items of l kramdown's paragraphs: an item's
// first paragraph is bare unless a blank line follows it (inside the item,
// or before the next item); the last item's is bare unless a blank line
// follows it inside the item, and only when the list has one item or
// another item is bare too. An ordered list starts at 1 whatever its
// first number.
func kramdownTightness(l *ast.List) {
	anyBare := false
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		first := item.FirstChild()
		if first == nil || first.Kind() != ast.KindParagraph && first.Kind() != ast.KindTextBlock {
			anyBare = true
			continue
		}
		blankAfter := false
		if next := first.NextSibling(); next != nil {
			blankAfter = next.HasBlankPreviousLines()
		} else if next := item.NextSibling(); next != nil {
			blankAfter = next.HasBlankPreviousLines()
		}
		bare := !blankAfter
		if item.NextSibling() == nil && item != l.FirstChild() {
			bare = bare && anyBare
		}
		anyBare = anyBare || bare
		var block ast.Node
		switch {
		case !bare && first.Kind() == ast.KindTextBlock:
			block = ast.NewParagraph()
		case bare && first.Kind() == ast.KindParagraph:
			block = ast.NewTextBlock()
		default:
			continue
		}
		block.SetLines(first.Lines())
		for c := first.FirstChild(); c != nil; {
			nc := c.NextSibling()
			block.AppendChild(block, c)
			c = nc
		}
		item.ReplaceChild(item, first, block)
	}
	l.IsTight = false
	if l.IsOrdered() {
		l.Start = 1 // kramdown numbers every ordered list from 1
	}
}

// curlStrayQuotes turns the quotes the typographer left straight in t
// (those it found no pair for) into curly ones as kramdown does: after a
// character that is not a space, a closing quote (the apostrophe of
// "Actions' Ubuntu"); else an opening one.
func (k *kramdown) curlStrayQuotes(t *ast.Text, source []byte) {
	parent := t.Parent()
	if parent == nil {
		return
	}
	q := k.quotes
	seg := t.Segment
	from := 0
	for {
		v := seg.Value(source)
		i := bytes.IndexAny(v[from:], `'"`)
		if i < 0 {
			return
		}
		i += from
		before := byte(' ')
		if seg.Start+i > 0 {
			before = source[seg.Start+i-1]
		}
		if before == '\\' {
			from = i + 1 // escaped: kramdown keeps it straight
			continue
		}
		closing := before != ' ' && before != '\t' && before != '\n' && before != '(' && before != '['
		var sub string
		switch {
		case v[i] == '\'' && closing:
			sub = q[extension.RightSingleQuote]
		case v[i] == '\'':
			sub = q[extension.LeftSingleQuote]
		case closing:
			sub = q[extension.RightDoubleQuote]
		default:
			sub = q[extension.LeftDoubleQuote]
		}
		str := ast.NewString([]byte(sub))
		str.SetCode(true)
		parent.InsertBefore(parent, t, ast.NewTextSegment(seg.WithStop(seg.Start+i)))
		parent.InsertBefore(parent, t, str)
		seg = seg.WithStart(seg.Start + i + 1)
		t.Segment = seg
		from = 0
	}
}

// spaceAngleQuotes joins « to the word after it and » to the word before it
// with a no-break space where a space was, as kramdown writes "<< x >>".
func spaceAngleQuotes(doc *ast.Document, source []byte) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		s, ok := n.(*ast.String)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		switch string(s.Value) {
		case "«":
			if t, ok := s.NextSibling().(*ast.Text); ok && t.Segment.Len() > 0 && source[t.Segment.Start] == ' ' {
				t.Segment = t.Segment.WithStart(t.Segment.Start + 1)
				s.Value = []byte("«\u00a0")
			}
		case "»":
			if t, ok := s.PreviousSibling().(*ast.Text); ok && t.Segment.Len() > 0 && source[t.Segment.Stop-1] == ' ' && !t.SoftLineBreak() {
				t.Segment = t.Segment.WithStop(t.Segment.Stop - 1)
				s.Value = []byte("\u00a0»")
			}
		}
		return ast.WalkContinue, nil
	})
}
