package main

import (
	"net/http"
	"testing"
	"time"
)

func TestEvaluate(t *testing.T) {
	const tag = `"v1"`
	mod := time.Date(2026, 10, 28, 6, 50, 0, 0, time.UTC)
	at := func(d time.Duration) string { return mod.Add(d).Format(http.TimeFormat) }
	tests := []struct {
		name   string
		header map[string][]string
		want   precondition
	}{
		{"none", nil, proceed},
		{"INM exact", map[string][]string{"If-None-Match": {tag}}, notModified},
		{"INM weak form", map[string][]string{"If-None-Match": {`W/"v1"`}}, notModified},
		{"INM list", map[string][]string{"If-None-Match": {`"a", "v1"`}}, notModified},
		{"INM list without spaces", map[string][]string{"If-None-Match": {`"a","v1"`}}, notModified},
		{"INM two header lines", map[string][]string{"If-None-Match": {`"a"`, `"v1"`}}, notModified},
		{"INM star", map[string][]string{"If-None-Match": {"*"}}, notModified},
		{"INM other", map[string][]string{"If-None-Match": {`"v2"`}}, proceed},
		{"INM unquoted", map[string][]string{"If-None-Match": {`v1`}}, proceed},
		{"INM prefix only", map[string][]string{"If-None-Match": {`"v`}}, proceed},
		{"INM substring is no match", map[string][]string{"If-None-Match": {`"xv1"`}}, proceed},
		{"INM malformed after match", map[string][]string{"If-None-Match": {`"v1", garbage`}}, notModified},
		{"INM malformed before match", map[string][]string{"If-None-Match": {`garbage, "v1"`}}, proceed},
		{"INM control char", map[string][]string{"If-None-Match": {"\"v\x011\""}}, proceed},
		{"INM beats IMS", map[string][]string{"If-None-Match": {`"v2"`}, "If-Modified-Since": {at(time.Hour)}}, proceed},
		{"IMS equal", map[string][]string{"If-Modified-Since": {at(0)}}, notModified},
		{"IMS later", map[string][]string{"If-Modified-Since": {at(time.Hour)}}, notModified},
		{"IMS earlier", map[string][]string{"If-Modified-Since": {at(-time.Second)}}, proceed},
		{"IMS malformed", map[string][]string{"If-Modified-Since": {"yesterday"}}, proceed},
		{"IM match", map[string][]string{"If-Match": {tag}}, proceed},
		{"IM star", map[string][]string{"If-Match": {"*"}}, proceed},
		{"IM weak never matches", map[string][]string{"If-Match": {`W/"v1"`}}, failed},
		{"IM other", map[string][]string{"If-Match": {`"v2"`}}, failed},
		{"IUS later", map[string][]string{"If-Unmodified-Since": {at(time.Hour)}}, proceed},
		{"IUS earlier", map[string][]string{"If-Unmodified-Since": {at(-time.Hour)}}, failed},
		{"IM match then INM match", map[string][]string{"If-Match": {tag}, "If-None-Match": {tag}}, notModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := evaluate(http.Header(tt.header), tag, mod); got != tt.want {
				t.Errorf("evaluate = %d, want %d", got, tt.want)
			}
		})
	}
	if got := evaluate(http.Header{"If-Modified-Since": {at(0)}}, tag, time.Time{}); got != proceed {
		t.Error("a document without a modification time matched If-Modified-Since")
	}
}

func FuzzMatchETags(f *testing.F) {
	for _, s := range []string{`"v1"`, `W/"v1", "v2"`, "*", `"a","b"`, `garbage`, `"unterminated`, "W/", `""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		weak := matchAny([]string{header}, `"v1"`, true)
		strong := matchAny([]string{header}, `"v1"`, false)
		if strong && !weak {
			t.Fatalf("%q matches strongly but not weakly", header)
		}
	})
}
