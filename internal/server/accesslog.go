package server

import (
	"log/slog"
	"net/http"
	"time"
)

// accessLog logs one line per request: method, path, status, bytes, time,
// the content coding sent (identity when none) and the user agent.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.code),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr),
			slog.String("encoding", contentCoding(w.Header())),
			slog.String("user_agent", r.UserAgent()),
		)
	})
}

// contentCoding is the coding of a response body as its headers say.
func contentCoding(h http.Header) string {
	if c := h.Get("Content-Encoding"); c != "" {
		return c
	}
	return "identity"
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	code  int
	bytes int64
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap gives http.ResponseController and outer middleware the writer below.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
