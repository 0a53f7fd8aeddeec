package metrics

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Method label values: every request method is normalised to one of these.
const (
	methodGET = iota
	methodHEAD
	methodPOST
	methodOther
	numMethods
)

// methodName returns the label value of a normalised method index.
func methodName(i int) string {
	return [numMethods]string{"GET", "HEAD", "POST", "OTHER"}[i]
}

func methodIndex(method string) int {
	switch method {
	case http.MethodGet:
		return methodGET
	case http.MethodHead:
		return methodHEAD
	case http.MethodPost:
		return methodPOST
	}
	return methodOther
}

// numCodes is the number of status codes with a cached counter per route.
const numCodes = 24

// codeIndex returns the slot of a common status code in a route's counter
// table, or -1 for a code that takes the slower labelled lookup.
func codeIndex(code int) int {
	switch code {
	case 200:
		return 0
	case 204:
		return 1
	case 206:
		return 2
	case 301:
		return 3
	case 302:
		return 4
	case 304:
		return 5
	case 307:
		return 6
	case 308:
		return 7
	case 400:
		return 8
	case 401:
		return 9
	case 403:
		return 10
	case 404:
		return 11
	case 405:
		return 12
	case 406:
		return 13
	case 408:
		return 14
	case 412:
		return 15
	case 413:
		return 16
	case 414:
		return 17
	case 416:
		return 18
	case 429:
		return 19
	case 500:
		return 20
	case 502:
		return 21
	case 503:
		return 22
	case 504:
		return 23
	}
	return -1
}

// httpMetrics are the request metrics shared by every route.
type httpMetrics struct {
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	size      *prometheus.HistogramVec
	inFlight  prometheus.Gauge
	unmatched *route
}

func newHTTPMetrics(f promauto.Factory) httpMetrics {
	h := httpMetrics{
		requests: f.NewCounterVec(prometheus.CounterOpts{
			Name: "feedwire_http_requests_total",
			Help: "HTTP requests by route (the path of a ServeMux pattern, or unmatched), method (GET, HEAD, POST, OTHER) and status code.",
		}, []string{"route", "method", "code"}),
		duration: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "feedwire_http_request_duration_seconds",
			Help:    "Time from receiving a request to its handler returning, by route (the path of a ServeMux pattern, or unmatched).",
			Buckets: durationBuckets(),
		}, []string{"route"}),
		size: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "feedwire_http_response_size_bytes",
			Help:    "Response body bytes written, by route (the path of a ServeMux pattern, or unmatched).",
			Buckets: prometheus.ExponentialBuckets(256, 4, 9),
		}, []string{"route"}),
		inFlight: f.NewGauge(prometheus.GaugeOpts{
			Name: "feedwire_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
	}
	h.unmatched = h.route(RouteUnmatched)
	return h
}

// route holds one route's metric children, curried once at registration.
type route struct {
	name     string
	requests *prometheus.CounterVec
	duration prometheus.Observer
	size     prometheus.Observer
	counters [numMethods][numCodes]atomic.Pointer[prometheus.Counter]
}

// route returns the children of the route label of pattern.
func (h *httpMetrics) route(pattern string) *route {
	name := routeLabel(pattern)
	return &route{
		name:     name,
		requests: h.requests,
		duration: h.duration.WithLabelValues(name),
		size:     h.size.WithLabelValues(name),
	}
}

// counter returns the request counter of method and code, creating and
// caching it on first use so that only codes actually seen become series.
func (rt *route) counter(method, code int) prometheus.Counter {
	ci := codeIndex(code)
	if ci < 0 {
		return rt.requests.WithLabelValues(rt.name, methodName(method), strconv.Itoa(code))
	}
	slot := &rt.counters[method][ci]
	if c := slot.Load(); c != nil {
		return *c
	}
	c := rt.requests.WithLabelValues(rt.name, methodName(method), strconv.Itoa(code))
	slot.Store(&c)
	return c
}

// observe records one finished request.
func (rt *route) observe(method string, rec *recorder, start time.Time) {
	rt.counter(methodIndex(method), rec.status()).Inc()
	rt.duration.Observe(time.Since(start).Seconds())
	rt.size.Observe(float64(rec.size))
}

// routeLabel returns the route label of a ServeMux pattern: its path
// ("/categories/{name}/feed.xml" for "GET /categories/{name}/feed.xml"),
// since the method label has the method.
func routeLabel(pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return strings.TrimLeft(path, " \t")
	}
	return pattern
}

// observe records one finished request of a route with no cached children.
func (h *httpMetrics) observe(pattern, method string, rec *recorder, start time.Time) {
	pattern = routeLabel(pattern)
	h.requests.WithLabelValues(pattern, methodName(methodIndex(method)), strconv.Itoa(rec.status())).Inc()
	h.duration.WithLabelValues(pattern).Observe(time.Since(start).Seconds())
	h.size.WithLabelValues(pattern).Observe(float64(rec.size))
}

// Route returns next instrumented under the route of pattern, which must
// be the ServeMux pattern next is registered with (such as
// "GET /categories/{category}/feed.xml"), never a request path. The route
// label is the pattern's path ("/categories/{category}/feed.xml"): the
// method label has the request's method. Call it once
// per route when building the mux:
//
//	mux.Handle(p, m.Route(p, h))
//
// Inside a handler from Unmatched, the request is recorded once, by
// Unmatched, under pattern. Alone, Route records the request itself.
func (m *Metrics) Route(pattern string, next http.Handler) http.Handler {
	rt := m.http.route(pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec := findRecorder(w); rec != nil && rec.route == nil {
			rec.route = rt
			next.ServeHTTP(w, r)
			return
		}
		m.serve(&recorder{ResponseWriter: w, route: rt}, r, next)
	})
}

// Unmatched returns next, normally the whole ServeMux, instrumented so that
// requests no pattern matched (404 and 405 from the mux) are recorded under
// the route "unmatched", and requests reaching a Route handler under its
// pattern:
//
//	srv.Handler = m.Unmatched(mux)
//
// A request matching a pattern whose handler is not wrapped by Route is
// recorded under that pattern, through slower labelled lookups.
//
// Middleware between Unmatched and Route that wraps the ResponseWriter must
// give access to the writer it wraps through an Unwrap method, as
// http.ResponseController expects; otherwise such requests count twice.
func (m *Metrics) Unmatched(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.serve(&recorder{ResponseWriter: w}, r, next)
	})
}

// serve runs next with rec, keeping the in-flight gauge, and records the
// request under rec's route when next returns or panics. A request whose
// handler panics before writing a status is recorded as a 500.
func (m *Metrics) serve(rec *recorder, r *http.Request, next http.Handler) {
	start := time.Now()
	m.http.inFlight.Inc()
	done := false
	defer func() {
		m.http.inFlight.Dec()
		if !done && !rec.wrote {
			rec.code, rec.wrote = http.StatusInternalServerError, true
		}
		switch {
		case rec.route != nil:
			rec.route.observe(r.Method, rec, start)
		case r.Pattern != "":
			// Matched a pattern whose handler is not wrapped by Route: the
			// slower labelled lookups, still under the pattern.
			m.http.observe(r.Pattern, r.Method, rec, start)
		default:
			m.http.unmatched.observe(r.Method, rec, start)
		}
	}()
	next.ServeHTTP(rec, r)
	done = true
}
