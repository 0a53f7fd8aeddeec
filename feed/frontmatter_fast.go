package feed

import (
	"bytes"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fastMapping reads front matter written in the plain subset of YAML that
// scrapers and editors almost always produce: one "key: value" per line,
// with the value plain, double-quoted or single-quoted, or empty. It builds
// the same nodes yaml.v3 would, at a fraction of the cost. ok is false as
// soon as anything falls outside the subset (lists, indentation, comments,
// anchors, tags, escapes other than \" and \\, unusual characters, text after
// a closing quote); the caller then parses the block with yaml.v3, which
// also reports any error. The result never differs from yaml.v3's on input
// it accepts (FuzzFastFrontMatter checks this).
func fastMapping(src []byte) (pairs []*yaml.Node, ok bool) {
	lines := bytes.Count(src, []byte{'\n'}) + 1
	nodes := make([]yaml.Node, 0, 2*lines) // one allocation for every node
	pairs = make([]*yaml.Node, 0, 2*lines)
	for i, line := 0, 1; i < len(src); line++ {
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
		if colon == 0 || text[0] == '-' || colon == len(text) || text[colon] != ':' {
			return nil, false
		}
		key, rest := text[:colon], text[colon+1:]
		if len(rest) > 0 && rest[0] != ' ' {
			return nil, false
		}
		value, tag, ok := fastScalar(bytes.TrimLeft(rest, " "))
		if !ok {
			return nil, false
		}
		nodes = append(nodes,
			yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(key), Line: line},
			yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value, Line: line})
		pairs = append(pairs, &nodes[len(nodes)-2], &nodes[len(nodes)-1])
	}
	return pairs, true
}

// isKeyByte reports whether c may appear in a key of the fast subset.
func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// fastScalar reads one value of the fast subset.
func fastScalar(v []byte) (value, tag string, ok bool) {
	if !fastPrintable(v) {
		return "", "", false
	}
	if len(v) == 0 {
		return "", "!!null", true
	}
	switch v[0] {
	case '"':
		return fastDoubleQuoted(v)
	case '\'':
		return fastSingleQuoted(v)
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
		return "", "", false
	}
	if bytes.Contains(v, []byte(": ")) || bytes.Contains(v, []byte(" #")) || v[len(v)-1] == ':' {
		return "", "", false
	}
	switch string(v) {
	case "~", "null", "Null", "NULL":
		return string(v), "!!null", true
	}
	return string(v), "!!str", true
}

// fastDoubleQuoted reads "..." with only \" and \\ escapes.
func fastDoubleQuoted(v []byte) (string, string, bool) {
	if len(v) < 2 || v[len(v)-1] != '"' {
		return "", "", false
	}
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		if bytes.IndexByte(inner, '"') >= 0 {
			return "", "", false
		}
		return string(inner), "!!str", true
	}
	out := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		switch c {
		case '"':
			return "", "", false
		case '\\':
			if i+1 >= len(inner) || (inner[i+1] != '"' && inner[i+1] != '\\') {
				return "", "", false
			}
			i++
			c = inner[i]
		}
		out = append(out, c)
	}
	return string(out), "!!str", true
}

// fastSingleQuoted reads '...' where ” stands for one quote.
func fastSingleQuoted(v []byte) (string, string, bool) {
	if len(v) < 2 || v[len(v)-1] != '\'' {
		return "", "", false
	}
	inner := v[1 : len(v)-1]
	out := make([]byte, 0, len(inner))
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\'' {
			if i+1 >= len(inner) || inner[i+1] != '\'' {
				return "", "", false
			}
			i++
		}
		out = append(out, inner[i])
	}
	return string(out), "!!str", true
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
