package feed

import (
	"strings"
)

// normalizeURL normalizes an absolute URL as jekyll-feed's absolute_url
// filter does (Addressable's normalize): the first '#' starts the fragment
// and the first '?' the query; percent-encoded unreserved characters are
// decoded and other encodings upper-cased; characters a URL may not hold
// are encoded; "." and ".." segments of the path are resolved. The result
// is ASCII.
func normalizeURL(u string) string {
	if normalized(u) {
		return u
	}
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		scheme, rest = "", u
	}
	rest, fragment, hasFragment := strings.Cut(rest, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	host, p := rest, ""
	if scheme != "" {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			host, p = rest[:i], rest[i:]
		} else {
			host, p = rest, "/"
		}
	} else {
		host, p = "", rest
	}
	var b strings.Builder
	b.Grow(len(u) + 16)
	if scheme != "" {
		b.WriteString(normalizeComponent(strings.ToLower(scheme), "") + "://" + normalizeComponent(strings.ToLower(host), "[]"))
	}
	b.WriteString(removeDotSegments(normalizeComponent(p, "/")))
	if hasQuery {
		b.WriteString("?" + normalizeComponent(query, "/?"))
	}
	if hasFragment {
		b.WriteString("#" + normalizeComponent(fragment, "/?"))
	}
	return b.String()
}

// normalized reports whether normalizeURL would return u as it is, as it
// does for most links: only unreserved characters, sub-delimiters, ':',
// '@' and '/', no dot segment, and a lower-case scheme and host.
func normalized(u string) bool {
	hostEnd := 0 // the scheme and host end here; they must be lower case
	if _, rest, ok := strings.Cut(u, "://"); ok {
		hostEnd = len(u)
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			hostEnd = len(u) - len(rest) + j
		}
	}
	for i := 0; i < len(u); i++ {
		switch c := u[i]; {
		case c >= 'A' && c <= 'Z' && i < hostEnd:
			return false
		case !unreserved(c) && strings.IndexByte("!$&'()*+,;=:@/", c) < 0:
			return false
		case c == '.' && i > 0 && u[i-1] == '/' && dotSegment(u[i:]):
			return false
		}
	}
	return true
}

// dotSegment reports whether s starts with a "." or ".." path segment.
func dotSegment(s string) bool {
	s = strings.TrimPrefix(s, ".")
	s = strings.TrimPrefix(s, ".")
	return s == "" || s[0] == '/'
}

// normalizeComponent encodes what a path (or, with "/?" in extra, a query
// or fragment) may not hold, decodes encoded unreserved characters and
// upper-cases the hex digits of the other encodings.
func normalizeComponent(s, extra string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			if unreserved(d) {
				b.WriteByte(d)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[d>>4])
				b.WriteByte(hex[d&15])
			}
			i += 2
			continue
		}
		if unreserved(c) || strings.IndexByte("!$&'()*+,;=:@", c) >= 0 || strings.IndexByte(extra, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// unreserved reports whether c is an RFC 3986 unreserved character.
func unreserved(c byte) bool {
	return isASCIILetter(c) || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// removeDotSegments resolves the "." and ".." segments of a path, as
// RFC 3986 section 5.2.4 does.
func removeDotSegments(p string) string {
	if !strings.Contains(p, ".") {
		return p
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	return strings.Join(out, "/")
}
