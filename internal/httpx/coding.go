package httpx

import "net/http"

// Coding is a content coding feedwire can send.
type Coding uint8

// The codings, in the server's order of preference when a client rates
// them equally.
const (
	Identity Coding = iota
	Gzip
	Brotli
	NumCodings
)

// String returns the coding's token as used in Content-Encoding and cache
// keys.
func (c Coding) String() string {
	switch c {
	case Gzip:
		return "gzip"
	case Brotli:
		return "br"
	}
	return "identity"
}

// identityDefaultQ ranks identity when the field does not mention it:
// always acceptable, but below any coding the client does list.
const identityDefaultQ = 1

// Negotiate picks the coding for the request's Accept-Encoding field (RFC
// 9110 section 12.5.3): the acceptable coding with the highest q-value, ties
// going to the smaller encoding. Identity is acceptable unless refused
// outright; if every coding is refused, identity is sent anyway, as the RFC
// allows.
func Negotiate(h http.Header) Coding {
	values := h["Accept-Encoding"]
	switch {
	case len(values) == 0 || (len(values) == 1 && values[0] == ""):
		return Identity
	case len(values) == 1 && values[0] == "gzip":
		return Gzip
	}
	var q [NumCodings]int
	var mentioned [NumCodings]bool
	star, hasStar := 0, false
	for _, e := range QList(values) {
		var c Coding
		switch e.Token {
		case "gzip", "x-gzip":
			c = Gzip
		case "br":
			c = Brotli
		case "identity":
			c = Identity
		case "*":
			star, hasStar = e.Q, true
			continue
		default:
			continue
		}
		q[c], mentioned[c] = e.Q, true
	}
	for c := range q {
		switch {
		case mentioned[c]:
		case hasStar:
			q[c] = star
		case Coding(c) == Identity:
			q[c] = identityDefaultQ
		}
	}
	best, bestQ := Identity, q[Identity]
	for _, c := range []Coding{Gzip, Brotli} {
		if q[c] > 0 && q[c] >= bestQ {
			best, bestQ = c, q[c]
		}
	}
	return best
}
