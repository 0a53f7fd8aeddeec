package h1

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/textproto"
	"reflect"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// stdRequest reads the request in head as net/http's server does, and
// reports false where it would answer 4xx.
func stdRequest(head []byte) (*http.Request, bool) {
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
	if err != nil || r.ProtoMajor != 1 {
		return nil, false
	}
	// ReadRequest drops the Host field, which the server checks: read it again.
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(head)))
	if _, err := tp.ReadLine(); err != nil {
		return nil, false
	}
	fields, err := tp.ReadMIMEHeader()
	if err != nil {
		return nil, false
	}
	hosts, ok := fields["Host"]
	if r.ProtoAtLeast(1, 1) && (!ok || len(hosts) == 0) || len(hosts) == 1 && !httpguts.ValidHostHeader(hosts[0]) {
		return nil, false
	}
	for k, vv := range r.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return nil, false
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return nil, false
			}
		}
	}
	delete(r.Header, "Host")
	return r, true
}

// checkParse fails t when parseRequest accepts what net/http refuses, or
// reads it differently.
func checkParse(t *testing.T, data []byte) (accepted bool) {
	from := 0
	n, st := scanHead(data, &from)
	if st != headDone {
		return false
	}
	got, ok := parseRequest(context.Background(), data[:n])
	if !ok {
		return false
	}
	want, ok := stdRequest(data[:n])
	if !ok {
		t.Fatalf("accepted what net/http refuses: %q", data[:n])
	}
	if !reflect.DeepEqual(*got.URL, *want.URL) {
		t.Fatalf("URL read differently from net/http: %q\n got  %#v\n want %#v", data[:n], *got.URL, *want.URL)
	}
	type view struct {
		Method, URL, RequestURI, Proto, Host string
		Header                               http.Header
		Close                                bool
		ContentLength                        int64
	}
	g := view{got.Method, got.URL.String(), got.RequestURI, got.Proto, got.Host, got.Header, got.Close, got.ContentLength}
	w := view{want.Method, want.URL.String(), want.RequestURI, want.Proto, want.Host, want.Header, want.Close, want.ContentLength}
	if len(w.Header) == 0 {
		w.Header = http.Header{}
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("read differently from net/http: %q\n got  %+v\n want %+v", data[:n], g, w)
	}
	return true
}

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		accept bool
	}{
		{"plain", "GET /feed.xml HTTP/1.1\r\nHost: a\r\n\r\n", true},
		{"head", "HEAD /feed.xml HTTP/1.1\r\nHost: a\r\n\r\n", true},
		{"query and escapes", "GET /tags/%E8%B4%A2/feed.xml?limit=5 HTTP/1.1\r\nHost: a:80\r\n\r\n", true},
		{"repeated and odd-case headers", "GET / HTTP/1.1\r\nhost: a\r\nACCEPT: x\r\naccept: y\r\nx-a-B: 1\r\n\r\n", true},
		{"whitespace around values", "GET / HTTP/1.1\r\nHost: a\r\nX-A:\t v \t\r\nX-B:\r\n\r\n", true},
		{"obs-text in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: caf\xc3\xa9\r\n\r\n", true},
		{"pragma", "GET / HTTP/1.1\r\nHost: a\r\nPragma: no-cache\r\n\r\n", true},
		{"close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n", true},
		{"empty host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", true},
		{"post", "POST / HTTP/1.1\r\nHost: a\r\n\r\n", false},
		{"http/1.0", "GET / HTTP/1.0\r\n\r\n", false},
		{"no host", "GET / HTTP/1.1\r\n\r\n", false},
		{"two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", false},
		{"body", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n", false},
		{"chunked", "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", false},
		{"expect", "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n", false},
		{"upgrade", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n", false},
		{"absolute form", "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", false},
		{"space in name", "GET / HTTP/1.1\r\nHost: a\r\nX A: 1\r\n\r\n", false},
		{"no colon", "GET / HTTP/1.1\r\nHost: a\r\nXA\r\n\r\n", false},
		{"folded", "GET / HTTP/1.1\r\nHost: a\r\n x\r\n\r\n", false},
		{"nul in value", "GET / HTTP/1.1\r\nHost: a\r\nX: \x00\r\n\r\n", false},
		{"space in target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", false},
		{"bad escape", "GET /%g0 HTTP/1.1\r\nHost: a\r\n\r\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkParse(t, []byte(tt.raw)); got != tt.accept {
				t.Errorf("accepted = %v, want %v", got, tt.accept)
			}
		})
	}
}

