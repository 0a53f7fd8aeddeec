package h1

import (
	"bytes"
	"context"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

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
func parseRequest(ctx context.Context, b []byte) (*http.Request, bool) {
	head := string(b) // every string of the request is a part of this one
	line, head, _ := strings.Cut(head[:len(head)-2], "\r\n")
	var method string
	switch {
	case strings.HasPrefix(line, "GET "):
		method, line = http.MethodGet, line[4:]
	case strings.HasPrefix(line, "HEAD "):
		method, line = http.MethodHead, line[5:]
	default:
		return nil, false
	}
	target, ok := strings.CutSuffix(line, " HTTP/1.1")
	if !ok || len(target) == 0 || target[0] != '/' || strings.IndexByte(target, ' ') >= 0 {
		return nil, false
	}
	u, ok := requestURL(target)
	if !ok {
		return nil, false
	}

	n := strings.Count(head, "\n")
	hdr := make(http.Header, n)
	values := make([]string, n) // one backing array for the one-value slices
	var host string
	hosts := 0
	for len(head) > 0 {
		var line string
		line, head, _ = strings.Cut(head, "\r\n")
		name, value, ok := strings.Cut(line, ":")
		if !ok || !httpguts.ValidHeaderFieldName(name) {
			return nil, false // also a folded line, which starts with a space
		}
		value = strings.Trim(value, " \t")
		if !httpguts.ValidHeaderFieldValue(value) {
			return nil, false
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
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
	r.Method, r.URL, r.RequestURI = method, u, target
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	r.Header, r.Body, r.Close = hdr, http.NoBody, closing
	r.Host = u.Host
	if r.Host == "" {
		r.Host = host
	}
	return r, true
}

// requestURL parses a request target that starts with a slash as
// url.ParseRequestURI does, without its cost when the path needs no
// unescaping and the query holds no control character.
func requestURL(target string) (*url.URL, bool) {
	path, query, hasQuery := strings.Cut(target, "?")
	plain := true
	for i := 0; i < len(path) && plain; i++ {
		c := path[i]
		plain = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '/' || c == '-' || c == '.' || c == '_' || c == '~'
	}
	for i := 0; i < len(query) && plain; i++ {
		plain = query[i] > ' ' && query[i] != 0x7f
	}
	if plain {
		return &url.URL{Path: path, RawQuery: query, ForceQuery: hasQuery && query == ""}, true
	}
	u, err := url.ParseRequestURI(target)
	return u, err == nil
}
