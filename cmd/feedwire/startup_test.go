//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// TestStartupLog runs feedwire as a process with stderr not a terminal and
// reads what it logs from start to SIGTERM: JSON records, the settings
// once, a warning for an unknown variable naming the closest one and for
// links that fall back to the listen address, durations as Go writes
// them, and the result of a reload SIGHUP forced.
func TestStartupLog(t *testing.T) {
	s := sitetest.At(t, t.TempDir())
	s.Write("_config.yml", "title: 无网址\n") // no url
	s.Post("2026-10-01-a.md", "甲", "2026-10-01 08:00:00", "jiabao", "甲报")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, config.Prefix+"_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GO_FEEDWIRE_RUN_MAIN=1", "FEEDWIRE_ADDR=127.0.0.1:0", "FEEDWIRE_RELOAD_INTERVAL=0",
		"FEEDWIRE_POSTS_DIR="+s.Root, "FEEDWIRE_FEEDLIMIT=5")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })

	records := make(chan map[string]any, 100)
	go func() {
		defer close(records)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				rec = map[string]any{"msg": "(not JSON)", "line": sc.Text()}
			}
			records <- rec
		}
	}()
	var all []map[string]any
	// await reads records until one has message msg, within a deadline.
	await := func(msg string) map[string]any {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case rec, ok := <-records:
				if !ok {
					t.Fatalf("feedwire ended before logging %q", msg)
				}
				all = append(all, rec)
				if rec["msg"] == msg {
					return rec
				}
			case <-deadline:
				t.Fatalf("no %q logged within 20s", msg)
			}
		}
	}
	listening := await("listening")
	if u, _ := listening["url"].(string); !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Errorf("listening url %q", u)
	}
	loaded := await("posts loaded")
	if d, _ := loaded["duration"].(string); d == "" {
		t.Errorf("duration %v is not a Go duration string", loaded["duration"])
	} else if _, err := time.ParseDuration(d); err != nil {
		t.Errorf("duration %q: %v", d, err)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	hup := await("posts unchanged")
	if hup["trigger"] != "sighup" || hup["level"] != "INFO" {
		t.Errorf("SIGHUP result logged as %v", hup)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	for rec := range records {
		all = append(all, rec)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("feedwire after SIGTERM: %v", err)
	}

	count := map[string]int{}
	for _, rec := range all {
		msg, _ := rec["msg"].(string)
		count[msg]++
		switch {
		case msg == "(not JSON)":
			t.Errorf("stderr line is not a JSON record: %s", rec["line"])
		case msg == "unknown setting ignored":
			if rec["name"] != "FEEDWIRE_FEEDLIMIT" || rec["closest"] != "FEEDWIRE_FEED_LIMIT" || rec["level"] != "WARN" {
				t.Errorf("unknown setting logged as %v", rec)
			}
		case msg == "settings":
			if rec["FEEDWIRE_POSTS_DIR"] != s.Root || rec["FEEDWIRE_MAX_POST_BYTES"] != "4MiB" {
				t.Errorf("settings logged as %v", rec)
			}
		case strings.HasPrefix(msg, "no FEEDWIRE_SITE_URL and no url in _config.yml"):
			count["local url"]++
			if rec["level"] != "WARN" || !strings.Contains(msg, "every link points at http://127.0.0.1:0/") {
				t.Errorf("local URL warning: %v", rec)
			}
		}
		for k, v := range rec {
			if _, isNumber := v.(float64); isNumber && (k == "duration" || k == "timeout" || k == "retry_in") {
				t.Errorf("%s logged as a number in %v", k, rec)
			}
		}
	}
	for _, msg := range []string{"unknown setting ignored", "settings", "local url", "listening", "posts loaded", "shutting down"} {
		if count[msg] != 1 {
			t.Errorf("%q logged %d times, want once", msg, count[msg])
		}
	}
}
