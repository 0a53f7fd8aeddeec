package redistest

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterTimeout bounds how long a new cluster may take to agree.
const clusterTimeout = 20 * time.Second

// StartCluster runs n redis-server masters (n >= 3, as redis-cli requires)
// with cluster mode on, joins them with `redis-cli --cluster create`, waits
// until every node reports cluster_state:ok, and returns their addresses.
// The servers stop when the test ends.
func StartCluster(t testing.TB, n int) []string {
	t.Helper()
	if n < 3 {
		t.Fatalf("redistest: a cluster needs at least 3 masters, not %d", n)
	}
	cli := lookPath(t, "redis-cli")
	addrs := make([]string, n)
	for i := range addrs {
		s := startServer(t, true, nil, []string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "5000",
		})
		addrs[i] = s.Addr()
	}
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, a := range addrs {
		waitClusterOK(ctx, t, a)
	}
	return addrs
}

// waitClusterOK polls CLUSTER INFO on addr until cluster_state:ok.
func waitClusterOK(ctx context.Context, t testing.TB, addr string) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	var last string
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return
		}
		if err != nil {
			last = err.Error()
		} else {
			last = info
		}
		select {
		case <-ctx.Done():
			t.Fatalf("redistest: %s: cluster not ok within %v: %s", addr, clusterTimeout, last)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
