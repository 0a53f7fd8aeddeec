package httpx

import "strings"

// QElement is one element of a list field with weights, such as
// Accept-Encoding or A-IM: its token, lower-cased, and its q-value in
// thousandths (1000 when no q is given).
type QElement struct {
	Token string
	Q     int
}

// QList reads a list field with weights (RFC 9110 section 12.4.2), its lines
// joined: each element a token with optional parameters, the q parameter
// its weight. An element with a malformed q-value is left out, as is an
// empty one; other parameters are ignored.
func QList(values []string) []QElement {
	var out []QElement
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			q, ok := weight(params)
			if !ok {
				continue
			}
			out = append(out, QElement{Token: strings.ToLower(name), Q: q})
		}
	}
	return out
}

// weight reads the q parameter among an element's parameters; a missing q
// is 1000. It reports false for a q that is not a qvalue.
func weight(params string) (int, bool) {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			return ParseQValue(strings.TrimSpace(v))
		}
	}
	return 1000, true
}

// ParseQValue reads a qvalue, "0" [ "." 0*3DIGIT ] or "1" [ "." 0*3"0" ],
// as thousandths.
func ParseQValue(s string) (int, bool) {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	whole := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return whole, true
	}
	if s[1] != '.' || len(s) > 5 {
		return 0, false
	}
	frac, scale := 0, 100
	for _, c := range []byte(s[2:]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		frac += int(c-'0') * scale
		scale /= 10
	}
	if whole == 1000 && frac != 0 {
		return 0, false
	}
	return whole + frac, true
}

// Accepts reports whether the list field values name token (lower case)
// with a q-value above zero.
func Accepts(values []string, token string) bool {
	for _, e := range QList(values) {
		if e.Token == token && e.Q > 0 {
			return true
		}
	}
	return false
}
