package redistest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// StartSentinel runs a Redis Sentinel (redis-server --sentinel) that
// monitors master under name with a quorum of 1, and stops it when the
// test ends. Clients reach the master through the Sentinel's Addr and name.
// A master's password is the Sentinel's too, both for logging in to the
// master and asked of the Sentinel's clients; it serves TLS (with the
// master's certificates) when the master does.
func StartSentinel(t testing.TB, master *Server, name string) *Server {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "sentinel.conf") // Sentinel rewrites it
	body := fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d 1\n", name, master.port)
	if master.password != "" {
		body += fmt.Sprintf("sentinel auth-pass %s %s\n", name, master.password)
	}
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatalf("redistest: write %s: %v", conf, err)
	}
	var args []string
	if master.tls != nil {
		args = []string{"--tls-replication", "yes"}
	}
	return startServer(t, false, []string{conf, "--sentinel"}, args,
		Options{Password: master.password, TLS: master.tls != nil, files: master.tls})
}
