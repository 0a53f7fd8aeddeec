package feed

import (
	"fmt"
	"unicode/utf8"
)

// yamlForbidden reports whether YAML refuses r anywhere in a document, as
// yaml.v3 does ("control characters are not allowed"): the C0 controls but
// tab, line feed and carriage return; DEL; the C1 controls, NEL included
// (YAML would read it as a line break in the middle of a value); and
// U+FFFE and U+FFFF. NUL never gets here: a file holding it is binary.
func yamlForbidden(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r < 0x7F:
		return false
	case r <= 0x9F:
		return true
	}
	return r == 0xFFFE || r == 0xFFFF
}

// controlWarning describes the characters stripControls removed.
type controlWarning struct {
	count int  // characters removed
	first rune // the first of them
	at    int  // its offset in the source
}

// reason is the warning's sentence, as a Problem holds it.
func (c controlWarning) reason() string {
	s := "s"
	if c.count == 1 {
		s = ""
	}
	return fmt.Sprintf("removed %d control character%s (first %U) from the front matter, which YAML does not allow; the post is served without them.",
		c.count, s, c.first)
}

// stripControls returns src, valid UTF-8, without the characters YAML
// forbids, and what it removed. Scraped titles carry such strays (a U+0001
// from a broken encoder), and the post is worth serving without them. It
// returns src itself, and a zero count, when there are none.
func stripControls(src []byte) ([]byte, controlWarning) {
	var w controlWarning
	var out []byte
	done := 0 // src[:done] is in out, when out is not nil
	for i := 0; i < len(src); {
		c := src[i]
		r, n := rune(c), 1
		switch {
		case c >= 0x20 && c < 0x7F || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c >= utf8.RuneSelf:
			r, n = utf8.DecodeRune(src[i:])
		}
		if !yamlForbidden(r) {
			i += n
			continue
		}
		if w.count == 0 {
			w.first, w.at = r, i
			out = make([]byte, 0, len(src))
		}
		w.count++
		out = append(out, src[done:i]...)
		i += n
		done = i
	}
	if w.count == 0 {
		return src, w
	}
	return append(out, src[done:]...), w
}
