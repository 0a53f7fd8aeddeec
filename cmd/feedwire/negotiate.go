package main

import (
	"net/http"
	"strconv"
	"strings"
)

// coding is a content coding feedwire can send.
type coding uint8

// The codings, in the server's order of preference when a client rates them equally.
const (
	identity coding = iota
	gzipCoding
	brCoding
	numCodings
)

// String returns the coding's token as used in Content-Encoding and cache keys.
func (c coding) String() string {
	switch c {
	case gzipCoding:
		return "gzip"
	case brCoding:
		return "br"
	}
	return "identity"
}

// identityDefaultQ ranks identity when the header does not mention it: always
// acceptable, but below any coding the client does list.
const identityDefaultQ = 0.001

// acceptEncoding returns the request's Accept-Encoding field, its lines
// joined as one list.
func acceptEncoding(h http.Header) string {
	switch v := h["Accept-Encoding"]; len(v) {
	case 0:
		return ""
	case 1:
		return v[0]
	default:
		return strings.Join(v, ",")
	}
}

// negotiate picks the coding for an Accept-Encoding header value (RFC 9110
// section 12.5.3): the acceptable coding with the highest q-value, ties going
// to the smaller encoding. Identity is acceptable unless refused outright;
// if every coding is refused, identity is sent anyway, as the RFC allows.
func negotiate(header string) coding {
	switch header {
	case "":
		return identity
	case "gzip":
		return gzipCoding
	}
	var q [numCodings]float64
	var mentioned [numCodings]bool
	star, hasStar := 0.0, false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		weight, ok := qValue(params)
		if !ok {
			continue
		}
		var c coding
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			c = gzipCoding
		case "br":
			c = brCoding
		case "identity":
			c = identity
		case "*":
			star, hasStar = weight, true
			continue
		default:
			continue
		}
		q[c], mentioned[c] = weight, true
	}
	for c := range q {
		switch {
		case mentioned[c]:
		case hasStar:
			q[c] = star
		case coding(c) == identity:
			q[c] = identityDefaultQ
		}
	}
	best, bestQ := identity, q[identity]
	for _, c := range []coding{gzipCoding, brCoding} {
		if q[c] > 0 && q[c] >= bestQ {
			best, bestQ = c, q[c]
		}
	}
	return best
}

// qValue reads the q parameter of one Accept-Encoding element; a missing q is
// 1. It reports false for a malformed q, which makes the element ignored.
func qValue(params string) (float64, bool) {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 {
			return 0, false
		}
		return f, true
	}
	return 1, true
}
