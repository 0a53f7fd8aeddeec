//go:build unix

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestHalfClosedConnectionsClose opens 20 connections that each send one
// request and then half-close (FIN), half of them after an urgent (OOB)
// byte, and wants every one answered and then closed by the server within
// a second, not left in CLOSE_WAIT until the idle timeout.
func TestHalfClosedConnectionsClose(t *testing.T) {
	ts := startServer(t, nil)
	addr := strings.TrimPrefix(ts.URL, "http://")
	const conns = 20
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			tc := c.(*net.TCPConn)
			if _, err := io.WriteString(tc, "GET /feed.xml HTTP/1.1\r\nHost: feedwire.test\r\n\r\n"); err != nil {
				errs <- err
				return
			}
			if i%2 == 1 {
				if err := sendUrgent(tc); err != nil {
					errs <- err
					return
				}
			}
			if err := tc.CloseWrite(); err != nil {
				errs <- err
				return
			}
			tc.SetReadDeadline(time.Now().Add(time.Second))
			br := bufio.NewReader(tc)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				errs <- err
				return
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != 200 {
				errs <- fmt.Errorf("connection %d: status %d, body: %v", i, resp.StatusCode, err)
				return
			}
			// The server closes its side: EOF, within the deadline.
			if n, err := br.Read(make([]byte, 1)); err != io.EOF {
				errs <- fmt.Errorf("connection %d: after the response, read %d bytes, %v; want EOF within a second", i, n, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestTruncatedRequestGets400 sends half a request head, then EOF: the
// answer is a 400, not silence.
func TestTruncatedRequestGets400(t *testing.T) {
	ts := startServer(t, nil)
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /feed.xml HTTP/1.1\r\nHost: feedwire.te")
	c.(*net.TCPConn).CloseWrite()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
}

// sendUrgent sends one byte of TCP urgent data.
func sendUrgent(c *net.TCPConn) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Write(func(fd uintptr) bool {
		serr = syscall.Sendto(int(fd), []byte{'!'}, syscall.MSG_OOB, nil)
		return serr != syscall.EAGAIN
	}); err != nil {
		return err
	}
	return serr
}
