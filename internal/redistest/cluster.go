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
	servers := StartClusterWith(t, n, Options{})
	addrs := make([]string, len(servers))
	for i, s := range servers {
		addrs[i] = s.Addr()
	}
	return addrs
}

// StartClusterWith is StartCluster with the password, ACL users or TLS of
// o on every node (TLS on the cluster bus too, with one certificate
// authority for all), returning the servers.
func StartClusterWith(t testing.TB, n int, o Options) []*Server {
	t.Helper()
	if n < 3 {
		t.Fatalf("redistest: a cluster needs at least 3 masters, not %d", n)
	}
	cli := lookPath(t, "redis-cli")
	if o.TLS && o.files == nil {
		o.files = makeTLS(t)
	}
	nodeArgs := []string{
		"--cluster-enabled", "yes",
		"--cluster-config-file", "nodes.conf",
		"--cluster-node-timeout", "5000",
	}
	if o.TLS {
		nodeArgs = append(nodeArgs, "--tls-cluster", "yes")
	}
	servers := make([]*Server, n)
	args := []string{"--cluster", "create"}
	for i := range servers {
		servers[i] = startServer(t, true, nil, nodeArgs, o)
		args = append(args, servers[i].Addr())
	}
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if o.Password != "" {
		args = append(args, "--no-auth-warning", "-a", o.Password)
	}
	if o.TLS {
		args = append(args, "--tls", "--cacert", o.files.caFile, "--sni", TLSServerName)
	}
	out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, s := range servers {
		waitClusterOK(ctx, t, s)
	}
	return servers
}

// waitClusterOK polls CLUSTER INFO on s until cluster_state:ok.
func waitClusterOK(ctx context.Context, t testing.TB, s *Server) {
	t.Helper()
	opts := s.options()
	opts.MaxRetries = -1
	c := redis.NewClient(opts)
	addr := s.Addr()
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
