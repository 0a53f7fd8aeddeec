package h1

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestSameAsNetHTTP sends the same bytes to this server and to net/http
// serving the same handler, and wants the same answers: status, every
// header but Date, body, and whether the connection closes.
func TestSameAsNetHTTP(t *testing.T) {
	t.Run("descriptor", func(t *testing.T) { sameAsNetHTTP(t, false) })
	t.Run("Read", func(t *testing.T) { sameAsNetHTTP(t, true) })
}

// sameAsNetHTTP is TestSameAsNetHTTP with h1 reading its connections
// through their Read method when plain is true, from their descriptors
// otherwise.
func sameAsNetHTTP(t *testing.T, plain bool) {
	fast, std := serversOn(t, testHandler(), plain)
	const host = "Host: feeds.example\r\n"
	get := func(path string, extra ...string) string {
		return "GET " + path + " HTTP/1.1\r\n" + host + strings.Join(extra, "") + "\r\n"
	}
	big := strings.Repeat("X-Pad: "+strings.Repeat("p", 90)+"\r\n", 50) // a 5 KB head
	tests := []struct {
		name    string
		raw     string
		methods []string
	}{
		{"document", get("/doc"), []string{"GET"}},
		{"not modified", get("/doc", "If-None-Match: \"v1\"\r\n"), []string{"GET"}},
		{"head", "HEAD /doc HTTP/1.1\r\n" + host + "\r\n", []string{"HEAD"}},
		{"head without length", "HEAD /small HTTP/1.1\r\n" + host + "\r\n", []string{"HEAD"}},
		{"head of nothing", "HEAD /empty HTTP/1.1\r\n" + host + "\r\n", []string{"HEAD"}},
		{"echo", get("/echo?a=1&b=%20c", "User-Agent: t/1\r\nAccept: a\r\naccept: b\r\nX-Space:   v w  \r\nx-lower: 1\r\n"), []string{"GET"}},
		{"pragma", get("/echo", "Pragma: no-cache\r\n"), []string{"GET"}},
		{"pragma and cache-control", get("/echo", "Pragma: no-cache\r\nCache-Control: max-age=0\r\n"), []string{"GET"}},
		{"content-length zero", get("/echo", "Content-Length: 0\r\n"), []string{"GET"}},
		{"connection close", get("/echo", "Connection: keep-alive, close\r\n") + get("/small"), []string{"GET", "GET"}},
		{"pipelined", get("/small") + get("/doc") + "HEAD /doc HTTP/1.1\r\n" + host + "\r\n" + get("/echo"), []string{"GET", "GET", "HEAD", "GET"}},
		{"encoded path", get("/echo/../echo?x=%E6%A0%AA"), []string{"GET"}},
		{"unclean path", get("//echo"), []string{"GET"}},
		{"not found", get("/nowhere"), []string{"GET"}},
		{"small", get("/small"), []string{"GET"}},
		{"sniffed html", get("/html"), []string{"GET"}},
		{"empty", get("/empty"), []string{"GET"}},
		{"chunked answer", get("/big") + get("/small"), []string{"GET", "GET"}},
		{"flush", get("/flush") + get("/small"), []string{"GET", "GET"}},
		{"short body", get("/short") + get("/small"), []string{"GET", "GET"}},
		{"over length", get("/over") + get("/small"), []string{"GET", "GET"}},
		{"no content", get("/nocontent") + get("/small"), []string{"GET", "GET"}},
		{"header after WriteHeader", get("/late"), []string{"GET"}},
		{"early hints", get("/hints"), []string{"GET", "GET"}},
		{"header injection", get("/newline"), []string{"GET"}},
		{"handler closes", get("/close") + get("/small"), []string{"GET", "GET"}},
		{"unknown status", get("/status"), []string{"GET"}},
		{"error", get("/error"), []string{"GET"}},
		{"panic", get("/panic") + get("/small"), []string{"GET", "GET"}},
		{"abort", get("/abort") + get("/small"), []string{"GET", "GET"}},
		{"content-encoding not sniffed", get("/gz"), []string{"GET"}},
		// Handed to net/http:
		{"post", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 4\r\n\r\nbody" + get("/small"), []string{"POST", "GET"}},
		{"options", "OPTIONS * HTTP/1.1\r\n" + host + "\r\n", []string{"OPTIONS"}},
		{"http/1.0", "GET /small HTTP/1.0\r\n\r\n", []string{"GET"}},
		{"http/1.0 keep-alive", "GET /small HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + "GET /doc HTTP/1.0\r\n\r\n", []string{"GET", "GET"}},
		{"chunked request", "GET /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + get("/small"), []string{"GET", "GET"}},
		{"expect", get("/echo", "Expect: 100-continue\r\n"), []string{"GET"}},
		{"bare LF", "GET /echo HTTP/1.1\n" + host + "\n", []string{"GET"}},
		{"leading blank line", "\r\n" + get("/echo"), []string{"GET"}},
		{"large head", get("/echo", big), []string{"GET"}},
		{"absolute form", "GET http://other.example/echo HTTP/1.1\r\n" + host + "\r\n", []string{"GET"}},
		{"after a handed-off request", "PUT /echo HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n" + get("/echo"), []string{"PUT", "GET"}},
		// Refused by net/http, so by both:
		{"no host", "GET /echo HTTP/1.1\r\n\r\n", []string{"GET"}},
		{"two hosts", get("/echo", "Host: other\r\n"), []string{"GET"}},
		{"bad host", "GET /echo HTTP/1.1\r\nHost: a b\r\n\r\n", []string{"GET"}},
		{"bad header name", get("/echo", "Bad Name: x\r\n"), []string{"GET"}},
		{"folded header", get("/echo", "X-A: 1\r\n  2\r\n"), []string{"GET"}},
		{"control in value", get("/echo", "X-A: a\x01b\r\n"), []string{"GET"}},
		{"bad escape", get("/%zz"), []string{"GET"}},
		{"lower-case method", "get /echo HTTP/1.1\r\n" + host + "\r\n", []string{"GET"}},
		{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", []string{"GET"}},
		{"TLS hello", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", []string{"GET"}},
		{"bad version", "GET /echo HTTP/1.x\r\n" + host + "\r\n", []string{"GET"}},
		{"duplicate content-length", get("/echo", "Content-Length: 0\r\nContent-Length: 0\r\n"), []string{"GET"}},
		{"nonzero content-length", get("/echo", "Content-Length: 2\r\n") + "hi", []string{"GET"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := exchange(t, std, tt.raw, tt.methods)
			got := exchange(t, fast, tt.raw, tt.methods)
			if len(want) == 0 && !strings.HasPrefix(tt.name, "panic") && tt.name != "abort" {
				t.Fatalf("net/http gave no answer: the case tests nothing")
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("answers differ\n h1:      %+v\n net/http: %+v", got, want)
			}
		})
	}
}

// TestSplitHead sends request heads in pieces, as a slow client's arrive,
// to both ways of reading a connection, and wants net/http's answers.
// Whatever pieces the kernel delivers together, the answers must be the
// same.
func TestSplitHead(t *testing.T) {
	for _, plain := range []bool{false, true} {
		t.Run(map[bool]string{false: "descriptor", true: "Read"}[plain], func(t *testing.T) {
			fast, std := serversOn(t, testHandler(), plain)
			pieces := []string{"GET /doc HT", "TP/1.1\r\nHo", "st: x\r\nIf-None-Match: \"v1\"\r\n", "\r\nGET /small HTTP/1.1\r\n", "Host: x\r\n\r\n"}
			answers := func(addr string) []answer {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				for _, p := range pieces {
					if _, err := io.WriteString(c, p); err != nil {
						t.Fatal(err)
					}
					time.Sleep(5 * time.Millisecond) // most often, one read per piece
				}
				br := bufio.NewReader(c)
				var out []answer
				for range 2 {
					res, err := http.ReadResponse(br, nil)
					if err != nil {
						t.Fatalf("response %d: %v", len(out)+1, err)
					}
					body, _ := io.ReadAll(res.Body)
					h := res.Header.Clone()
					delete(h, "Date")
					out = append(out, answer{res.StatusCode, h, string(body), res.Close})
				}
				return out
			}
			want, got := answers(std), answers(fast)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("answers differ\n h1:      %+v\n net/http: %+v", got, want)
			}
			if want[0].Status != http.StatusNotModified || want[1].Body != "hello" {
				t.Errorf("net/http answered %+v: the case tests nothing", want)
			}
		})
	}
}
