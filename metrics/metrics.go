// Package metrics defines feedwire's Prometheus metrics on a registry it is
// handed, never the global one, and exposes them through typed methods and
// HTTP middleware. Every label value is drawn from a fixed set or from a
// ServeMux pattern: no category, tag, URL or user agent ever becomes one.
//
// Package metrics imports no other feedwire package.
package metrics

import (
	"net/http"
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Label values accepted by the typed methods. Any other value passed for a
// label is recorded as Other, which keeps every label bounded.
const (
	TierMemory = "memory" // in-process cache tier
	TierRedis  = "redis"  // shared Redis cache tier

	ResultHit       = "hit"       // cache lookup found the key
	ResultMiss      = "miss"      // cache lookup did not find the key
	ResultError     = "error"     // cache lookup, reload or ping failed
	ResultOK        = "ok"        // reload or ping succeeded
	ResultUnchanged = "unchanged" // reload found nothing new
	ResultDropped   = "dropped"   // ping dropped from a full queue
	ResultSkip      = "skip"      // Redis skipped while its circuit breaker is open

	Other = "other" // any value outside a label's fixed set

	// RouteUnmatched is the route label of requests no pattern matched.
	RouteUnmatched = "unmatched"
)

// Metrics holds every feedwire metric, registered on one registry.
// Its methods are safe for concurrent use.
type Metrics struct {
	gatherer prometheus.Gatherer
	http     httpMetrics

	cacheRequests  *prometheus.CounterVec
	cacheCounters  map[cacheKey]prometheus.Counter // its series, made once; read only after New
	cacheBytes     *prometheus.GaugeVec
	renders        *prometheus.CounterVec
	renderDuration *prometheus.HistogramVec
	redisUp        prometheus.Gauge

	posts              prometheus.Gauge
	feeds              *prometheus.GaugeVec
	postProblems       prometheus.Gauge
	snapshotLoad       prometheus.Gauge
	snapshotLoadedTime prometheus.Gauge

	reloads        *prometheus.CounterVec
	reloadDuration prometheus.Histogram
	websubPings    *prometheus.CounterVec
	websubQueue    prometheus.Gauge
}

// durationBuckets spans a cached hit (sub-millisecond) to a slow render.
func durationBuckets() []float64 {
	return []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
}

// New registers feedwire's metrics, with build info and the Go and process
// collectors, on reg and returns them. version is the binary's version and
// becomes the version label of feedwire_build_info. A nil reg means a new
// empty registry. New panics if reg already holds any of these metrics, so
// call it once per registry.
func New(reg *prometheus.Registry, version string) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	f := promauto.With(reg)
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
	)
	f.NewGaugeVec(prometheus.GaugeOpts{
		Name: "feedwire_build_info",
		Help: "Always 1; labels give the feedwire version and the Go version it was built with.",
	}, []string{"version", "goversion"}).WithLabelValues(version, runtime.Version()).Set(1)

	m := &Metrics{
		gatherer: reg,
		http:     newHTTPMetrics(f),
		cacheRequests: f.NewCounterVec(prometheus.CounterOpts{
			Name: "feedwire_cache_requests_total",
			Help: "Cache lookups by tier (memory, redis) and result: hit, miss, error (a failed Redis command of any kind), skip (Redis not asked while its circuit breaker is open).",
		}, []string{"tier", "result"}),
		cacheBytes: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: "feedwire_cache_bytes",
			Help: "Bytes held by the in-process cache tier (tier memory; Redis memory is the Redis server's own metric).",
		}, []string{"tier"}),
		renders: f.NewCounterVec(prometheus.CounterOpts{
			Name: "feedwire_renders_total",
			Help: "Documents rendered, by format (rss, atom, json, opml, html).",
		}, []string{"format"}),
		renderDuration: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "feedwire_render_duration_seconds",
			Help:    "Time to render one document, by format (rss, atom, json, opml, html).",
			Buckets: durationBuckets(),
		}, []string{"format"}),
		redisUp: f.NewGauge(prometheus.GaugeOpts{
			Name: "feedwire_redis_up",
			Help: "1 while Redis commands succeed (one has succeeded and the circuit breaker is closed); 0 before the first success, while the breaker is open (commands failing), or when Redis is not configured.",
		}),
		posts: f.NewGauge(prometheus.GaugeOpts{
			Name: "feedwire_posts",
			Help: "Posts in the snapshot being served.",
		}),
		feeds: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: "feedwire_feeds",
			Help: "Feeds in the snapshot being served, by kind (site, category, tag, other).",
		}, []string{"kind"}),
		postProblems: f.NewGauge(prometheus.GaugeOpts{
			Name: "feedwire_post_problems",
			Help: "Files skipped or reported by the last snapshot load.",
		}),
		snapshotLoad: f.NewGauge(prometheus.GaugeOpts{
			Name: "feedwire_snapshot_load_duration_seconds",
			Help: "Time the last snapshot load took.",
		}),
		snapshotLoadedTime: f.NewGauge(prometheus.GaugeOpts{
			Name: "feedwire_snapshot_loaded_timestamp_seconds",
			Help: "Unix time at which the snapshot being served was loaded.",
		}),
		reloads: f.NewCounterVec(prometheus.CounterOpts{
			Name: "feedwire_reloads_total",
			Help: "Snapshot reloads by result: ok (a new snapshot served), unchanged (nothing new), error (the previous snapshot kept).",
		}, []string{"result"}),
		reloadDuration: f.NewHistogram(prometheus.HistogramOpts{
			Name:    "feedwire_reload_duration_seconds",
			Help:    "Time one snapshot reload took.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}),
		websubPings: f.NewCounterVec(prometheus.CounterOpts{
			Name: "feedwire_websub_pings_total",
			Help: "WebSub hub notifications by result: ok (sent), error (failed), dropped (a feed URL dropped from the full queue).",
		}, []string{"result"}),
		websubQueue: f.NewGauge(prometheus.GaugeOpts{
			Name: "feedwire_websub_queue_length",
			Help: "WebSub hub notifications waiting to be sent.",
		}),
	}
	m.initSeries()
	return m
}

// initSeries creates the series of every fixed label combination at zero, so
// rate() and absent() work from the first scrape.
func (m *Metrics) initSeries() {
	m.cacheBytes.WithLabelValues(TierMemory)
	for _, tier := range []string{TierMemory, TierRedis} {
		for _, result := range []string{ResultHit, ResultMiss, ResultError, ResultSkip} {
			if m.cacheCounters == nil {
				m.cacheCounters = map[cacheKey]prometheus.Counter{}
			}
			m.cacheCounters[cacheKey{tier, result}] = m.cacheRequests.WithLabelValues(tier, result)
		}
	}
	for _, kind := range feedKinds() {
		m.feeds.WithLabelValues(kind)
	}
	for _, result := range []string{ResultOK, ResultUnchanged, ResultError} {
		m.reloads.WithLabelValues(result)
	}
	for _, result := range []string{ResultOK, ResultError, ResultDropped} {
		m.websubPings.WithLabelValues(result)
	}
}

// Handler serves the registry's metrics in the Prometheus exposition
// format, for /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{})
}

// oneOf returns v if it is one of allowed, else Other.
func oneOf(v string, allowed ...string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return Other
}
