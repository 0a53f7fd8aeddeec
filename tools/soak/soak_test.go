package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestSoakShort runs every scenario at the -short scale against freshly
// built binaries and a real redis-server, and asserts the correctness
// targets (statuses, parses, ETag agreement, render counts, bounded
// caches); latency figures are only logged.
func TestSoakShort(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "redis-server not installed (apt-get install redis-server): soak scenarios need a real one"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found: the soak test builds the feedwire binary")
	}
	bin := t.TempDir()
	// Paths relative to this package's directory (tools/soak): the real
	// server stays in cmd/feedwire, the corpus generator sits next door.
	for name, pkg := range map[string]string{"feedwire": "../../cmd/feedwire", "gencorpus": "../gencorpus"} {
		cmd := exec.Command(gobin, "build", "-o", filepath.Join(bin, name), pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", pkg, err, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := config{
		bin:       filepath.Join(bin, "feedwire"),
		gencorpus: filepath.Join(bin, "gencorpus"),
		corpora:   t.TempDir(),
		scale:     short,
		short:     true,
		log:       testWriter{t},
	}
	for _, name := range scenarioNames {
		t.Run(name, func(t *testing.T) {
			c := c
			c.work = t.TempDir()
			reports, err := run(ctx, c, []string{name})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range reports {
				t.Log("\n" + markdown([]*report{r}))
				for _, x := range r.rows {
					if x.check && !x.met {
						t.Errorf("%s: %s: want %s, got %s", r.title, x.what, x.target, x.figure)
					}
				}
			}
		})
	}
}

// testWriter sends progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

func TestMetricsSum(t *testing.T) {
	m := metrics{
		`feedwire_cache_requests_total{result="hit",tier="redis"}`:       3,
		`feedwire_cache_requests_total{result="miss",tier="redis"}`:      2,
		`feedwire_cache_requests_total{result="hit",tier="memory"}`:      7,
		`feedwire_cache_requests_total_other{result="hit",tier="redis"}`: 100,
	}
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"all", nil, 12},
		{"redis", []string{`tier="redis"`}, 5},
		{"redis hits", []string{`tier="redis"`, `result="hit"`}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.sum("feedwire_cache_requests_total", tt.labels...); got != tt.want {
				t.Errorf("sum = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWellFormed(t *testing.T) {
	tests := []struct {
		path, body string
		ok         bool
	}{
		{"/feed.xml", `<rss><channel/></rss>`, true},
		{"/feed.xml", `<rss><channel></rss>`, false},
		{"/feed.xml", ``, false},
		{"/feed.json?limit=2", `{"version":"https://jsonfeed.org/version/1.1","items":[]}`, true},
		{"/feed.json", `{"items":[]}`, false},
		{"/feed.json", `{"version":`, false},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.body, func(t *testing.T) {
			if err := wellFormed(tt.path, []byte(tt.body)); (err == nil) != tt.ok {
				t.Errorf("wellFormed = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
