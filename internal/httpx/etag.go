package httpx

import "strings"

// nextETag reads the first element of an entity-tag list field value (RFC
// 9110 sections 8.8.3 and 13.1.1): an entity-tag (an optional W/, then a
// quoted string of etagc characters), or "*". Leading commas and white space
// are skipped. ok is false at the end of the value and at a malformed
// element, which ends the list: what came before it still counts.
func nextETag(v string) (tag string, weak, star bool, rest string, ok bool) {
	v = strings.TrimLeft(v, " \t,")
	if v == "" {
		return "", false, false, "", false
	}
	if v[0] == '*' {
		return "*", false, true, v[1:], true
	}
	if strings.HasPrefix(v, "W/") {
		weak = true
		v = v[2:]
	}
	if len(v) < 2 || v[0] != '"' {
		return "", false, false, "", false
	}
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			return v[:i+1], weak, false, v[i+1:], true
		case c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80:
		default:
			return "", false, false, "", false
		}
	}
	return "", false, false, "", false
}

// MatchETag reports whether the entity-tag list field values name etag (a
// quoted strong tag), or are "*". Weak comparison (If-None-Match) ignores the
// W/ prefix; strong comparison (If-Match) accepts only strong tags.
func MatchETag(values []string, etag string, weakCompare bool) bool {
	for _, v := range values {
		for {
			tag, weak, star, rest, ok := nextETag(v)
			if !ok {
				break
			}
			if star || (tag == etag && (weakCompare || !weak)) {
				return true
			}
			v = rest
		}
	}
	return false
}

// ETagOpaques returns the opaque part of each entity-tag the list field
// values name, without W/ and quotes, in order; star reports a "*".
func ETagOpaques(values []string) (opaques []string, star bool) {
	for _, v := range values {
		for {
			tag, _, isStar, rest, ok := nextETag(v)
			if !ok {
				break
			}
			if isStar {
				star = true
			} else {
				opaques = append(opaques, tag[1:len(tag)-1])
			}
			v = rest
		}
	}
	return opaques, star
}
