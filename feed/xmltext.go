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
//
// One pass validates UTF-8 and looks for forbidden characters at once,
// dispatching on the class of each character's first byte: allowed ASCII
// and the three-byte sequences of CJK text and its full-width punctuation,
// which hold no surrogates, are checked inline (U+FFFE and U+FFFF aside);
// any other sequence is decoded.
func cleanText(s string) string {
	for i := 0; i < len(s); {
		switch cleanClass[s[i]] {
		case cleanASCII:
			i++
			continue
		case cleanForbidden:
			return cleanFrom(s, i)
		case cleanThree:
			if j := xmlThreeByteRun(s, i); j > i {
				i = j
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !xmlAllowed(r) {
			return cleanFrom(s, i)
		}
		i += n
	}
	return s
}

// xmlThreeByteRun returns the end of the run of characters from s[i] that
// are three bytes long, well formed and allowed in XML, told without
// decoding: those of U+1000–U+CFFF and U+E000–U+FFFD, the CJK ideographs
// and punctuation among them. It returns i when s[i] starts none.
func xmlThreeByteRun(s string, i int) int {
	for i+2 < len(s) && cleanClass[s[i]] == cleanThree && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
		(s[i] != 0xEF || s[i+1] != 0xBF || s[i+2] < 0xBE) {
		i += 3
	}
	return i
}

// Classes of a character's first byte, for cleanText.
const (
	cleanASCII     = iota // an ASCII character XML allows
	cleanForbidden        // an ASCII control character XML forbids
	cleanThree            // starts U+1000–U+CFFF or U+E000–U+FFFF, if well formed
	cleanDecode           // anything else: decode to tell
)

// cleanClass is the class of each byte as a character's first byte.
var cleanClass = func() (t [256]byte) {
	for c := range 256 {
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			t[c] = cleanASCII
		case c < 0x20:
			t[c] = cleanForbidden
		case c < utf8.RuneSelf:
			t[c] = cleanASCII
		case c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF:
			t[c] = cleanThree
		default:
			t[c] = cleanDecode
		}
	}
	return t
}()

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
