package feed

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// fastFrontMatter reads front matter written in the plain subset of YAML
// that scrapers and editors almost always produce: one "key: value" per
// line, with the value plain, double-quoted or single-quoted, or empty. It
// gives the same result as yaml.v3 at a fraction of the cost. ok is false as
// soon as anything falls outside the subset (lists, indentation, comments,
// anchors, tags, escapes other than \" and \\, unusual characters, text
// after a closing quote); the caller then parses the block with yaml.v3,
// which also reports any error. FuzzFastFrontMatter holds the two to the
// same results.
func fastFrontMatter(src []byte, firstLine int) (fm frontMatter, ok bool) {
	for i, line := 0, firstLine; i < len(src); line++ {
		end, next := lineAt(src, i)
		text := src[i:end]
		i = next
		if len(text) > 0 && text[len(text)-1] == '\r' {
			text = text[:len(text)-1]
		}
		text = bytes.TrimRight(text, " ")
		if len(text) == 0 {
			continue
		}
		colon := 0
		for colon < len(text) && isKeyByte(text[colon]) {
			colon++
		}
		// yaml.v3 rejects a plain key longer than 1024 characters; leave
		// those to it.
		if colon == 0 || colon >= 1024 || text[0] == '-' || colon == len(text) || text[colon] != ':' {
			return frontMatter{}, false
		}
		key, rest := text[:colon], text[colon+1:]
		if len(rest) > 0 && rest[0] != ' ' {
			return frontMatter{}, false
		}
		value, null, ok := fastScalar(bytes.TrimLeft(rest, " "))
		if !ok {
			return frontMatter{}, false
		}
		if null {
			value = ""
		}
		fm.set(string(key), strings.TrimSpace(value), line)
	}
	return fm, true
}

// isKeyByte reports whether c may appear in a key of the fast subset.
func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// fastScalar reads one value of the fast subset.
func fastScalar(v []byte) (value string, null, ok bool) {
	if !fastPrintable(v) {
		return "", false, false
	}
	if len(v) == 0 {
		return "", true, true
	}
	switch v[0] {
	case '"':
		return fastDoubleQuoted(v)
	case '\'':
		return fastSingleQuoted(v)
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
		return "", false, false
	}
	if bytes.Contains(v, []byte(": ")) || bytes.Contains(v, []byte(" #")) || v[len(v)-1] == ':' {
		return "", false, false
	}
	switch string(v) {
	case "~", "null", "Null", "NULL":
		return string(v), true, true
	}
	return string(v), false, true
}

// fastDoubleQuoted reads "..." with only \" and \\ escapes.
func fastDoubleQuoted(v []byte) (string, bool, bool) {
	if len(v) < 2 || v[len(v)-1] != '"' {
		return "", false, false
	}
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		if bytes.IndexByte(inner, '"') >= 0 {
			return "", false, false
		}
		return string(inner), false, true
	}
	out := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		switch c {
		case '"':
			return "", false, false
		case '\\':
			if i+1 >= len(inner) || (inner[i+1] != '"' && inner[i+1] != '\\') {
				return "", false, false
			}
			i++
			c = inner[i]
		}
		out = append(out, c)
	}
	return string(out), false, true
}

// fastSingleQuoted reads '...' where ” stands for one quote.
func fastSingleQuoted(v []byte) (string, bool, bool) {
	if len(v) < 2 || v[len(v)-1] != '\'' {
		return "", false, false
	}
	inner := v[1 : len(v)-1]
	out := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\'' {
			if i+1 >= len(inner) || inner[i+1] != '\'' {
				return "", false, false
			}
			i++
		}
		out = append(out, inner[i])
	}
	return string(out), false, true
}

// fastPrintable reports whether v holds only characters the fast subset
// allows: printable ASCII other than tab, and non-ASCII characters YAML
// allows that are not line or byte order marks.
func fastPrintable(v []byte) bool {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(v[i:])
		if r == utf8.RuneError || r <= 0x9f || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff ||
			(r >= 0xd800 && r <= 0xdfff) {
			return false
		}
		i += n
	}
	return true
}
