package config

import (
	"math"
	"strconv"
	"testing"
)

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
		ok   bool
	}{
		{"4194304", 4194304, true},
		{"0", 0, true},
		{"64MiB", 64 << 20, true},
		{"64mib", 64 << 20, true},
		{"64Mi", 64 << 20, true},
		{"512KB", 512000, true},
		{"512kB", 512000, true},
		{"512K", 512000, true},
		{"512KiB", 512 << 10, true},
		{"1GB", 1e9, true},
		{"2GiB", 2 << 30, true},
		{"3TiB", 3 << 40, true},
		{"10B", 10, true},
		{" 64 MiB ", 64 << 20, true},
		{"8EiB", 0, false},   // no exbi unit
		{"1.5MiB", 0, false}, // whole numbers only
		{"-1", 0, false},
		{"", 0, false},
		{"MiB", 0, false},
		{"64 parsecs", 0, false},
		{"9223372036854775807", math.MaxInt64, true},
		{"9223372036854775808", 0, false},
		{"8388608TiB", 0, false}, // 2^63 bytes
		{"8388607TiB", 8388607 << 40, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseByteSize(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseByteSize(%q) = %d, %v; want ok %v", tt.in, got, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("ParseByteSize(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestByteSizeString(t *testing.T) {
	tests := []struct {
		in   ByteSize
		want string
	}{
		{0, "0"}, {1, "1"}, {1500, "1500"}, {512000, "500KiB"}, {3000, "3KB"},
		{4 << 20, "4MiB"}, {64 << 20, "64MiB"}, {1e9, "1GB"}, {1 << 40, "1TiB"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzParseByteSize checks that any input parses to a size that String
// writes back as the same size, or is refused, without panicking.
func FuzzParseByteSize(f *testing.F) {
	for _, s := range []string{"4194304", "64MiB", "512KB", "1 gb", "8388607TiB", "-1", "", "9" + strconv.Itoa(math.MaxInt32)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseByteSize(s)
		if err != nil {
			return
		}
		if b < 0 {
			t.Fatalf("ParseByteSize(%q) = %d, negative", s, b)
		}
		back, err := ParseByteSize(b.String())
		if err != nil || back != b {
			t.Fatalf("ParseByteSize(%q) = %d; its String %q reads back as %d, %v", s, b, b.String(), back, err)
		}
	})
}
