package server

import (
	"slices"
	"testing"
)

func TestRequestValidators(t *testing.T) {
	tests := []struct {
		values []string
		want   []string
	}{
		{[]string{`"abc"`}, []string{"abc"}},
		{[]string{`W/"abc-gzip", "def-br"`}, []string{"abc", "def"}},
		{[]string{`"a", *`}, []string{"a", "*"}},
		{[]string{`"a", nope, "b"`}, []string{"a"}},
		{[]string{`"a`}, nil},
		{[]string{`"a"`, `"b"`}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		if got := requestValidators(tt.values); !slices.Equal(got, tt.want) {
			t.Errorf("requestValidators(%q) = %q, want %q", tt.values, got, tt.want)
		}
	}
}
