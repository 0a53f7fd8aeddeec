package httpx

import (
	"slices"
	"strings"
	"testing"
)

func TestETagOpaques(t *testing.T) {
	tests := []struct {
		values []string
		want   []string
		star   bool
	}{
		{nil, nil, false},
		{[]string{`"abc"`}, []string{"abc"}, false},
		{[]string{`W/"abc-gzip", "def-br"`}, []string{"abc-gzip", "def-br"}, false},
		{[]string{`"a", *`}, []string{"a"}, true},
		{[]string{`"*"`}, []string{"*"}, false},
		{[]string{`"a", nope, "b"`}, []string{"a"}, false},
		{[]string{`"a`}, nil, false},
		{[]string{`"a"`, `"b"`}, []string{"a", "b"}, false},
		{[]string{`"a","b"`}, []string{"a", "b"}, false},
		{[]string{"\"a\x01b\""}, nil, false},
		{[]string{`""`}, []string{""}, false},
		{[]string{`W/`}, nil, false},
		{[]string{` , ,"x"`}, []string{"x"}, false},
	}
	for _, tt := range tests {
		if got, star := ETagOpaques(tt.values); !slices.Equal(got, tt.want) || star != tt.star {
			t.Errorf("ETagOpaques(%q) = %q, %v; want %q, %v", tt.values, got, star, tt.want, tt.star)
		}
	}
}

// FuzzETagList holds the two readers of entity-tag lists to one grammar:
// whatever MatchETag matches, ETagOpaques lists, and the reverse.
func FuzzETagList(f *testing.F) {
	for _, s := range []string{`"v1"`, `W/"v1", "v2"`, "*", `"a","b"`, `garbage`, `"unterminated`, "W/", `""`, "\"v\x011\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		values := []string{header}
		weak := MatchETag(values, `"v1"`, true)
		strong := MatchETag(values, `"v1"`, false)
		if strong && !weak {
			t.Fatalf("%q matches strongly but not weakly", header)
		}
		opaques, star := ETagOpaques(values)
		listed := slices.Contains(opaques, "v1") || star
		if weak != listed {
			t.Fatalf("%q: MatchETag weak = %v, but ETagOpaques = %q", header, weak, opaques)
		}
		for _, o := range opaques {
			if strings.ContainsAny(o, "\"\x00\x7f") {
				t.Fatalf("%q: opaque %q holds a character etagc excludes", header, o)
			}
		}
	})
}
