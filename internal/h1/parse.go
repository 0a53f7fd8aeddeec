package h1

import (
	"bytes"
	"context"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

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

// Request is a request head this package accepted, before any
// *http.Request is made for it: what a Shortcut sees. Its strings stay
// valid after the request is answered; the Request itself is reused.
type Request struct {
	Method string   // "GET" or "HEAD"
	URL    *url.URL // as url.ParseRequestURI reads Target
	Target string   // the request target as sent: a path, maybe a query
	Host   string   // the Host field
	Close  bool     // the client asked to close the connection

	// Received is when the first bytes of the head were read.
	Received time.Time

	fields []field // every field line but Host, in order
	url    url.URL // URL's storage, reused
}

// field is one header line, its value trimmed.
type field struct{ name, value string }

// Header returns the first value of the field name, compared without
// regard to case, and the number of lines that carry it.
func (r *Request) Header(name string) (value string, lines int) {
	for _, f := range r.fields {
		if len(f.name) == len(name) && strings.EqualFold(f.name, name) {
			if lines == 0 {
				value = f.value
			}
			lines++
		}
	}
	return value, lines
}

// NumFields returns the number of field lines but Host.
func (r *Request) NumFields() int { return len(r.fields) }

// Field returns the name, as sent, and value of the field line i, counted
// from 0 in the order sent, Host left out.
func (r *Request) Field(i int) (name, value string) {
	f := r.fields[i]
	return f.name, f.value
}

// scanRequest reads a complete head, as scanHead delimited it, into r, or
// reports false when the request is not one this package answers: any
// method but GET and HEAD, any version but HTTP/1.1, a body or a hint of
// one, Expect, Upgrade, a request target that is not a path, and anything
// net/http would refuse. Those connections go to net/http, which knows
// every rule; what is accepted here gives the request net/http would have
// given.
func scanRequest(b []byte, r *Request) bool {
	head := string(b) // every string of the request is a part of this one
	end := strings.IndexByte(head, '\n')
	line, head := head[:end-1], head[end+1:len(head)-2]
	var method string
	switch {
	case strings.HasPrefix(line, "GET "):
		method, line = http.MethodGet, line[4:]
	case strings.HasPrefix(line, "HEAD "):
		method, line = http.MethodHead, line[5:]
	default:
		return false
	}
	target, ok := strings.CutSuffix(line, " HTTP/1.1")
	if !ok || len(target) == 0 || target[0] != '/' || strings.IndexByte(target, ' ') >= 0 {
		return false
	}
	u, ok := requestURL(target, &r.url)
	if !ok {
		return false
	}

	fields := r.fields[:0]
	var host string
	hosts := 0
	closing, lengths := false, 0
	for len(head) > 0 {
		// Every line ends in CRLF and holds no other LF: scanHead saw to it.
		end := strings.IndexByte(head, '\n')
		line := head[:end-1]
		head = head[end+1:]
		colon := strings.IndexByte(line, ':')
		if colon <= 0 {
			return false
		}
		name, value := line[:colon], line[colon+1:]
		for i := 0; i < len(name); i++ {
			if !tokenByte[name[i]] {
				return false // also a folded line, which starts with a space
			}
		}
		for len(value) > 0 && (value[0] == ' ' || value[0] == '\t') {
			value = value[1:]
		}
		for len(value) > 0 && (value[len(value)-1] == ' ' || value[len(value)-1] == '\t') {
			value = value[:len(value)-1]
		}
		for i := 0; i < len(value); i++ {
			if c := value[i]; c < ' ' && c != '\t' || c == 0x7f {
				return false
			}
		}
		switch len(name) { // names compared only where the length matches
		case len("Host"):
			if strings.EqualFold(name, "Host") {
				host, hosts = value, hosts+1
				continue
			}
		case len("Content-Length"):
			if strings.EqualFold(name, "Content-Length") {
				if value != "0" || lengths > 0 {
					return false
				}
				lengths++
			}
		case len("Transfer-Encoding"):
			if strings.EqualFold(name, "Transfer-Encoding") {
				return false
			}
		case len("Expect"):
			if strings.EqualFold(name, "Expect") {
				return false
			}
		case len("Upgrade"): // and Trailer
			if strings.EqualFold(name, "Upgrade") || strings.EqualFold(name, "Trailer") {
				return false
			}
		case len("Connection"):
			if strings.EqualFold(name, "Connection") {
				closing = closing || httpguts.HeaderValuesContainsToken([]string{value}, "close")
			}
		}
		fields = append(fields, field{name, value})
	}
	if hosts != 1 || !httpguts.ValidHostHeader(host) {
		return false
	}
	r.Method, r.URL, r.Target, r.Host, r.Close, r.fields = method, u, target, host, closing, fields
	return true
}

// httpRequest makes the *http.Request net/http would make of r.
func (r *Request) httpRequest(ctx context.Context) *http.Request {
	hdr := make(http.Header, len(r.fields))
	values := make([]string, len(r.fields)) // one backing array for the one-value slices
	for _, f := range r.fields {
		key := textproto.CanonicalMIMEHeaderKey(f.name)
		if vv := hdr[key]; vv != nil {
			hdr[key] = append(vv, f.value)
			continue
		}
		values[0] = f.value
		hdr[key], values = values[:1:1], values[1:]
	}
	if pragma, ok := hdr["Pragma"]; ok && pragma[0] == "no-cache" && len(hdr["Cache-Control"]) == 0 {
		hdr["Cache-Control"] = []string{"no-cache"}
	}
	req := (&http.Request{}).WithContext(ctx) // the one allocation of the request
	u := *r.URL                               // the handler's own: r is reused
	req.Method, req.URL, req.RequestURI = r.Method, &u, r.Target
	req.Proto, req.ProtoMajor, req.ProtoMinor = "HTTP/1.1", 1, 1
	req.Header, req.Body, req.Close = hdr, http.NoBody, r.Close
	req.Host = r.URL.Host
	if req.Host == "" {
		req.Host = r.Host
	}
	return req
}

// requestURL parses a request target that starts with a slash as
// url.ParseRequestURI does, into u, without its cost when the path needs
// no unescaping and the query holds no control character.
func requestURL(target string, u *url.URL) (*url.URL, bool) {
	path, query, hasQuery := strings.Cut(target, "?")
	plain := true
	for i := 0; i < len(path) && plain; i++ {
		plain = plainPath[path[i]]
	}
	for i := 0; i < len(query) && plain; i++ {
		plain = query[i] > ' ' && query[i] != 0x7f
	}
	if plain {
		*u = url.URL{Path: path, RawQuery: query, ForceQuery: hasQuery && query == ""}
		return u, true
	}
	parsed, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, false
	}
	*u = *parsed
	return u, true
}

// plainPath marks the bytes a path may hold and need no unescaping or
// checking: letters, digits, and / - . _ ~.
var plainPath = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '/' || c == '-' || c == '.' || c == '_' || c == '~'
	}
	return t
}()

// tokenByte marks the bytes of a token (RFC 9110 section 5.6.2), as
// httpguts.ValidHeaderFieldName accepts them in a field name.
var tokenByte = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = httpguts.IsTokenRune(rune(c))
	}
	return t
}()
