package feed

import (
	"html"
	"strings"
	"testing"
)

// linkAttrRef reports whether an attribute, named in any case, holds a URL or
// a srcset.
func linkAttrRef(name string) (isLink, isSrcset bool) {
	switch {
	case strings.EqualFold(name, "href"), strings.EqualFold(name, "src"):
		return true, false
	case strings.EqualFold(name, "srcset"):
		return true, true
	}
	return false, false
}

// isRawTextRef reports whether the element name, in any case, holds raw text
// rather than markup: its content runs to the matching end tag.
func isRawTextRef(name string) bool {
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
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// absoluteRef is absolute as it was written first, on strings and without
// remembering links: the reference for the fast one. It returns content with every relative and protocol-relative URL in
// href, src and srcset attributes made absolute. It scans tags with a small
// HTML lexer that skips comments and raw-text elements, and rewrites only
// the values it changes, so every other byte is kept as it was.
func (r resolver) absoluteRef(content string) string {
	var out strings.Builder
	done := 0 // content[:done] is written to out, or unchanged when out is empty
	for i := 0; i < len(content); {
		j := strings.IndexByte(content[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := content[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest[4:], "-->")
			if end < 0 {
				return finishRef(&out, content, done)
			}
			i += 4 + end + 3
			continue
		case len(rest) < 2 || !isASCIILetter(rest[1]):
			i++ // end tags, doctypes and stray '<' hold no attributes to rewrite
			continue
		}
		name, end, vals := scanTagRef(content, i)
		if end < 0 {
			return finishRef(&out, content, done)
		}
		for _, v := range vals {
			raw := content[v.start:v.end]
			val := raw
			if strings.IndexByte(val, '&') >= 0 {
				val = html.UnescapeString(val)
			}
			var abs string
			var ok bool
			if v.srcset {
				abs, ok = r.resolveSrcset(val)
			} else {
				abs, ok = r.resolve(val)
			}
			if !ok {
				continue
			}
			if out.Len() == 0 {
				out.Grow(len(content) + len(content)/8)
			}
			out.WriteString(content[done:v.start])
			if !v.quoted {
				out.WriteByte('"')
			}
			out.WriteString(html.EscapeString(abs))
			if !v.quoted {
				out.WriteByte('"')
			}
			done = v.end
		}
		i = end
		if tag := rawTextEndRef(content, i, name); tag >= 0 {
			i = tag
		}
	}
	return finishRef(&out, content, done)
}

// finishRef returns the rewritten content: out and the rest of content.
func finishRef(out *strings.Builder, content string, done int) string {
	if out.Len() == 0 && done == 0 {
		return content
	}
	out.WriteString(content[done:])
	return out.String()
}

// scanTagRef reads the start tag at content[i] ('<' then a letter), following
// HTML's attribute syntax. It returns the tag name, the offset just after
// the tag's '>', or -1 when the tag is not closed, and the values of its
// href, src and srcset attributes.
func scanTagRef(content string, i int) (name string, end int, vals []attrValue) {
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
			e := strings.IndexByte(content[p+1:], q)
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
		if ok, srcset := linkAttrRef(attr); ok {
			v.srcset = srcset
			vals = append(vals, v)
		}
	}
}

// rawTextEndRef returns the offset of the end tag that closes the raw-text
// element name whose content starts at i, or -1 when name is not such an
// element. An element that is never closed runs to the end.
func rawTextEndRef(content string, i int, name string) int {
	if !isRawTextRef(name) {
		return -1
	}
	for p := i; p < len(content); {
		j := strings.Index(content[p:], "</")
		if j < 0 {
			break
		}
		p += j
		if e := p + 2 + len(name); e <= len(content) && strings.EqualFold(content[p+2:e], name) &&
			(e == len(content) || isSpace(content[e]) || content[e] == '>' || content[e] == '/') {
			return p
		}
		p += 2
	}
	return len(content)
}

// FuzzAbsoluteMatchesReference checks that absolute rewrites any content
// exactly as absoluteRef does.
func FuzzAbsoluteMatchesReference(f *testing.F) {
	for _, s := range []string{`<a href="../emnews/">x</a><a href="../emnews/">y</a><a href='../emnews/'>`,
		`<img src=//h/x srcset="a 1x, /b 2x"><img srcset="a 1x, /b 2x" src=a>`, `<script><a href="/x"></script>`,
		`<!-- x --><A HREF='#n'>`, `<a href="/q?a=1&amp;b=2">`, "纯文本", benchBody(0),
		`<a href=1><a href=2><a href=3><a href=4><a href=5><a href=6><a href=7><a href=8><a href=9><a href=1><a href=9>`} {
		f.Add(s)
	}
	r := newResolver("https://s.example.com/c/2021/12/29/p.html", "https://s.example.com")
	f.Fuzz(func(t *testing.T, in string) {
		if got, want := r.absolute([]byte(in)), r.absoluteRef(in); got != want {
			t.Fatalf("absolute(%q)\n got %q\nwant %q", in, got, want)
		}
	})
}
