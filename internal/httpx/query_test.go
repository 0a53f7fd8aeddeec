package httpx

import (
	"errors"
	"strconv"
	"testing"
)

func TestWholeNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true}, {"20", 20, true}, {"007", 7, true}, {"999999999", 999999999, true},
		{"", 0, false}, {"+2", 0, false}, {"-1", 0, false}, {"1e9", 0, false}, {" 2", 0, false},
		{"2 ", 0, false}, {"1234567890", 0, false}, {"0x10", 0, false}, {"١", 0, false},
	}
	for _, tt := range tests {
		got, ok := WholeNumber(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("WholeNumber(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestQueryNumber(t *testing.T) {
	tests := []struct {
		query   string
		n       int
		present bool
		err     error
	}{
		{"", 0, false, nil},
		{"utm_source=x", 0, false, nil},
		{"limit=5", 5, true, nil},
		{"limit=%2B2", 0, true, ErrNotNumber},
		{"limit=+2", 0, true, ErrNotNumber}, // "+" is a space in a query
		{"limit=1&limit=2", 0, true, ErrNotNumber},
		{"limit=", 0, true, ErrNotNumber},
		{"limit=%zz", 0, false, ErrQuery},
	}
	for _, tt := range tests {
		n, present, err := QueryNumber(tt.query, "limit")
		if n != tt.n || present != tt.present || !errors.Is(err, tt.err) {
			t.Errorf("QueryNumber(%q) = %d, %v, %v; want %d, %v, %v", tt.query, n, present, err, tt.n, tt.present, tt.err)
		}
	}
}

func FuzzWholeNumber(f *testing.F) {
	for _, s := range []string{"1", "+2", "-3", "1e9", "007", "999999999", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := WholeNumber(s)
		if !ok {
			return
		}
		// Whatever it accepts, strconv reads the same, and it prints back
		// without a sign.
		m, err := strconv.Atoi(s)
		if err != nil || m != n || n < 0 || s[0] == '+' {
			t.Fatalf("WholeNumber(%q) = %d; strconv says %d, %v", s, n, m, err)
		}
	})
}
