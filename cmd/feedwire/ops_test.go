package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/redistest"
)

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestStatsWhere(t *testing.T) {
	tests := []struct {
		stats            string
		onMain, onMetric int // status of GET /stats.json on each listener
	}{
		{"main", 200, 404},
		{"metrics", 404, 200},
		{"off", 404, 404},
	}
	for _, tt := range tests {
		t.Run(tt.stats, func(t *testing.T) {
			metricsAddr := freeAddr(t)
			ts := startServer(t, map[string]string{"STATS": tt.stats, "METRICS_ADDR": metricsAddr})
			if resp, _ := get(t, "GET", ts.URL+"/stats.json", nil); resp.StatusCode != tt.onMain {
				t.Errorf("main listener: %d, want %d", resp.StatusCode, tt.onMain)
			}
			if resp, _ := get(t, "GET", "http://"+metricsAddr+"/stats.json", nil); resp.StatusCode != tt.onMetric {
				t.Errorf("metrics listener: %d, want %d", resp.StatusCode, tt.onMetric)
			}
			if resp, _ := get(t, "GET", "http://"+metricsAddr+"/metrics", nil); resp.StatusCode != 200 {
				t.Errorf("metrics listener /metrics: %d", resp.StatusCode)
			}
		})
	}
}

func TestStatsSettingRejected(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"STATS": "metrics"}, `FEEDWIRE_STATS="metrics": FEEDWIRE_METRICS_ADDR is not set`},
		{map[string]string{"STATS": "sometimes"}, `FEEDWIRE_STATS="sometimes": want main, metrics or off`},
	}
	for _, tt := range tests {
		t.Run(tt.env["STATS"], func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv("FEEDWIRE_"+k, v)
			}
			_, err := config.FromEnv()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("settings: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestRedisCredentialsFromSettings runs the server against Redis servers
// that ask for a password, an ACL user and TLS, configured as an operator
// would, and checks what feedwire_redis_up says.
func TestRedisCredentialsFromSettings(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "password")
	if err := os.WriteFile(pw, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plain := redistest.StartWith(t, redistest.Options{Password: "adm1n", Users: map[string]string{"feeds": "s3cret"}})
	secure := redistest.StartWith(t, redistest.Options{Password: "s3cret", TLS: true})
	tests := []struct {
		name   string
		env    map[string]string
		wantUp float64
	}{
		{"no credentials: NOAUTH to every command", map[string]string{"REDIS_URL": plain.URL()}, 0},
		{"acl user and password file", map[string]string{"REDIS_URL": plain.URL(), "REDIS_USERNAME": "feeds", "REDIS_PASSWORD_FILE": pw}, 1},
		{"tls address, CA file, server name", map[string]string{
			"REDIS_ADDRS": secure.Addr(), "REDIS_PASSWORD_FILE": pw,
			"REDIS_CA_FILE": secure.CAFile(), "REDIS_TLS_SERVER_NAME": redistest.TLSServerName,
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["REDIS_TIMEOUT"] = "2s"
			ts := startServer(t, tt.env)
			paths := feedPaths(t, ts.URL)
			getAll(t, []*testServer{ts}, paths[:1], "") // fewer failures than open the breaker
			if tt.wantUp == 1 {
				waitMetric(t, ts, 1, "feedwire_redis_up")
				if errs := scrape(t, ts.URL, "feedwire_cache_requests_total", "tier=redis", "result=error"); errs != 0 {
					t.Errorf("%v Redis errors counted", errs)
				}
				return
			}
			// Every command fails: counted, and never up.
			waitMetric(t, ts, 1, "feedwire_cache_requests_total", "tier=redis", "result=error")
			if up := scrape(t, ts.URL, "feedwire_redis_up"); up != 0 {
				t.Errorf("feedwire_redis_up = %v while Redis answers NOAUTH to every command", up)
			}
		})
	}
}
