//go:build unix

package main

import (
	"syscall"
	"testing"

	"github.com/feedwire/feedwire/internal/sitetest"
)

func TestSIGHUPReloads(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0"})
	before := scrape(t, ts.URL, "feedwire_reloads_total", "result=unchanged")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitMetric(t, ts, before+1, "feedwire_reloads_total", "result=unchanged")
}
