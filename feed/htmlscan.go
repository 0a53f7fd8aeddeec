package feed

import "bytes"

// The small HTML lexer that absolute uses to find link attributes: start
// tags and their attributes as HTML reads them, and the raw-text elements
// whose content is not markup.

// linkAttr reports whether an attribute, named in any case, holds a URL or
// a srcset.
func linkAttr(name []byte) (isLink, isSrcset bool) {
	switch {
	case bytes.EqualFold(name, []byte("href")), bytes.EqualFold(name, []byte("src")):
		return true, false
	case bytes.EqualFold(name, []byte("srcset")):
		return true, true
	}
	return false, false
}

// isRawText reports whether the element name, in any case, holds raw text
// rather than markup: its content runs to the matching end tag.
func isRawText(name []byte) bool {
	var names []string
	switch len(name) {
	case 3:
		names = []string{"xmp"}
	case 5:
		names = []string{"style", "title"}
	case 6:
		names = []string{"script", "iframe"}
	case 7:
		names = []string{"noembed"}
	case 8:
		names = []string{"textarea", "noframes", "noscript"}
	case 9:
		names = []string{"plaintext"}
	}
	for _, n := range names {
		if bytes.EqualFold(name, []byte(n)) {
			return true
		}
	}
	return false
}

// attrValue is the span of a link attribute's value inside the content,
// without its quotes.
type attrValue struct {
	start, end int
	quoted     bool
	srcset     bool
}

// scanTag reads the start tag at content[i] ('<' then a letter), following
// HTML's attribute syntax. It returns the tag name, the offset just after
// the tag's '>', or -1 when the tag is not closed, and vals with the values
// of its href, src and srcset attributes appended.
func scanTag(content []byte, i int, vals []attrValue) (name []byte, end int, _ []attrValue) {
	n := len(content)
	p := i + 1
	for p < n && !isSpace(content[p]) && content[p] != '/' && content[p] != '>' {
		p++
	}
	name = content[i+1 : p]
	for {
		for p < n && (isSpace(content[p]) || content[p] == '/') {
			p++
		}
		if p >= n {
			return name, -1, vals
		}
		if content[p] == '>' {
			return name, p + 1, vals
		}
		a := p
		p++ // the first character belongs to the name, even '='
		for p < n && !isSpace(content[p]) && content[p] != '/' && content[p] != '>' && content[p] != '=' {
			p++
		}
		attr := content[a:p]
		for p < n && isSpace(content[p]) {
			p++
		}
		if p >= n || content[p] != '=' {
			continue
		}
		p++
		for p < n && isSpace(content[p]) {
			p++
		}
		if p >= n {
			return name, -1, vals
		}
		v := attrValue{}
		if q := content[p]; q == '"' || q == '\'' {
			e := bytes.IndexByte(content[p+1:], q)
			if e < 0 {
				return name, -1, vals
			}
			v.start, v.end, v.quoted = p+1, p+1+e, true
			p = v.end + 1
		} else {
			v.start = p
			for p < n && !isSpace(content[p]) && content[p] != '>' {
				p++
			}
			v.end = p
		}
		if ok, srcset := linkAttr(attr); ok {
			v.srcset = srcset
			vals = append(vals, v)
		}
	}
}

// rawTextEnd returns the offset of the end tag that closes the raw-text
// element name whose content starts at i, or -1 when name is not such an
// element. An element that is never closed runs to the end.
func rawTextEnd(content []byte, i int, name []byte) int {
	if !isRawText(name) {
		return -1
	}
	for p := i; p < len(content); {
		j := bytes.Index(content[p:], []byte("</"))
		if j < 0 {
			break
		}
		p += j
		if e := p + 2 + len(name); e <= len(content) && bytes.EqualFold(content[p+2:e], name) &&
			(e == len(content) || isSpace(content[e]) || content[e] == '>' || content[e] == '/') {
			return p
		}
		p += 2
	}
	return len(content)
}

// isSpace reports whether c is HTML white space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// isASCIILetter reports whether c is an ASCII letter.
func isASCIILetter(c byte) bool {
	return c|0x20 >= 'a' && c|0x20 <= 'z'
}
