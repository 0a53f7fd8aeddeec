package deploy

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/yaml"

	"github.com/feedwire/feedwire/metrics"
)

// alertRules returns the PrometheusRule of the prod overlay.
func alertRules(t *testing.T) *PrometheusRule {
	t.Helper()
	o := build(t, "overlays/prod")
	if len(o.prometheusRules) != 1 {
		t.Fatalf("prod has %d PrometheusRules, want 1", len(o.prometheusRules))
	}
	return o.prometheusRules[0]
}

// registry returns every feedwire metric family the service exposes, by
// name, with the label values its fixed series have.
func registry(t *testing.T) map[string]map[string][]string {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := metrics.New(reg, "test")
	metrics.NewSubscribers(reg, []string{"feedly"})
	// Request metrics appear with the first request.
	h := m.Unmatched(m.Route("GET /feed.xml", http.NotFoundHandler()))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/feed.xml", nil))
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string][]string{}
	for _, mf := range families {
		labels := map[string][]string{}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = append(labels[lp.GetName()], lp.GetValue())
			}
		}
		out[mf.GetName()] = labels
	}
	return out
}

var (
	metricName = regexp.MustCompile(`\bfeedwire_[a-z_]+`)
	// selector is a metric name with its label matchers.
	selector = regexp.MustCompile(`(feedwire_[a-z_]+)\{([^}]*)\}`)
	matcher  = regexp.MustCompile(`([a-z_]+)\s*=\s*"([^"]*)"`)
)

// TestAlertRulesNameRealMetrics checks that the alerts the issue of
// running feedwire needs are there, and that every metric an alert reads,
// and every label value it matches exactly, is one the service exposes:
// a renamed metric would otherwise leave an alert that never fires.
func TestAlertRulesNameRealMetrics(t *testing.T) {
	pr := alertRules(t)
	if pr.Labels["release"] == "" {
		t.Error("PrometheusRule has no release label: kube-prometheus-stack's default ruleSelector ignores it")
	}
	reg := registry(t)
	var alerts []string
	for _, g := range pr.Spec.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			t.Run(r.Alert, func(t *testing.T) {
				if r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
					t.Errorf("want a severity label, a summary and a description: %v %v", r.Labels, r.Annotations)
				}
				names := metricName.FindAllString(r.Expr, -1)
				if len(names) == 0 {
					t.Fatalf("expression names no feedwire metric: %s", r.Expr)
				}
				for _, n := range names {
					base := n
					for _, suffix := range []string{"_bucket", "_sum", "_count"} {
						if _, ok := reg[base]; !ok {
							base = strings.TrimSuffix(base, suffix)
						}
					}
					if _, ok := reg[base]; !ok {
						t.Errorf("%s is no metric of the service", n)
					}
				}
				for _, sel := range selector.FindAllStringSubmatch(r.Expr, -1) {
					for _, m := range matcher.FindAllStringSubmatch(sel[2], -1) {
						if m[1] == "namespace" || m[1] == "pod" {
							continue // added by the scrape
						}
						if vals, ok := reg[sel[1]][m[1]]; !ok || !slices.Contains(vals, m[2]) {
							t.Errorf("%s{%s=%q}: the service has no such series (label values %v)", sel[1], m[1], m[2], vals)
						}
					}
				}
			})
		}
	}
	for _, want := range []string{"FeedwireNotReady", "FeedwireReloadErrors", "FeedwireRedisDown", "FeedwireHighErrorRate", "FeedwirePostProblemsRising"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("no alert %s among %v", want, alerts)
		}
	}
}

// TestAlertRulesWithPromtool runs the alert rules, as Prometheus would load
// them, through `promtool check rules` and the unit tests of
// testdata/alerts.test.yaml. It needs promtool (Debian: apt-get install
// prometheus); without it the test is skipped, and fails when CI is set.
func TestAlertRulesWithPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		msg := "promtool not found in PATH (install it: apt-get install prometheus)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	rules, err := yaml.Marshal(alertRules(t).Spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), rules, 0o600); err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile("testdata/alerts.test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "alerts.test.yaml"), tests, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "alerts.test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
