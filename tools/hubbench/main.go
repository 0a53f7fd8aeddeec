// Command hubbench measures feedwire's built-in WebSub hub end to end.
//
// It starts the given feedwire binary with FEEDWIRE_HUB=builtin on a
// loopback port over -dir, runs a callback server on loopback that echoes
// every challenge and answers every push 204, and subscribes -subscribers
// callbacks (distinct paths of that server) to the site's RSS feed through
// POST /websub. Then, -rounds times, it writes one new post and measures
// the time from writing the file until every subscriber has received the
// push that carries it, and the growth of feedwire's resident memory
// (sampled from /proc every 5 ms) over its level before the round. The
// posts it writes are removed at the end.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/feedwire", "feedwire binary")
	dir := flag.String("dir", "", "posts tree (a Jekyll site root)")
	rounds := flag.Int("rounds", 5, "posts written, one push each")
	subs := flag.Int("subscribers", 1, "callbacks subscribed to the site feed")
	redisURL := flag.String("redis", "", "FEEDWIRE_REDIS_URL for feedwire (empty: the hub keeps its state in memory)")
	flag.Parse()
	if err := run(*bin, *dir, *rounds, *subs, *redisURL); err != nil {
		fmt.Fprintln(os.Stderr, "hubbench:", err)
		os.Exit(1)
	}
}

// callbacks is the loopback server every subscriber's callback is on.
type callbacks struct {
	verified atomic.Int64
	mu       sync.Mutex
	want     string // title of the post the round waits for
	got      map[string]bool
	done     chan struct{}
}

func (c *callbacks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		io.WriteString(w, r.URL.Query().Get("hub.challenge"))
		c.verified.Add(1)
		return
	}
	body, _ := io.ReadAll(r.Body)
	w.WriteHeader(http.StatusNoContent)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.want != "" && bytes.Contains(body, []byte(c.want)) && !c.got[r.URL.Path] {
		c.got[r.URL.Path] = true
		if len(c.got) == cap(c.done) {
			close(c.done)
		}
	}
}

// expect arms the server for one round: done closes once n callbacks got
// a push containing title.
func (c *callbacks) expect(title string, n int) chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.want, c.got, c.done = title, map[string]bool{}, make(chan struct{}, n)
	return c.done
}

func run(bin, dir string, rounds, subs int, redisURL string) error {
	if dir == "" {
		return errors.New("-dir is required")
	}
	postsDir := filepath.Join(dir, "_posts")
	if _, err := os.Stat(postsDir); err != nil {
		postsDir = dir
	}
	cbLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	cb := &callbacks{}
	go http.Serve(cbLn, cb)
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	base := "http://" + addr
	n := strconv.Itoa(subs + 100)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "FEEDWIRE_POSTS_DIR="+dir, "FEEDWIRE_ADDR="+addr, "FEEDWIRE_SITE_URL="+base,
		"FEEDWIRE_LOG_LEVEL=warn", "FEEDWIRE_RELOAD_INTERVAL=0", "FEEDWIRE_HUB=builtin", "FEEDWIRE_HUB_ALLOW_PRIVATE=true",
		"FEEDWIRE_HUB_RATE="+n, "FEEDWIRE_HUB_MAX_PER_HOST="+n, "FEEDWIRE_HUB_MAX_PENDING="+n, "FEEDWIRE_REDIS_URL="+redisURL)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	if err := waitReady(base+"/readyz", 5*time.Minute); err != nil {
		return err
	}
	topic := base + "/feed.xml"
	start := time.Now()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	var failed atomic.Int64
	sem := make(chan struct{}, 16)
	for i := range subs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {fmt.Sprintf("http://%s/s/%d", cbLn.Addr(), i)}}
			resp, err := client.PostForm(base+"/websub", form)
			if err != nil {
				failed.Add(1)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		return fmt.Errorf("%d subscription requests failed", failed.Load())
	}
	for cb.verified.Load() < int64(subs) {
		if time.Since(start) > 5*time.Minute {
			return fmt.Errorf("only %d of %d subscriptions verified", cb.verified.Load(), subs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the last verifications' subscriptions are stored after their answer
	fmt.Printf("%d subscribers verified in %.2fs\n", subs, time.Since(start).Seconds())

	var lat []time.Duration
	var growth []int64
	for r := range rounds {
		title := fmt.Sprintf("hubbench-%d-%d", os.Getpid(), r)
		name := filepath.Join(postsDir, fmt.Sprintf("2030-01-01-%s.md", title))
		defer os.Remove(name)
		date := start.Add(time.Duration(r-60) * time.Minute).Format("2006-01-02 15:04:05 -0700")
		post := fmt.Sprintf("---\nlayout: post\ntitle: %q\ndate: %s\ncategories: hubbench\ntags: 测试\n---\n<p>%s</p>\n", title, date, title)
		done := cb.expect(title, subs)
		before, err := rss(cmd.Process.Pid)
		if err != nil {
			return err
		}
		peak := before
		t0 := time.Now()
		if err := os.WriteFile(name, []byte(post), 0o644); err != nil {
			return err
		}
		tick := time.NewTicker(5 * time.Millisecond)
	wait:
		for {
			select {
			case <-done:
				break wait
			case <-tick.C:
				if m, err := rss(cmd.Process.Pid); err == nil {
					peak = max(peak, m)
				}
				if time.Since(t0) > 2*time.Minute {
					return fmt.Errorf("round %d: not every subscriber got the push within 2 minutes", r)
				}
			}
		}
		tick.Stop()
		took := time.Since(t0)
		lat, growth = append(lat, took), append(growth, peak-before)
		fmt.Printf("round %d: %d subscribers pushed %.0f ms after the write; RSS %.1f MiB, peak growth %.1f MiB\n",
			r+1, subs, ms(took), float64(before)/(1<<20), float64(peak-before)/(1<<20))
		time.Sleep(300 * time.Millisecond) // let the watcher's debounce window close between rounds
	}
	slices.Sort(lat)
	slices.Sort(growth)
	fmt.Printf("median: %d subscribers pushed %.0f ms after the write; peak RSS growth %.1f MiB (max %.1f MiB)\n",
		subs, ms(lat[len(lat)/2]), float64(growth[len(growth)/2])/(1<<20), float64(growth[len(growth)-1])/(1<<20))
	return nil
}

// waitReady polls url until it answers 200.
func waitReady(u string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready within %v", u, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rss is the resident set size of a process, from /proc.
func rss(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS")
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
