package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a log destination safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeSanitized serves the unsafe fixture site over HTTP, sanitized by
// default and trusted with FEEDWIRE_SANITIZE=false: the sanitized feeds hold
// no script or handler, the two settings give different ETags, and the post
// with a control character in its front matter is served, its warning
// logged at warn.
func TestServeSanitized(t *testing.T) {
	dir := filepath.Join("..", "..", "feed", "testdata", "unsafe")
	type served struct {
		url  string
		logs *lockedBuffer
	}
	start := func(t *testing.T, sanitize string) served {
		cfg := testConfig(t, map[string]string{"POSTS_DIR": dir, "SANITIZE": sanitize, "RELOAD_INTERVAL": "0"})
		logs := new(lockedBuffer)
		log := slog.New(slog.NewTextHandler(logs, nil))
		ctx, cancel := context.WithCancel(context.Background())
		done, addr, loaded := make(chan error, 1), make(chan string, 1), make(chan struct{}, 8)
		go func() {
			done <- serve(ctx, cfg, log, &hooks{
				listening: func(a string) { addr <- a },
				loaded:    func() { loaded <- struct{}{} },
			})
		}()
		t.Cleanup(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Error("serve did not return within 20s of shutdown")
			}
		})
		var s served
		select {
		case a := <-addr:
			s = served{url: "http://" + a, logs: logs}
		case err := <-done:
			t.Fatalf("serve: %v", err)
		}
		select {
		case <-loaded:
		case <-time.After(30 * time.Second):
			t.Fatal("first snapshot not loaded within 30s")
		}
		return s
	}
	clean := start(t, "true")
	trusted := start(t, "false")

	const warning = `msg="post served with a warning" path=_posts/2022-03-05-control.md line=3`
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(clean.logs.String(), warning); {
		if time.Now().After(deadline) {
			t.Fatalf("log lacks %s:\n%s", warning, clean.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(clean.logs.String(), "level=WARN "+warning) {
		t.Errorf("warning not logged at warn:\n%s", clean.logs.String())
	}

	for _, path := range []string{"/feed.xml", "/atom.xml", "/feed.json", "/categories/zhuzhouribao/atom.xml", "/tags/%E8%84%9A%E6%9C%AC/feed.json"} {
		t.Run(path, func(t *testing.T) {
			resp, body := get(t, "GET", clean.url+path, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for _, bad := range []string{"<script", "onclick", "onerror", "javascript:"} {
				if bytes.Contains(bytes.ToLower(body), []byte(bad)) {
					t.Errorf("sanitized document holds %q", bad)
				}
			}
			trustedResp, trustedBody := get(t, "GET", trusted.url+path, nil)
			if trustedResp.StatusCode != 200 || !bytes.Contains(trustedBody, []byte("onclick")) {
				t.Errorf("trusted document: status %d, no onclick: its HTML was not kept", trustedResp.StatusCode)
			}
			if a, b := resp.Header.Get("ETag"), trustedResp.Header.Get("ETag"); a == "" || a == b {
				t.Errorf("ETag %s sanitized, %s trusted: want two different ETags", a, b)
			}
		})
	}
	_, body := get(t, "GET", clean.url+"/feed.json", nil)
	if !bytes.Contains(body, []byte(`"title":"抓取的标题含有控制字符"`)) {
		t.Errorf("the post with a control character is not served: %s", body)
	}
}
