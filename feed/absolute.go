package feed

import (
	"bytes"
	"html"
	"net/url"
	"strings"
)

// resolver makes the URLs of one post's content absolute.
type resolver struct {
	base   *url.URL // the post's permalink
	scheme string   // scheme for protocol-relative URLs: the site's
}

// newResolver returns a resolver against permalink, falling back to the site
// URL when the permalink is not an absolute URL.
func newResolver(permalink, siteURL string) resolver {
	site, err := url.Parse(siteURL)
	if err != nil || !site.IsAbs() {
		site = &url.URL{Scheme: "https", Host: "localhost", Path: "/"}
	}
	base, err := url.Parse(permalink)
	if err != nil || !base.IsAbs() {
		base = site
	}
	return resolver{base: base, scheme: site.Scheme}
}

// resolve returns v made absolute, and whether it changed. Absolute URLs,
// empty values and values that do not parse are left as they are.
func (r resolver) resolve(v string) (string, bool) {
	t := strings.TrimSpace(v)
	if t == "" {
		return v, false
	}
	if strings.HasPrefix(t, "//") {
		u, err := url.Parse(r.scheme + ":" + t)
		if err != nil {
			return v, false
		}
		return u.String(), true
	}
	u, err := url.Parse(t)
	if err != nil || u.IsAbs() {
		return v, false
	}
	return r.base.ResolveReference(u).String(), true
}

// resolveSrcset makes each candidate URL of a srcset value absolute.
func (r resolver) resolveSrcset(v string) (string, bool) {
	parts := strings.Split(v, ",")
	changed := false
	for i, part := range parts {
		c := strings.TrimSpace(part)
		u, desc, _ := strings.Cut(c, " ")
		abs, ok := r.resolve(u)
		if !ok {
			continue
		}
		changed = true
		if desc = strings.TrimSpace(desc); desc != "" {
			abs += " " + desc
		}
		parts[i] = abs
	}
	if !changed {
		return v, false
	}
	return strings.Join(parts, ", "), true
}

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

// absolute returns content with every relative and protocol-relative URL in
// href, src and srcset attributes made absolute. It scans tags with a small
// HTML lexer that skips comments and raw-text elements, and rewrites only
// the values it changes, so every other byte is kept as it was. The result
// is a new string, of exactly its length: content may be reused once
// absolute returns.
func (r resolver) absolute(content []byte) string {
	var memo linkMemo
	var room [16]linkEdit
	edits := room[:0]
	for i := 0; i < len(content); {
		j := bytes.IndexByte(content[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := content[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return applyEdits(content, edits)
			}
			i += 4 + end + 3
			continue
		case len(rest) < 2 || !isASCIILetter(rest[1]):
			i++ // end tags, doctypes and stray '<' hold no attributes to rewrite
			continue
		}
		name, end, vals := scanTag(content, i)
		if end < 0 {
			return applyEdits(content, edits)
		}
		for _, v := range vals {
			if abs, ok := memo.rewrite(r, content[v.start:v.end], v.srcset); ok {
				edits = append(edits, linkEdit{v, abs})
			}
		}
		i = end
		if tag := rawTextEnd(content, i, name); tag >= 0 {
			i = tag
		}
	}
	return applyEdits(content, edits)
}

// linkEdit is an attribute value to replace and its replacement.
type linkEdit struct {
	attrValue
	abs string // escaped as HTML; quoted when the value was not
}

// applyEdits returns content with the values of edits, in order, replaced.
func applyEdits(content []byte, edits []linkEdit) string {
	n := len(content)
	for _, e := range edits {
		n += len(e.abs) - (e.end - e.start)
		if !e.quoted {
			n += 2
		}
	}
	var out strings.Builder
	out.Grow(n)
	done := 0
	for _, e := range edits {
		out.Write(content[done:e.start])
		if !e.quoted {
			out.WriteByte('"')
		}
		out.WriteString(e.abs)
		if !e.quoted {
			out.WriteByte('"')
		}
		done = e.end
	}
	out.Write(content[done:])
	return out.String()
}

// linkMemo remembers the last few link values absolute rewrote, since a
// post tends to repeat its links (images, its section, the home page).
type linkMemo struct {
	entries [8]linkRewrite
	n       int // values rewritten so far: the last ones are in entries
}

// linkRewrite is a link attribute's raw value and what replaces it.
type linkRewrite struct {
	raw, abs string
	srcset   bool
	ok       bool
}

// rewrite returns the attribute value that replaces raw, escaped as HTML,
// and whether raw changes; srcset tells a srcset value from a single URL.
func (m *linkMemo) rewrite(r resolver, raw []byte, srcset bool) (string, bool) {
	for _, e := range m.entries[:min(m.n, len(m.entries))] {
		if e.srcset == srcset && e.raw == string(raw) {
			return e.abs, e.ok
		}
	}
	e := linkRewrite{raw: string(raw), srcset: srcset}
	val := e.raw
	if strings.IndexByte(val, '&') >= 0 {
		val = html.UnescapeString(val)
	}
	var abs string
	if srcset {
		abs, e.ok = r.resolveSrcset(val)
	} else {
		abs, e.ok = r.resolve(val)
	}
	if e.ok {
		e.abs = html.EscapeString(abs)
	}
	m.entries[m.n%len(m.entries)] = e
	m.n++
	return e.abs, e.ok
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
// the tag's '>', or -1 when the tag is not closed, and the values of its
// href, src and srcset attributes.
func scanTag(content []byte, i int) (name []byte, end int, vals []attrValue) {
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
