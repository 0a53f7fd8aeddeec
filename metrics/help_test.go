package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestRouteLabel(t *testing.T) {
	tests := []struct{ pattern, want string }{
		{"GET /categories/{name}/feed.xml", "/categories/{name}/feed.xml"},
		{"GET /{$}", "/{$}"},
		{"POST  /hub", "/hub"},
		{"/teapot", "/teapot"},
		{RouteUnmatched, RouteUnmatched},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			if got := routeLabel(tt.pattern); got != tt.want {
				t.Errorf("routeLabel(%q) = %q, want %q", tt.pattern, got, tt.want)
			}
		})
	}
}

func TestCacheBytesOfMemoryOnly(t *testing.T) {
	m, reg := newTest(t)
	m.SetCacheBytes(TierMemory, 42)
	m.SetCacheBytes(TierRedis, 7)
	m.SetCacheBytes("disk", 9)
	if got := sample(t, reg, "feedwire_cache_bytes", map[string]string{"tier": TierMemory}); got != 42 {
		t.Errorf("memory bytes = %v, want 42", got)
	}
	if n := testutil.CollectAndCount(m.cacheBytes); n != 1 {
		t.Errorf("feedwire_cache_bytes has %d series, want 1 (tier memory)", n)
	}
}

// TestHelpListsLabelValues: the HELP text of a metric names every value
// its bounded labels take.
func TestHelpListsLabelValues(t *testing.T) {
	m, reg := newTest(t)
	for _, f := range formats() {
		m.ObserveRender(f, time.Millisecond)
	}
	for _, r := range []string{ResultOK, ResultUnchanged, ResultError} {
		m.ObserveReload(r, time.Millisecond)
	}
	m.SnapshotLoaded(1, 0, map[string]int{"site": 1, "weird": 1}, time.Millisecond, time.Now())
	h := m.Unmatched(m.Route("GET /x", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	for _, method := range []string{"GET", "HEAD", "POST", "BREW"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, "/x", nil))
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, mf := range families {
		if !strings.HasPrefix(mf.GetName(), "feedwire_") || mf.GetName() == "feedwire_build_info" {
			continue
		}
		for _, metric := range mf.GetMetric() {
			for _, lp := range metric.GetLabel() {
				switch lp.GetName() {
				case "code", "route", "aggregator":
					continue // open sets, described rather than listed
				}
				checked++
				if !strings.Contains(mf.GetHelp(), lp.GetValue()) {
					t.Errorf("%s: HELP %q does not name %s=%q", mf.GetName(), mf.GetHelp(), lp.GetName(), lp.GetValue())
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("checked %d label values, want at least 20", checked)
	}
}
