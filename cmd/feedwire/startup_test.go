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
	cmd, records := startMain(t, "FEEDWIRE_ADDR=127.0.0.1:0", "FEEDWIRE_RELOAD_INTERVAL=0",
		"FEEDWIRE_POSTS_DIR="+s.Root, "FEEDWIRE_FEEDLIMIT=5")
	var all []map[string]any
	await := func(msg string) map[string]any {
		t.Helper()
		rec := awaitRecord(t, records, msg, &all)
		if rec == nil {
			t.Fatalf("feedwire ended before logging %q", msg)
		}
		return rec
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

// startMain runs main in a process of its own with stderr not a terminal,
// the FEEDWIRE_ variables and GOGC of env and no others, and returns the
// process and its log records as they come; the process is killed when
// the test ends.
func startMain(t *testing.T, env ...string) (*exec.Cmd, <-chan map[string]any) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, config.Prefix+"_") && !strings.HasPrefix(kv, "GOGC=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(append(cmd.Env, "GO_FEEDWIRE_RUN_MAIN=1"), env...)
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
	return cmd, records
}

// awaitRecord reads records, appending each to all, until one has message
// msg, which it returns; nil if the records end first. It fails the test
// after 20 s.
func awaitRecord(t *testing.T, records <-chan map[string]any, msg string, all *[]map[string]any) map[string]any {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case rec, ok := <-records:
			if !ok {
				return nil
			}
			*all = append(*all, rec)
			if rec["msg"] == msg {
				return rec
			}
		case <-deadline:
			t.Fatalf("no %q logged within 20s", msg)
		}
	}
}

// TestGCPacing runs feedwire as a process: without GOGC it paces the
// garbage collector before it listens, with a GOGC above 100 for its few
// megabytes of live heap; with GOGC set it leaves the collector alone.
func TestGCPacing(t *testing.T) {
	for _, gogc := range []string{"", "250"} {
		t.Run("GOGC="+gogc, func(t *testing.T) {
			env := []string{"FEEDWIRE_ADDR=127.0.0.1:0", "FEEDWIRE_LOG_LEVEL=debug", "FEEDWIRE_RELOAD_INTERVAL=0"}
			if gogc != "" {
				env = append(env, "GOGC="+gogc)
			}
			cmd, records := startMain(t, env...)
			var all []map[string]any
			if awaitRecord(t, records, "listening", &all) == nil {
				t.Fatal("feedwire ended before listening")
			}
			cmd.Process.Signal(syscall.SIGTERM)
			for rec := range records {
				all = append(all, rec)
			}
			cmd.Wait()
			var paced []float64
			for _, rec := range all {
				if rec["msg"] == "garbage collector paced" {
					v, _ := rec["gogc"].(float64)
					paced = append(paced, v)
				}
			}
			switch {
			case gogc != "" && len(paced) > 0:
				t.Errorf("GOGC=%s set, yet the collector was paced: %v", gogc, paced)
			case gogc == "" && (len(paced) == 0 || paced[0] <= 100):
				t.Errorf("GOGC unset: paced %v before listening, want a first value above 100", paced)
			}
		})
	}
}
