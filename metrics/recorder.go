package metrics

import (
	"net/http"
)

// recorder is the ResponseWriter the middleware hands to handlers: it
// remembers the status code and counts body bytes. Flush works as on the
// writer it wraps, and Unwrap lets http.ResponseController reach that writer
// for deadlines, hijacking and full-duplex.
type recorder struct {
	http.ResponseWriter
	route *route // nil until a Route handler claims the request
	code  int
	size  int64
	wrote bool // a final status has been sent
}

// WriteHeader records the first final (non-1xx) status code.
func (w *recorder) WriteHeader(code int) {
	if !w.wrote && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes written; a write before WriteHeader implies 200.
func (w *recorder) Write(b []byte) (int, error) {
	if !w.wrote {
		w.code, w.wrote = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += int64(n)
	return n, err
}

// Flush sends buffered data to the client if the wrapped writer can; a
// flush before WriteHeader implies 200, as it does in net/http.
func (w *recorder) Flush() {
	if !w.wrote {
		w.code, w.wrote = http.StatusOK, true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *recorder) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

// status returns the status code the client got: 200 if the handler wrote
// nothing, as net/http then sends.
func (w *recorder) status() int {
	if !w.wrote {
		return http.StatusOK
	}
	return w.code
}

// findRecorder returns the recorder w is or wraps, through any chain of
// Unwrap methods, or nil.
func findRecorder(w http.ResponseWriter) *recorder {
	for {
		switch t := w.(type) {
		case *recorder:
			return t
		case interface{ Unwrap() http.ResponseWriter }:
			w = t.Unwrap()
		default:
			return nil
		}
	}
}
