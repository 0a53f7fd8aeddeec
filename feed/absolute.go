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

// absolute returns content with every relative and protocol-relative URL in
// href, src and srcset attributes made absolute. It scans tags with a small
// HTML lexer that skips comments and raw-text elements, and rewrites only
// the values it changes, so every other byte is kept as it was. The result
// is a new string, of exactly its length: content may be reused once
// absolute returns.
func (r resolver) absolute(content []byte) string {
	var memo linkMemo
	var room [16]linkEdit
	var valRoom [4]attrValue
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
		name, end, vals := scanTag(content, i, valRoom[:0])
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
