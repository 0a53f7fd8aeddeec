package feed

import (
	"html"
	"io"
	"net/url"
	"strings"

	nethtml "golang.org/x/net/html"
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

// linkAttr reports whether an attribute holds a URL or a srcset.
func linkAttr(key []byte) bool {
	switch string(key) {
	case "href", "src", "srcset":
		return true
	}
	return false
}

// mayHaveLinks reports whether content may hold an href, src or srcset
// attribute, so that the tokenizer pass can be skipped when it cannot.
func mayHaveLinks(content string) bool {
	for _, s := range [...]string{"href", "src", "HREF", "SRC", "Href", "Src"} {
		if strings.Contains(content, s) {
			return true
		}
	}
	return false
}

// containsFold reports whether b contains the lower-case ASCII word sub in
// any case.
func containsFold(b []byte, sub string) bool {
	for i := 0; i+len(sub) <= len(b); i++ {
		j := 0
		for j < len(sub) && b[i+j]|0x20 == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// absolute returns content with every relative and protocol-relative URL in
// href, src and srcset attributes made absolute. Tags without such URLs are
// copied byte for byte; a rewritten tag is written again with its
// attributes quoted and escaped.
func (r resolver) absolute(content string) string {
	if !mayHaveLinks(content) {
		return content
	}
	var out strings.Builder
	out.Grow(len(content) + len(content)/16)
	z := nethtml.NewTokenizer(strings.NewReader(content))
	type attr struct{ key, val string }
	var attrs []attr
	done := 0
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			if z.Err() != io.EOF {
				return content
			}
			break
		}
		raw := z.Raw()
		if tt != nethtml.StartTagToken && tt != nethtml.SelfClosingTagToken {
			out.Write(raw)
			done += len(raw)
			continue
		}
		if !containsFold(raw, "src") && !containsFold(raw, "href") {
			out.Write(raw)
			done += len(raw)
			continue
		}
		rawCopy := string(raw)
		name, hasAttr := z.TagName()
		attrs = attrs[:0]
		changed := false
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			a := attr{key: string(k), val: string(v)}
			if linkAttr(k) {
				var ok bool
				if a.key == "srcset" {
					a.val, ok = r.resolveSrcset(a.val)
				} else {
					a.val, ok = r.resolve(a.val)
				}
				changed = changed || ok
			}
			attrs = append(attrs, a)
		}
		done += len(rawCopy)
		if !changed {
			out.WriteString(rawCopy)
			continue
		}
		out.WriteByte('<')
		out.Write(name)
		for _, a := range attrs {
			out.WriteByte(' ')
			out.WriteString(a.key)
			out.WriteString(`="`)
			out.WriteString(html.EscapeString(a.val))
			out.WriteByte('"')
		}
		if tt == nethtml.SelfClosingTagToken {
			out.WriteString("/>")
		} else {
			out.WriteByte('>')
		}
	}
	out.WriteString(content[done:])
	return out.String()
}
