package server

import (
	"slices"
	"testing"
)

func TestRequestValidators(t *testing.T) {
	tests := []struct {
		values []string
		want   []string
		star   bool
	}{
		{[]string{`"abc"`}, []string{"abc"}, false},
		{[]string{`W/"abc-gzip", "def-br"`}, []string{"abc", "def"}, false},
		{[]string{`"a", *`}, []string{"a"}, true},
		{[]string{`"a", nope, "b"`}, []string{"a"}, false},
		{[]string{`"a`}, nil, false},
		{[]string{`"a"`, `"b"`}, []string{"a", "b"}, false},
	}
	for _, tt := range tests {
		if got, star := requestValidators(tt.values); !slices.Equal(got, tt.want) || star != tt.star {
			t.Errorf("requestValidators(%q) = %q, %v; want %q, %v", tt.values, got, star, tt.want, tt.star)
		}
	}
}
