package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

const (
	catPattern = "GET /categories/{category}/feed.xml"
	catRoute   = "/categories/{category}/feed.xml" // the route label of catPattern
	catPath    = "/categories/zhuzhouribao/feed.xml"
)

// newMux registers a category feed route and a route writing status code
// teapot, both wrapped by Route, and returns the mux wrapped by Unmatched.
func newMux(m *Metrics, body string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(catPattern, m.Route(catPattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(body))
	})))
	mux.Handle("/teapot", m.Route("/teapot", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})))
	mux.Handle("GET /bare", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	return m.Unmatched(mux)
}

func TestRequestsCounted(t *testing.T) {
	tests := []struct {
		name, method, path string
		route, mlabel      string
		code               string
	}{
		{"matched GET", "GET", catPath, catRoute, "GET", "200"},
		{"HEAD on GET pattern", "HEAD", catPath, catRoute, "HEAD", "200"},
		{"not found", "GET", "/nope/secret", RouteUnmatched, "GET", "404"},
		{"wrong method", "POST", catPath, RouteUnmatched, "POST", "405"},
		{"unusual method", "BREW", "/teapot", "/teapot", "OTHER", "418"},
		{"PUT is OTHER", "PUT", "/teapot", "/teapot", "OTHER", "418"},
		{"pattern not wrapped by Route", "GET", "/bare", "/bare", "GET", "200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, reg := newTest(t)
			h := newMux(m, "<rss/>")
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, tt.path, nil))
			labels := map[string]string{"route": tt.route, "method": tt.mlabel, "code": tt.code}
			if got := sample(t, reg, "feedwire_http_requests_total", labels); got != 1 {
				t.Errorf("requests%v = %v, want 1", labels, got)
			}
			if got := testutil.CollectAndCount(m.http.requests); got != 1 {
				t.Errorf("request series = %d, want 1 (counted once)", got)
			}
			if got := sample(t, reg, "feedwire_http_request_duration_seconds", map[string]string{"route": tt.route}); got != 1 {
				t.Errorf("duration observations = %v, want 1", got)
			}
			if got := testutil.ToFloat64(m.http.inFlight); got != 0 {
				t.Errorf("in flight after request = %v, want 0", got)
			}
		})
	}
}

// logWriter wraps a ResponseWriter as an access log would, with Unwrap.
type logWriter struct {
	http.ResponseWriter
	code int
}

func (w *logWriter) WriteHeader(code int)        { w.code = code; w.ResponseWriter.WriteHeader(code) }
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
func logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&logWriter{ResponseWriter: w}, r)
	})
}

func TestWrappedWriterBetweenCountsOnce(t *testing.T) {
	m, reg := newTest(t)
	mux := http.NewServeMux()
	var during float64
	mux.Handle(catPattern, m.Route(catPattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		during = testutil.ToFloat64(m.http.inFlight)
		w.WriteHeader(http.StatusNotModified)
	})))
	m.Unmatched(logged(mux)).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, catPath, nil))
	if during != 1 {
		t.Errorf("in flight during request = %v, want 1", during)
	}
	if got := testutil.CollectAndCount(m.http.requests); got != 1 {
		t.Errorf("request series = %d, want 1", got)
	}
	labels := map[string]string{"route": catRoute, "method": "GET", "code": "304"}
	if got := sample(t, reg, "feedwire_http_requests_total", labels); got != 1 {
		t.Errorf("requests%v = %v, want 1", labels, got)
	}
}

func TestRouteAlone(t *testing.T) {
	m, reg := newTest(t)
	h := m.Route(catPattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	for range 3 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, catPath, nil))
	}
	labels := map[string]string{"route": catRoute, "method": "GET", "code": "304"}
	if got := sample(t, reg, "feedwire_http_requests_total", labels); got != 3 {
		t.Errorf("requests%v = %v, want 3", labels, got)
	}
}

