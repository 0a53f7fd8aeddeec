package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAccessLog(t *testing.T) {
	tests := []struct {
		name     string
		coding   string // Content-Encoding the handler sets
		agent    string
		wantCode string
	}{
		{"gzip", "gzip", "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers)", "gzip"},
		{"identity", "", "curl/8.5.0", "identity"},
		{"no agent", "br", "", "br"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			log := slog.New(slog.NewJSONHandler(&out, nil))
			h := accessLog(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.coding != "" {
					w.Header().Set("Content-Encoding", tt.coding)
				}
				w.WriteHeader(http.StatusTeapot)
				w.Write([]byte("body"))
			}))
			req := httptest.NewRequest("GET", "/feed.xml", nil)
			req.Header.Set("User-Agent", tt.agent)
			h.ServeHTTP(httptest.NewRecorder(), req)
			var line struct {
				Status    int    `json:"status"`
				Bytes     int    `json:"bytes"`
				Encoding  string `json:"encoding"`
				UserAgent string `json:"user_agent"`
			}
			if err := json.Unmarshal([]byte(out.String()), &line); err != nil {
				t.Fatalf("log line %q: %v", out.String(), err)
			}
			if line.Status != http.StatusTeapot || line.Bytes != 4 || line.Encoding != tt.wantCode || line.UserAgent != tt.agent {
				t.Errorf("logged %+v; want status 418, 4 bytes, encoding %s, agent %q", line, tt.wantCode, tt.agent)
			}
		})
	}
}
