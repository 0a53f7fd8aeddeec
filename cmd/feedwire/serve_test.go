package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/clienttest"
	"github.com/feedwire/feedwire/internal/config"
)

// testServer is one feedwire process under test, run through serve on :0.
type testServer struct {
	URL    string
	stop   context.CancelFunc
	done   chan error
	loaded chan struct{}
}

// startServer runs serve with the given FEEDWIRE_ variables (suffixes, e.g.
// "REDIS_URL") on a free loopback port and waits until its first snapshot is
// loaded. It is stopped when the test ends.
func startServer(t testing.TB, env map[string]string) *testServer {
	t.Helper()
	cfg := testConfig(t, env)
	var logw io.Writer = io.Discard
	if os.Getenv("FEEDWIRE_TEST_LOG") != "" {
		logw = os.Stderr // the server's own log, for debugging a test
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{stop: cancel, done: make(chan error, 1), loaded: make(chan struct{}, 8)}
	addr := make(chan string, 1)
	go func() {
		ts.done <- serve(ctx, cfg, log, &hooks{
			listening: func(a string) { addr <- a },
			loaded:    func() { ts.loaded <- struct{}{} },
		})
	}()
	select {
	case a := <-addr:
		ts.URL = "http://" + a
	case err := <-ts.done:
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() { ts.shutdown(t) })
	select {
	case <-ts.loaded:
	case <-time.After(30 * time.Second):
		t.Fatal("first snapshot not loaded within 30s")
	}
	return ts
}

// testConfig is the configuration from the environment with env's
// variables (names without the FEEDWIRE_ prefix) set for the test, and a
// free loopback port to listen on.
func testConfig(t testing.TB, env map[string]string) config.Config {
	t.Helper()
	t.Setenv("FEEDWIRE_ADDR", "127.0.0.1:0")
	for k, v := range env {
		t.Setenv("FEEDWIRE_"+k, v)
	}
	cfg, err := config.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// shutdown stops the server and checks that it stopped cleanly.
func (ts *testServer) shutdown(t testing.TB) {
	t.Helper()
	if ts.stop == nil {
		return
	}
	ts.stop()
	ts.stop = nil
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("serve did not return within 20s of shutdown")
	}
}

// get sends a request with the given headers and returns the response with
// its body read.
var get = clienttest.Get
