package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestShutdownFinishesInFlight starts reading a large response slowly,
// shuts the server down while the response is still being written, then
// reads the rest: the client gets the whole feed and serve returns cleanly.
func TestShutdownFinishesInFlight(t *testing.T) {
	ts := startServer(t, nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(1024) // keep the server's writes blocked on us
	if _, err := conn.Write([]byte("GET /atom.xml?limit=100 HTTP/1.1\r\nHost: feedwire\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReaderSize(conn, 512)
	resp, err := http.ReadResponse(br, nil) // the handler is running: it wrote the header
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()

	ts.stop()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("in-flight response cut during shutdown: %v", err)
	}
	if resp.StatusCode != 200 || int64(len(body)) != resp.ContentLength || !strings.Contains(string(body), "</feed>") {
		t.Fatalf("in-flight request got %d with %d of %d bytes", resp.StatusCode, len(body), resp.ContentLength)
	}
	select {
	case err := <-ts.done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not return after the in-flight request finished")
	}
	ts.stop = nil
	// New connections are refused once the server has shut down.
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(ts.URL, "http://"), time.Second); err == nil {
		c.Close()
		t.Fatal("server still accepts connections after shutdown")
	}
}
