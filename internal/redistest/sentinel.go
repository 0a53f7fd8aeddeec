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
func StartSentinel(t testing.TB, master *Server, name string) *Server {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "sentinel.conf") // Sentinel rewrites it
	body := fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d 1\n", name, master.port)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatalf("redistest: write %s: %v", conf, err)
	}
	return startServer(t, false, []string{conf, "--sentinel"}, nil)
}
