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
	}{
		{nil, nil},
		{[]string{`"abc"`}, []string{"abc"}},
		{[]string{`W/"abc-gzip", "def-br"`}, []string{"abc-gzip", "def-br"}},
		{[]string{`"a", *`}, []string{"a", "*"}},
		{[]string{`"a", nope, "b"`}, []string{"a"}},
		{[]string{`"a`}, nil},
		{[]string{`"a"`, `"b"`}, []string{"a", "b"}},
		{[]string{`"a","b"`}, []string{"a", "b"}},
		{[]string{"\"a\x01b\""}, nil},
		{[]string{`""`}, []string{""}},
		{[]string{`W/`}, nil},
		{[]string{` , ,"x"`}, []string{"x"}},
	}
	for _, tt := range tests {
		if got := ETagOpaques(tt.values); !slices.Equal(got, tt.want) {
			t.Errorf("ETagOpaques(%q) = %q, want %q", tt.values, got, tt.want)
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
		opaques := ETagOpaques(values)
		listed := slices.Contains(opaques, "v1") || slices.Contains(opaques, "*")
		if weak != listed {
			t.Fatalf("%q: MatchETag weak = %v, but ETagOpaques = %q", header, weak, opaques)
		}
		for _, o := range opaques {
			if o != "*" && strings.ContainsAny(o, "\"\x00\x7f") {
				t.Fatalf("%q: opaque %q holds a character etagc excludes", header, o)
			}
		}
	})
}
