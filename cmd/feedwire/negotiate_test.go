package main

import "testing"

func TestNegotiate(t *testing.T) {
	tests := []struct {
		header string
		want   coding
	}{
		{"", identity},
		{"gzip", gzipCoding},
		{"br", brCoding},
		{"gzip, deflate, br", brCoding},
		{"gzip, deflate, br, zstd", brCoding},
		{"GZIP", gzipCoding},
		{"x-gzip", gzipCoding},
		{"deflate", identity},
		{"gzip;q=0", identity},
		{"gzip;q=0.5, br;q=0.4", gzipCoding},
		{"br;q=0.9, gzip", gzipCoding},
		{"gzip;q=0.5, identity;q=1", identity},
		{"gzip;q=0.5, identity;q=0.5", gzipCoding},
		{"*", brCoding},
		{"*;q=0", identity},
		{"*;q=0.2, gzip;q=0", brCoding},
		{"identity;q=0", identity},
		{"gzip;q=abc", identity},
		{"gzip;q=2", identity},
		{"gzip;q=-1", identity},
		{";;;,,,", identity},
		{"gzip ; q=0.8 , br ; q = 0.7", gzipCoding},
		{"br;level=5", brCoding},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := negotiate(tt.header); got != tt.want {
				t.Errorf("negotiate(%q) = %s, want %s", tt.header, got, tt.want)
			}
		})
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "gzip", "gzip;q=0.5, br;q=0.7", "*;q=0", "identity;q=0, *;q=0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if c := negotiate(header); c >= numCodings {
			t.Fatalf("negotiate(%q) = %d, out of range", header, c)
		}
	})
}