func TestScanHead(t *testing.T) {
	tests := []struct {
		raw  string
		n    int
		want headState
	}{
		{"GET / HTTP/1.1\r\nHost: a\r\n\r\nnext", 27, headDone},
		{"GET / HTTP/1.1\r\nHost: a\r\n", 0, headMore},
		{"GET / HTTP/1.1\r\nHost: a\r", 0, headMore},
		{"GET / HTTP/1.1\nHost: a\r\n\r\n", 0, headOdd},
		{"\r\nGET / HTTP/1.1\r\n\r\n", 0, headOdd},
		{"", 0, headMore},
	}
	for _, tt := range tests {
		from := 0
		if n, st := scanHead([]byte(tt.raw), &from); n != tt.n || st != tt.want {
			t.Errorf("scanHead(%q) = %d, %v; want %d, %v", tt.raw, n, st, tt.n, tt.want)
		}
	}
	// Read in pieces, a head is found where it is found whole.
	raw := []byte("GET / HTTP/1.1\r\nHost: a\r\nAccept: b\r\n\r\n")
	from := 0
	for i := range len(raw) {
		if _, st := scanHead(raw[:i], &from); st != headMore {
			t.Fatalf("scanHead of %d bytes: %v", i, st)
		}
	}
	if n, st := scanHead(raw, &from); n != len(raw) || st != headDone {
		t.Errorf("scanHead of the whole head = %d, %v", n, st)
	}
}

// FuzzParseRequest checks that every head this package accepts is one
// net/http accepts too, read the same way.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("GET /feed.xml HTTP/1.1\r\nHost: a\r\nIf-None-Match: \"x\"\r\nAccept-Encoding: gzip\r\n\r\n"))
	f.Add([]byte("HEAD /categories/%E8%B4%A2/atom.xml?limit=3 HTTP/1.1\r\nhost: b:8080\r\nPragma: no-cache\r\n\r\n"))
	f.Add([]byte("GET //x/../y HTTP/1.1\r\nHost: [::1]:80\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data)
	})
}

func BenchmarkParseRequest(b *testing.B) {
	head := []byte("GET /categories/zhuzhouribao/feed.xml HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" +
		"User-Agent: Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers)\r\n" +
		"Accept: application/rss+xml, */*\r\nAccept-Encoding: gzip\r\nIf-None-Match: \"ab9abedbfc2b31e8b92059e98b249737-gzip\"\r\n\r\n")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := parseRequest(ctx, head); !ok {
			b.Fatal("refused")
		}
	}
}

func BenchmarkScanRequest(b *testing.B) {
	head := []byte("GET /categories/zhuzhouribao/feed.xml HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" +
		"User-Agent: Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers)\r\n" +
		"Accept: application/rss+xml, */*\r\nAccept-Encoding: gzip\r\nIf-None-Match: \"ab9abedbfc2b31e8b92059e98b249737-gzip\"\r\n\r\n")
	var r Request
	b.ReportAllocs()
	for b.Loop() {
		if !scanRequest(head, &r) {
			b.Fatal("refused")
		}
	}
}

// parseRequest is scanRequest and httpRequest in one: the request net/http
// would have made of a complete head, or false.
func parseRequest(ctx context.Context, b []byte) (*http.Request, bool) {
	var r Request
	if !scanRequest(b, &r) {
		return nil, false
	}
	return r.httpRequest(ctx), true
}
