// Command reloadbench measures how fast a running feedwire serves a post
// written into a large posts tree, and the CPU time the reload costs.
//
// It starts the given feedwire binary on a loopback port over -dir, waits
// until it is ready (the cold load), then -rounds times writes one new post
// and polls the site feed until the post is served. It reports, per round
// and as medians, the latency from write to served and the process CPU time
// (user+sys, from /proc) spent meanwhile, against the CPU time of the cold
// load. The posts it writes are removed at the end.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/feedwire", "feedwire binary")
	dir := flag.String("dir", "", "posts tree (a Jekyll site root)")
	rounds := flag.Int("rounds", 5, "posts written, one reload each")
	flag.Parse()
	if err := run(*bin, *dir, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "reloadbench:", err)
		os.Exit(1)
	}
}

func run(bin, dir string, rounds int) error {
	if dir == "" {
		return errors.New("-dir is required")
	}
	postsDir := filepath.Join(dir, "_posts")
	if _, err := os.Stat(postsDir); err != nil {
		postsDir = dir
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "FEEDWIRE_POSTS_DIR="+dir, "FEEDWIRE_ADDR="+addr,
		"FEEDWIRE_LOG_LEVEL=warn", "FEEDWIRE_RELOAD_INTERVAL=0")
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	base := "http://" + addr
	if err := waitFor(base+"/readyz", "", 5*time.Minute); err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	coldWall := time.Since(start)
	coldCPU, err := cpuTime(cmd.Process.Pid)
	if err != nil {
		return err
	}
	fmt.Printf("cold load: %.2fs wall, %.2fs CPU (process start to ready)\n", coldWall.Seconds(), coldCPU.Seconds())

	var lat, cpu []time.Duration
	for r := range rounds {
		title := fmt.Sprintf("reloadbench-%d-%d", os.Getpid(), r)
		name := filepath.Join(postsDir, fmt.Sprintf("2030-01-01-%s.md", title))
		defer os.Remove(name)
		before, err := cpuTime(cmd.Process.Pid)
		if err != nil {
			return err
		}
		// Each round's post is the newest by a minute, so it heads the site feed.
		date := start.Add(time.Duration(r-60) * time.Minute).Format("2006-01-02 15:04:05 -0700")
		post := fmt.Sprintf("---\nlayout: post\ntitle: %q\ndate: %s\ncategories: reloadbench\ntags: 测试\n---\n<p>%s</p>\n", title, date, title)
		t0 := time.Now()
		if err := os.WriteFile(name, []byte(post), 0o644); err != nil {
			return err
		}
		if err := waitFor(base+"/feed.xml?limit=1", title, 30*time.Second); err != nil {
			return fmt.Errorf("round %d: %w", r, err)
		}
		took := time.Since(t0)
		after, err := cpuTime(cmd.Process.Pid)
		if err != nil {
			return err
		}
		lat, cpu = append(lat, took), append(cpu, after-before)
		fmt.Printf("round %d: served after %.0f ms; reload CPU %.0f ms (%.1f%% of the cold load)\n",
			r+1, ms(took), ms(after-before), 100*float64(after-before)/float64(coldCPU))
		time.Sleep(300 * time.Millisecond) // let the watcher's debounce window close between rounds
	}
	ml, mc := median(lat), median(cpu)
	fmt.Printf("median: served after %.0f ms (target < 1000 ms); reload CPU %.0f ms = %.1f%% of the cold load's %.2fs (target < 5%%)\n",
		ms(ml), ms(mc), 100*float64(mc)/float64(coldCPU), coldCPU.Seconds())
	return nil
}

// waitFor polls url every 5ms until it answers 200 with a body containing
// want.
func waitFor(url, want string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	last := ""
	for {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && bytes.Contains(body, []byte(want)) {
				return nil
			}
			last = fmt.Sprintf("%d %q", resp.StatusCode, body[:min(len(body), 300)])
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not served within %v; last answer: %s", url, limit, last)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cpuTime is the user+system CPU time of a process, from /proc.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
