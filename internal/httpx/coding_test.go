package httpx

import (
	"net/http"
	"testing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		header string
		want   Coding
	}{
		{"", Identity},
		{"gzip", Gzip},
		{"br", Brotli},
		{"gzip, deflate, br", Brotli},
		{"gzip, deflate, br, zstd", Brotli},
		{"GZIP", Gzip},
		{"x-gzip", Gzip},
		{"deflate", Identity},
		{"gzip;q=0", Identity},
		{"gzip;q=0.5, br;q=0.4", Gzip},
		{"br;q=0.9, gzip", Gzip},
		{"gzip;q=0.5, identity;q=1", Identity},
		{"gzip;q=0.5, identity;q=0.5", Gzip},
		{"*", Brotli},
		{"*;q=0", Identity},
		{"*;q=0.2, gzip;q=0", Brotli},
		{"identity;q=0", Identity},
		{"gzip;q=abc", Identity},
		{"gzip;q=2", Identity},
		{"gzip;q=-1", Identity},
		{";;;,,,", Identity},
		{"gzip ; q=0.8 , br ; q = 0.7", Gzip},
		{"br;level=5", Brotli},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := Negotiate(http.Header{"Accept-Encoding": {tt.header}}); got != tt.want {
				t.Errorf("Negotiate(%q) = %s, want %s", tt.header, got, tt.want)
			}
		})
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "gzip", "gzip;q=0.5, br;q=0.7", "*;q=0", "identity;q=0, *;q=0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if c := Negotiate(http.Header{"Accept-Encoding": {header}}); c >= NumCodings {
			t.Fatalf("Negotiate(%q) = %d, out of range", header, c)
		}
	})
}
