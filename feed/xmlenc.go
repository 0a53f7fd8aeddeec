package feed

import (
	"strings"
	"unicode/utf8"
)

// xmlWriter appends one XML element to b exactly as encoding/xml's Encoder
// writes it with Indent(prefix, "  ") and without a leading newline: the
// same indentation, attribute and text escaping, and CDATA sections. It
// replaces the reflection of encoding/xml for the per-item elements, whose
// shapes are fixed, and which make up most of a document.
type xmlWriter struct {
	b          []byte
	prefix     string
	depth      int
	indentedIn bool // the last tag written is a start tag
	putNewline bool // something was written: the next indentation starts a line

	shared string // written at b[split] by reference, when not empty
	split  int
}

// encoding returns what was written: b, with shared at split.
func (w *xmlWriter) encoding() encoding {
	if w.shared == "" {
		return encoding{head: w.b}
	}
	return encoding{head: w.b[:w.split:w.split], text: w.shared, tail: w.b[w.split:]}
}

// indent writes the line break and indentation before a tag, as
// encoding/xml's writeIndent does; delta is +1 before a start tag and -1
// before an end tag.
func (w *xmlWriter) indent(delta int) {
	if delta < 0 {
		w.depth--
		if w.indentedIn {
			w.indentedIn = false
			return
		}
	}
	if w.putNewline {
		w.b = append(w.b, '\n')
	} else {
		w.putNewline = true
	}
	w.b = append(w.b, w.prefix...)
	for range w.depth {
		w.b = append(w.b, "  "...)
	}
	if delta > 0 {
		w.depth++
		w.indentedIn = true
	}
}

// open writes the start of a start tag: its attributes may follow, then
// closeStart.
func (w *xmlWriter) open(name string) {
	w.indent(1)
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
}

// attr writes an attribute of the start tag being written.
func (w *xmlWriter) attr(name, value string) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, `="`...)
	w.b = appendEscaped(w.b, value)
	w.b = append(w.b, '"')
}

// attrOmit writes an attribute unless its value is empty, as omitempty does.
func (w *xmlWriter) attrOmit(name, value string) {
	if value != "" {
		w.attr(name, value)
	}
}

// closeStart ends the start tag being written.
func (w *xmlWriter) closeStart() { w.b = append(w.b, '>') }

// start writes a start tag without attributes.
func (w *xmlWriter) start(name string) {
	w.open(name)
	w.closeStart()
}

// end writes the end tag of name.
func (w *xmlWriter) end(name string) {
	w.indent(-1)
	w.b = append(w.b, "</"...)
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

// text writes the character data s, escaped.
func (w *xmlWriter) text(s string) { w.b = appendEscaped(w.b, s) }

// element writes an element holding only the text s.
func (w *xmlWriter) element(name, s string) {
	w.start(name)
	w.text(s)
	w.end(name)
}

// elementOmit writes an element holding s unless s is empty.
func (w *xmlWriter) elementOmit(name, s string) {
	if s != "" {
		w.element(name, s)
	}
}

// cdata writes s as encoding/xml writes a ",cdata" field: nothing when s is
// empty, else one CDATA section, split where s holds "]]>".
func (w *xmlWriter) cdata(s string) {
	if s == "" {
		return
	}
	w.b = append(w.b, "<![CDATA["...)
	for {
		before, after, ok := strings.Cut(s, "]]>")
		if !ok {
			break
		}
		w.b = append(w.b, before...)
		w.b = append(w.b, "]]]]><![CDATA[>"...)
		s = after
	}
	w.b = append(w.b, s...)
	w.b = append(w.b, "]]>"...)
}

// cdataShared writes s as cdata does, keeping s by reference rather than
// copying it when it is one CDATA section: s holds no "]]>" and is the
// first text kept so.
func (w *xmlWriter) cdataShared(s string) {
	if s == "" || w.shared != "" || strings.Contains(s, "]]>") {
		w.cdata(s)
		return
	}
	w.b = append(w.b, "<![CDATA["...)
	w.shared, w.split = s, len(w.b)
	w.b = append(w.b, "]]>"...)
}

// xmlEscapeClass classifies bytes for appendEscaped: 0 is copied as it is,
// 1 is an ASCII byte that encoding/xml replaces, 2 starts a multi-byte
// sequence (or is not UTF-8) and must be decoded.
var xmlEscapeClass = func() (t [256]byte) {
	for c := range 0x20 {
		t[c] = 1
	}
	for _, c := range `"'&<>` {
		t[c] = 1
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = 2
	}
	return t
}()

// appendEscaped appends s escaped as encoding/xml escapes text and
// attribute values: the five markup characters and tab, newline and
// carriage return as character references, and each character outside
// XML's range or byte that is not UTF-8 as U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch xmlEscapeClass[c] {
		case 0:
			i++
			continue
		case 1:
			b = append(b, s[last:i]...)
			b = append(b, asciiEscape(c)...)
			i++
			last = i
			continue
		}
		if j := xmlThreeByteRun(s, i); j > i {
			i = j
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r != utf8.RuneError || n > 1) && r != 0xFFFE && r != 0xFFFF {
			i += n
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, "\uFFFD"...)
		i += n
		last = i
	}
	return append(b, s[last:]...)
}

// asciiEscape returns what encoding/xml writes for an ASCII byte of class 1.
func asciiEscape(c byte) string {
	switch c {
	case '"':
		return "&#34;"
	case '\'':
		return "&#39;"
	case '&':
		return "&amp;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	case '\t':
		return "&#x9;"
	case '\n':
		return "&#xA;"
	case '\r':
		return "&#xD;"
	}
	return "\uFFFD"
}
