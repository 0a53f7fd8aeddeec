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
	if !utf8.ValidString(s) { // valid UTF-8 holds no surrogates
		return cleanFrom(s, 0)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			return cleanFrom(s, i)
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBF && s[i+2] >= 0xBE: // U+FFFE, U+FFFF
			return cleanFrom(s, i)
		}
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
