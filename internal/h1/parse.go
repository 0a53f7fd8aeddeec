package h1

import (
	"bytes"
	"context"
	"net/http"
	"net/textproto"
	"net/url"

	"golang.org/x/net/http/httpguts"
)

// headState is what scanHead found in the bytes read so far.
type headState int

const (
	headMore headState = iota // no blank line yet: read more
	headDone                  // a complete head, every line ending in CRLF
	headOdd                   // a bare LF or a leading blank line: net/http's to judge
)

// scanHead looks for the blank line that ends a request head in b, starting
// at *from, the end of the last complete line it has already seen. It
// returns the length of the head, blank line included, once it is whole.
func scanHead(b []byte, from *int) (int, headState) {
	i := *from
	for {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			*from = i
			return 0, headMore
		}
		if j == 0 || b[i+j-1] != '\r' {
			return 0, headOdd
		}
		if j == 1 { // "\r\n": the blank line
			if i == 0 {
				return 0, headOdd
			}
			return i + 2, headDone
		}
		i += j + 1
	}
}

// parseRequest turns a complete head, as scanHead delimited it, into a
// request, or reports false when the request is not one this package
// answers: any method but GET and HEAD, any version but HTTP/1.1, a body
// or a hint of one, Expect, Upgrade, a request target that is not a path,
// and anything net/http would refuse. Those connections go to net/http,
// which knows every rule; what is accepted here gives the request net/http
// would have given.
func parseRequest(ctx context.Context, head []byte) (*http.Request, bool) {
	eol := bytes.IndexByte(head, '\n')
	line := head[:eol-1]
	head = head[eol+1 : len(head)-2] // the header lines, each with its CRLF
	var method string
	switch {
	case bytes.HasPrefix(line, []byte("GET ")):
		method, line = http.MethodGet, line[4:]
	case bytes.HasPrefix(line, []byte("HEAD ")):
		method, line = http.MethodHead, line[5:]
	default:
		return nil, false
	}
	target, ok := bytes.CutSuffix(line, []byte(" HTTP/1.1"))
	if !ok || len(target) == 0 || target[0] != '/' || bytes.IndexByte(target, ' ') >= 0 {
		return nil, false
	}
	rawURL := string(target)
	u, err := url.ParseRequestURI(rawURL)
	if err != nil {
		return nil, false
	}

	n := bytes.Count(head, []byte("\n"))
	hdr := make(http.Header, n)
	values := make([]string, n) // one backing array for the one-value slices
	var host string
	hosts := 0
	for len(head) > 0 {
		eol := bytes.IndexByte(head, '\n')
		line := head[:eol-1]
		head = head[eol+1:]
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !httpguts.ValidHeaderFieldName(string(line[:colon])) {
			return nil, false // also a folded line, which starts with a space
		}
		value := string(bytes.Trim(line[colon+1:], " \t"))
		if !httpguts.ValidHeaderFieldValue(value) {
			return nil, false
		}
		key := headerKey(line[:colon])
		switch key {
		case "Host":
			host, hosts = value, hosts+1
			continue
		case "Content-Length":
			if value != "0" || len(hdr[key]) > 0 {
				return nil, false
			}
		case "Transfer-Encoding", "Expect", "Upgrade", "Trailer":
			return nil, false
		}
		if vv := hdr[key]; vv != nil {
			hdr[key] = append(vv, value)
			continue
		}
		values[0] = value
		hdr[key], values = values[:1:1], values[1:]
	}
	if hosts != 1 || !httpguts.ValidHostHeader(host) {
		return nil, false
	}
	if pragma, ok := hdr["Pragma"]; ok && pragma[0] == "no-cache" && len(hdr["Cache-Control"]) == 0 {
		hdr["Cache-Control"] = []string{"no-cache"}
	}
	closing := httpguts.HeaderValuesContainsToken(hdr["Connection"], "close")
	r := (&http.Request{}).WithContext(ctx) // the one allocation of the request
	r.Method, r.URL, r.RequestURI = method, u, rawURL
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	r.Header, r.Body, r.Close = hdr, http.NoBody, closing
	r.Host = u.Host
	if r.Host == "" {
		r.Host = host
	}
	return r, true
}

// headerKey returns the canonical form of a valid header name, without
// allocating for the names clients send most.
func headerKey(b []byte) string {
	switch string(b) {
	case "Host", "host":
		return "Host"
	case "User-Agent", "user-agent":
		return "User-Agent"
	case "Accept", "accept":
		return "Accept"
	case "Accept-Encoding", "accept-encoding":
		return "Accept-Encoding"
	case "Accept-Language", "accept-language":
		return "Accept-Language"
	case "Connection", "connection":
		return "Connection"
	case "If-None-Match", "if-none-match":
		return "If-None-Match"
	case "If-Modified-Since", "if-modified-since":
		return "If-Modified-Since"
	case "Cache-Control", "cache-control":
		return "Cache-Control"
	case "Referer", "referer":
		return "Referer"
	case "Cookie", "cookie":
		return "Cookie"
	case "X-Forwarded-For", "x-forwarded-for":
		return "X-Forwarded-For"
	}
	return textproto.CanonicalMIMEHeaderKey(string(b))
}
