package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/internal/redistest"
)

// feedPaths lists the URL path of every feed document of the example site
// at the default limit, by asking the running server's OPML... simpler and
// independent of it: the index page links every feed.
func feedPaths(t *testing.T, base string) []string {
	t.Helper()
	_, body := get(t, "GET", base+"/", nil)
	var paths []string
	for _, part := range strings.Split(string(body), `href="`)[1:] {
		p := part[:strings.IndexByte(part, '"')]
		if strings.HasPrefix(p, "/") && (strings.HasSuffix(p, ".xml") || strings.HasSuffix(p, ".json")) &&
			p != "/opml.xml" && !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	if len(paths) < 30 {
		t.Fatalf("index lists only %d feeds", len(paths))
	}
	return paths
}

// scrape reads the server's /metrics and sums each metric over the label
// sets that contain every given label pair (name="value").
func scrape(t *testing.T, base, name string, labels ...string) float64 {
	t.Helper()
	_, body := get(t, "GET", base+"/metrics", nil)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	mf, ok := families[name]
	if !ok {
		return 0
	}
	sum := 0.0
next:
	for _, m := range mf.GetMetric() {
		for _, want := range labels {
			k, v, _ := strings.Cut(want, "=")
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == k && lp.GetValue() == v {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		}
	}
	return sum
}

// getAll requests each path from every server at the same moment, a few
// paths at a time, and checks each answer is 200.
func getAll(t *testing.T, servers []*testServer, paths []string, query string) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4*len(servers))
	for _, p := range paths {
		for _, s := range servers {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				resp, err := http.Get(s.URL + p + query)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("GET %s%s: %d", p, query, resp.StatusCode)
				}
			})
		}
	}
	wg.Wait()
}

// renders sums the feed renders (RSS, Atom, JSON) of the servers.
func renders(t *testing.T, servers []*testServer) float64 {
	total := 0.0
	for _, s := range servers {
		for _, format := range []string{"rss", "atom", "json"} {
			total += scrape(t, s.URL, "feedwire_renders_total", "format="+format)
		}
	}
	return total
}

func TestSharedRedisRendersEachDocumentOnce(t *testing.T) {
	rs := redistest.Start(t)
	env := map[string]string{"REDIS_URL": rs.URL(), "REDIS_TIMEOUT": "2s"}
	servers := []*testServer{startServer(t, env), startServer(t, env)}
	paths := feedPaths(t, servers[0].URL)

	getAll(t, servers, paths, "")
	if got, want := renders(t, servers), float64(len(paths)); got != want {
		t.Fatalf("two servers rendered %v documents between them; want %v (one per document)", got, want)
	}
	// Again, with a new limit: new documents, still one render each.
	getAll(t, servers, paths, "?limit=7")
	if got, want := renders(t, servers), float64(2*len(paths)); got != want {
		t.Fatalf("after ?limit=7: %v renders, want %v", got, want)
	}
	// A third replica started later renders nothing: Redis has it all.
	third := startServer(t, env)
	getAll(t, []*testServer{third}, paths, "")
	if got := renders(t, []*testServer{third}); got != 0 {
		t.Fatalf("third replica rendered %v documents; want 0 (all in Redis)", got)
	}
	if hits := scrape(t, third.URL, "feedwire_cache_requests_total", "tier=redis", "result=hit"); hits < float64(len(paths)) {
		t.Fatalf("third replica: %v redis hits, want at least %d", hits, len(paths))
	}
}

func TestRedisDownStillServes(t *testing.T) {
	rs := redistest.Start(t)
	ts := startServer(t, map[string]string{"REDIS_URL": rs.URL()})
	paths := feedPaths(t, ts.URL)
	getAll(t, []*testServer{ts}, paths[:10], "")

	rs.Kill()
	for i, q := range []string{"?limit=3", "?limit=4", "?limit=5"} {
		getAll(t, []*testServer{ts}, paths, q)
		if i == 0 && scrape(t, ts.URL, "feedwire_cache_requests_total", "tier=redis", "result=error") == 0 {
			t.Fatal("Redis errors not counted while it is down")
		}
	}
	if up := scrape(t, ts.URL, "feedwire_redis_up"); up != 0 {
		t.Fatalf("feedwire_redis_up = %v while Redis is down", up)
	}

	rs.Restart()
	getAll(t, []*testServer{ts}, paths, "?limit=6")
}

func TestRedisCluster(t *testing.T) {
	addrs := redistest.StartCluster(t, 3)
	// A generous timeout: this test is about reaching a cluster, not about
	// slow Redis, and a loaded CI machine can take longer than 50ms to dial.
	env := map[string]string{"REDIS_ADDRS": strings.Join(addrs, ","), "REDIS_TIMEOUT": "2s"}
	a := startServer(t, env)
	paths := feedPaths(t, a.URL)
	getAll(t, []*testServer{a}, paths, "")

	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	defer client.Close()
	var mu sync.Mutex
	keys := 0
	err := client.ForEachMaster(context.Background(), func(ctx context.Context, c *redis.Client) error {
		n, err := c.DBSize(ctx).Result()
		mu.Lock()
		keys += int(n)
		mu.Unlock()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if keys < len(paths) {
		t.Fatalf("cluster holds %d keys after %d documents", keys, len(paths))
	}

	b := startServer(t, env)
	getAll(t, []*testServer{b}, paths, "")
	if got := renders(t, []*testServer{b}); got != 0 {
		t.Fatalf("second replica on the cluster rendered %v documents; want 0", got)
	}
}
