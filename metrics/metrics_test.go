package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

func newTest(t *testing.T) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	return New(reg, "v1.2.3-test"), reg
}

// sample returns the value of the one series of family name whose labels
// include want; for a histogram, its sample count. It fails the test if
// there is no such series.
func sample(t *testing.T, reg prometheus.Gatherer, name string, want map[string]string) float64 {
	t.Helper()
	return value(series(t, reg, name, want))
}

// series returns the one series of family name whose labels include want.
func series(t *testing.T, reg prometheus.Gatherer, name string, want map[string]string) *dto.Metric {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, fam := range fams {
		if fam.GetName() != name {
			continue
		}
	series:
		for _, m := range fam.GetMetric() {
			got := map[string]string{}
			for _, lp := range m.GetLabel() {
				got[lp.GetName()] = lp.GetValue()
			}
			for k, v := range want {
				if got[k] != v {
					continue series
				}
			}
			return m
		}
	}
	t.Fatalf("no series %s%v", name, want)
	return nil
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Histogram != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return 0
}

func TestEventsMoveTheirMetric(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		event  func(m *Metrics)
		metric string
		labels map[string]string
		want   float64
	}{
		{"memory hit", func(m *Metrics) { m.CacheRequest(TierMemory, ResultHit) },
			"feedwire_cache_requests_total", map[string]string{"tier": "memory", "result": "hit"}, 1},
		{"redis error", func(m *Metrics) { m.CacheRequest(TierRedis, ResultError) },
			"feedwire_cache_requests_total", map[string]string{"tier": "redis", "result": "error"}, 1},
		{"unknown tier and result", func(m *Metrics) { m.CacheRequest("/tags/x/feed.xml", "weird") },
			"feedwire_cache_requests_total", map[string]string{"tier": Other, "result": Other}, 1},
		{"cache bytes", func(m *Metrics) { m.SetCacheBytes(TierMemory, 4096) },
			"feedwire_cache_bytes", map[string]string{"tier": "memory"}, 4096},
		{"render count", func(m *Metrics) { m.ObserveRender("atom", 3*time.Millisecond) },
			"feedwire_renders_total", map[string]string{"format": "atom"}, 1},
		{"render duration", func(m *Metrics) { m.ObserveRender("json", 3*time.Millisecond) },
			"feedwire_render_duration_seconds", map[string]string{"format": "json"}, 1},
		{"render unknown format", func(m *Metrics) { m.ObserveRender("株洲日报新闻", time.Millisecond) },
			"feedwire_renders_total", map[string]string{"format": Other}, 1},
		{"redis up", func(m *Metrics) { m.SetRedisUp(true) }, "feedwire_redis_up", nil, 1},
		{"redis down", func(m *Metrics) { m.SetRedisUp(true); m.SetRedisUp(false) }, "feedwire_redis_up", nil, 0},
		{"posts", func(m *Metrics) { snapshot(m, at) }, "feedwire_posts", nil, 120},
		{"post problems", func(m *Metrics) { snapshot(m, at) }, "feedwire_post_problems", nil, 3},
		{"category feeds", func(m *Metrics) { snapshot(m, at) },
			"feedwire_feeds", map[string]string{"kind": "category"}, 7},
		{"tag feeds", func(m *Metrics) { snapshot(m, at) },
			"feedwire_feeds", map[string]string{"kind": "tag"}, 0},
		{"unknown kind", func(m *Metrics) { snapshot(m, at) },
			"feedwire_feeds", map[string]string{"kind": Other}, 5},
		{"load duration", func(m *Metrics) { snapshot(m, at) },
			"feedwire_snapshot_load_duration_seconds", nil, 1.5},
		{"loaded at", func(m *Metrics) { snapshot(m, at) },
			"feedwire_snapshot_loaded_timestamp_seconds", nil, float64(at.Unix())},
		{"reload ok", func(m *Metrics) { m.ObserveReload(ResultOK, time.Second) },
			"feedwire_reloads_total", map[string]string{"result": "ok"}, 1},
		{"reload duration", func(m *Metrics) { m.ObserveReload(ResultError, time.Second) },
			"feedwire_reload_duration_seconds", nil, 1},
		{"websub ping", func(m *Metrics) { m.WebSubPing(ResultError) },
			"feedwire_websub_pings_total", map[string]string{"result": "error"}, 1},
		{"websub queue", func(m *Metrics) { m.SetWebSubQueueLength(9) },
			"feedwire_websub_queue_length", nil, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, reg := newTest(t)
			tt.event(m)
			if got := sample(t, reg, tt.metric, tt.labels); got != tt.want {
				t.Errorf("%s%v = %v, want %v", tt.metric, tt.labels, got, tt.want)
			}
		})
	}
}

func snapshot(m *Metrics, at time.Time) {
	m.SnapshotLoaded(120, 3, map[string]int{"site": 1, "category": 7, "mystery": 5}, 1500*time.Millisecond, at)
}

func TestSnapshotLoadedResetsMissingKinds(t *testing.T) {
	m, _ := newTest(t)
	m.SnapshotLoaded(1, 0, map[string]int{"tag": 4}, 0, time.Unix(0, 0))
	m.SnapshotLoaded(1, 0, map[string]int{"site": 1}, 0, time.Unix(0, 0))
	if got := testutil.ToFloat64(m.feeds.WithLabelValues("tag")); got != 0 {
		t.Errorf("tag feeds after a load without tags = %v, want 0", got)
	}
}

func TestFixedSeriesExistAtZero(t *testing.T) {
	m, _ := newTest(t)
	tests := []struct {
		name string
		c    prometheus.Collector
		want int
	}{
		{"cache requests tier x result", m.cacheRequests, 8},
		{"cache bytes of the memory tier only", m.cacheBytes, 1},
		{"feeds per kind", m.feeds, 3},
		{"reload results", m.reloads, 3},
		{"websub results", m.websubPings, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := testutil.CollectAndCount(tt.c); got != tt.want {
				t.Errorf("series = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestHandlerExposesEveryMetric(t *testing.T) {
	m, _ := newTest(t)
	// Histograms and vectors appear once they have a child.
	m.ObserveRender("rss", time.Millisecond)
	m.ObserveReload(ResultOK, time.Millisecond)
	h := m.Route("GET /feed.xml", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/feed.xml", nil))

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	for _, name := range []string{
		"feedwire_http_requests_total", "feedwire_http_request_duration_seconds",
		"feedwire_http_requests_in_flight", "feedwire_http_response_size_bytes",
		"feedwire_cache_requests_total", "feedwire_cache_bytes", "feedwire_renders_total",
		"feedwire_render_duration_seconds", "feedwire_redis_up", "feedwire_posts",
		"feedwire_feeds", "feedwire_post_problems", "feedwire_snapshot_load_duration_seconds",
		"feedwire_snapshot_loaded_timestamp_seconds", "feedwire_reloads_total",
		"feedwire_reload_duration_seconds", "feedwire_websub_pings_total",
		"feedwire_websub_queue_length", `feedwire_build_info{goversion="go`,
		`version="v1.2.3-test"`, "go_goroutines", "go_build_info", "process_start_time_seconds",
	} {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(string(body), name) {
				t.Errorf("/metrics lacks %s", name)
			}
		})
	}
}

func TestNewWithNilRegistry(t *testing.T) {
	m := New(nil, "dev")
	m.CacheRequest(TierMemory, ResultMiss)
	if got := testutil.ToFloat64(m.cacheRequests.WithLabelValues(TierMemory, ResultMiss)); got != 1 {
		t.Errorf("miss count = %v, want 1", got)
	}
}