func TestNoRawPathInLabels(t *testing.T) {
	m, reg := newTest(t)
	h := newMux(m, "x")
	for _, p := range []string{catPath, "/tags/%E6%A0%AA%E6%B4%B2/feed.xml", "/nope/secret?x=1"} {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.Header.Set("User-Agent", "SecretAgent/1.0")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range fams {
		for _, s := range fam.GetMetric() {
			for _, lp := range s.GetLabel() {
				v := lp.GetValue()
				for _, bad := range []string{"zhuzhouribao", "%E6", "株", "secret", "SecretAgent"} {
					if strings.Contains(v, bad) {
						t.Errorf("%s has label %s=%q", fam.GetName(), lp.GetName(), v)
					}
				}
			}
		}
	}
}

func TestResponseSize(t *testing.T) {
	m, reg := newTest(t)
	body := strings.Repeat("a", 1000)
	newMux(m, body).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, catPath, nil))
	s := series(t, reg, "feedwire_http_response_size_bytes", map[string]string{"route": catRoute})
	if got := s.GetHistogram().GetSampleSum(); got != 1000 {
		t.Errorf("size sum = %v, want 1000", got)
	}
}

func TestInFlight(t *testing.T) {
	tests := []struct {
		name string
		wrap func(m *Metrics, h http.Handler) http.Handler
	}{
		{"route alone", func(m *Metrics, h http.Handler) http.Handler { return m.Route("GET /x", h) }},
		{"route inside unmatched", func(m *Metrics, h http.Handler) http.Handler {
			return m.Unmatched(m.Route("GET /x", h))
		}},
		{"unmatched alone", func(m *Metrics, h http.Handler) http.Handler { return m.Unmatched(h) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTest(t)
			var during float64
			h := tt.wrap(m, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				during = testutil.ToFloat64(m.http.inFlight)
			}))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
			if during != 1 {
				t.Errorf("in flight during request = %v, want 1", during)
			}
			if got := testutil.ToFloat64(m.http.inFlight); got != 0 {
				t.Errorf("in flight after = %v, want 0", got)
			}
		})
	}
}

func TestPanicCountsAs500(t *testing.T) {
	m, reg := newTest(t)
	h := m.Route("GET /x", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic did not propagate")
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
	}()
	if got := testutil.ToFloat64(m.http.inFlight); got != 0 {
		t.Errorf("in flight after panic = %v, want 0", got)
	}
	labels := map[string]string{"route": "/x", "code": "500"}
	if got := sample(t, reg, "feedwire_http_requests_total", labels); got != 1 {
		t.Errorf("requests%v = %v, want 1", labels, got)
	}
}

// deadlineWriter is a ResponseWriter that supports write deadlines, as a
// net/http connection does, and records flushes.
type deadlineWriter struct {
	*httptest.ResponseRecorder
	deadline time.Time
}

func (w *deadlineWriter) SetWriteDeadline(t time.Time) error {
	w.deadline = t
	return nil
}

func TestWriterKeepsFlushAndUnwrap(t *testing.T) {
	m, reg := newTest(t)
	dl := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var isFlusher bool
	var deadlineErr error
	h := m.Unmatched(m.Route("GET /x", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var f http.Flusher
		f, isFlusher = w.(http.Flusher)
		if isFlusher {
			f.Flush()
		}
		deadlineErr = http.NewResponseController(w).SetWriteDeadline(dl)
	})))
	under := &deadlineWriter{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(under, httptest.NewRequest(http.MethodGet, "/x", nil))
	if !isFlusher || !under.Flushed {
		t.Errorf("flusher = %v, flushed = %v; want both true", isFlusher, under.Flushed)
	}
	if deadlineErr != nil || !under.deadline.Equal(dl) {
		t.Errorf("SetWriteDeadline: err %v, deadline %v; want it to reach the connection", deadlineErr, under.deadline)
	}
	labels := map[string]string{"route": "/x", "code": "200"}
	if got := sample(t, reg, "feedwire_http_requests_total", labels); got != 1 {
		t.Errorf("requests%v = %v, want 1", labels, got)
	}
}

func TestRecorderStatus(t *testing.T) {
	tests := []struct {
		name  string
		write func(w http.ResponseWriter)
		want  int
	}{
		{"nothing written", func(w http.ResponseWriter) {}, 200},
		{"body only", func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) }, 200},
		{"explicit", func(w http.ResponseWriter) { w.WriteHeader(404) }, 404},
		{"first wins", func(w http.ResponseWriter) { w.WriteHeader(503); w.WriteHeader(200) }, 503},
		{"informational skipped", func(w http.ResponseWriter) { w.WriteHeader(103); w.WriteHeader(304) }, 304},
		{"write then header", func(w http.ResponseWriter) { _, _ = w.Write(nil); w.WriteHeader(500) }, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{ResponseWriter: httptest.NewRecorder()}
			tt.write(rec)
			if got := rec.status(); got != tt.want {
				t.Errorf("status = %d, want %d", got, tt.want)
			}
		})
	}
}
