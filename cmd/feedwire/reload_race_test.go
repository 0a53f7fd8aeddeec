package main

import (
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/sitetest"
)

// TestReloadUnderLoad rewrites posts while clients read feeds: every
// response is a whole, well-formed document, and an ETag always names the
// same bytes. Run it with -race.
func TestReloadUnderLoad(t *testing.T) {
	s := sitetest.New(t)
	for i := range 30 {
		s.Post(fmt.Sprintf("2026-10-%02d-p%d.md", i%28+1, i), fmt.Sprintf("新闻%d", i),
			fmt.Sprintf("2026-10-%02d 08:%02d:00", i%28+1, i), []string{"jiabao", "yibao", "bingbao"}[i%3], "本地新闻")
	}
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0"})
	urls := []string{"/feed.xml", "/atom.xml", "/feed.json", "/categories/jiabao/feed.xml",
		"/categories/yibao/atom.xml", "/tags/%E6%9C%AC%E5%9C%B0%E6%96%B0%E9%97%BB/feed.json", "/opml.xml"}

	var (
		mu     sync.Mutex
		bodies = map[string][32]byte{} // ETag -> body hash
		count  int
	)
	check := func(url string) error {
		resp, err := http.Get(ts.URL + url)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET %s: %d %q", url, resp.StatusCode, body)
		}
		if strings.HasSuffix(url, ".json") {
			var v map[string]any
			if err := json.Unmarshal(body, &v); err != nil {
				return fmt.Errorf("GET %s: invalid JSON: %v", url, err)
			}
		} else if err := xml.Unmarshal(body, new(struct{})); err != nil {
			return fmt.Errorf("GET %s: ill-formed XML: %v", url, err)
		}
		sum := sha256.Sum256(body)
		mu.Lock()
		defer mu.Unlock()
		count++
		tag := resp.Header.Get("ETag")
		if prev, ok := bodies[tag]; ok && prev != sum {
			return fmt.Errorf("GET %s: ETag %s names two different bodies", url, tag)
		}
		bodies[tag] = sum
		return nil
	}

	stop := make(chan struct{})
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for c := range 4 {
		wg.Go(func() {
			for i := c; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := check(urls[i%len(urls)]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for round := range 12 {
		// Rewrite a few posts and add one; each round is one reload.
		for i := round % 3; i < 30; i += 10 {
			s.Post(fmt.Sprintf("2026-10-%02d-p%d.md", i%28+1, i), fmt.Sprintf("新闻%d 第%d版", i, round),
				fmt.Sprintf("2026-10-%02d 08:%02d:00", i%28+1, i), []string{"jiabao", "yibao", "bingbao"}[i%3], "本地新闻")
		}
		s.Post(fmt.Sprintf("2026-11-%02d-new%d.md", round+1, round), fmt.Sprintf("新增%d", round),
			fmt.Sprintf("2026-11-%02d 09:00:00", round+1), "jiabao", "本地新闻")
		ts.waitLoaded(t)
		// Let the clients read this snapshot before the next change.
		mu.Lock()
		target := count + 8
		mu.Unlock()
		for deadline := time.Now().Add(10 * time.Second); ; {
			mu.Lock()
			n := count
			mu.Unlock()
			if n >= target || len(errs) > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if count < 12*8 {
		t.Fatalf("only %d responses checked", count)
	}
	t.Logf("%d responses, %d distinct ETags", count, len(bodies))
}
