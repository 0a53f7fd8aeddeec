package feed

import (
	"strings"
	"unicode/utf8"
)

// xmlAllowed reports whether XML 1.0 allows r in a document: every character
// but the C0 controls other than tab, newline and carriage return, the
// surrogates, and U+FFFE and U+FFFF.
func xmlAllowed(r rune) bool {
	switch {
	case r < 0x20:
		return r == '\t' || r == '\n' || r == '\r'
	case r < 0xD800:
		return true
	case r < 0xE000:
		return false
	case r == 0xFFFE || r == 0xFFFF:
		return false
	}
	return r <= utf8.MaxRune
}

// cleanText returns s as valid UTF-8 with every character that XML 1.0
// forbids removed. Invalid bytes become U+FFFD. It returns s itself, without
// allocating, when nothing needs to change.
func cleanText(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !xmlAllowed(r) {
			return cleanFrom(s, i)
		}
		i += n
	}
	return s
}

// cleanFrom is the slow path of cleanText, starting at the first byte to fix.
func cleanFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case xmlAllowed(r):
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
