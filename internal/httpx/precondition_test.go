package httpx

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
		want   Precondition
	}{
		{"none", nil, Proceed},
		{"INM exact", map[string][]string{"If-None-Match": {tag}}, NotModified},
		{"INM weak form", map[string][]string{"If-None-Match": {`W/"v1"`}}, NotModified},
		{"INM list", map[string][]string{"If-None-Match": {`"a", "v1"`}}, NotModified},
		{"INM list without spaces", map[string][]string{"If-None-Match": {`"a","v1"`}}, NotModified},
		{"INM two header lines", map[string][]string{"If-None-Match": {`"a"`, `"v1"`}}, NotModified},
		{"INM star", map[string][]string{"If-None-Match": {"*"}}, NotModified},
		{"INM other", map[string][]string{"If-None-Match": {`"v2"`}}, Proceed},
		{"INM unquoted", map[string][]string{"If-None-Match": {`v1`}}, Proceed},
		{"INM prefix only", map[string][]string{"If-None-Match": {`"v`}}, Proceed},
		{"INM substring is no match", map[string][]string{"If-None-Match": {`"xv1"`}}, Proceed},
		{"INM malformed after match", map[string][]string{"If-None-Match": {`"v1", garbage`}}, NotModified},
		{"INM malformed before match", map[string][]string{"If-None-Match": {`garbage, "v1"`}}, Proceed},
		{"INM control char", map[string][]string{"If-None-Match": {"\"v\x011\""}}, Proceed},
		{"INM beats IMS", map[string][]string{"If-None-Match": {`"v2"`}, "If-Modified-Since": {at(time.Hour)}}, Proceed},
		{"IMS equal", map[string][]string{"If-Modified-Since": {at(0)}}, NotModified},
		{"IMS later", map[string][]string{"If-Modified-Since": {at(time.Hour)}}, NotModified},
		{"IMS earlier", map[string][]string{"If-Modified-Since": {at(-time.Second)}}, Proceed},
		{"IMS malformed", map[string][]string{"If-Modified-Since": {"yesterday"}}, Proceed},
		{"IM match", map[string][]string{"If-Match": {tag}}, Proceed},
		{"IM star", map[string][]string{"If-Match": {"*"}}, Proceed},
		{"IM weak never matches", map[string][]string{"If-Match": {`W/"v1"`}}, Failed},
		{"IM other", map[string][]string{"If-Match": {`"v2"`}}, Failed},
		{"IUS later", map[string][]string{"If-Unmodified-Since": {at(time.Hour)}}, Proceed},
		{"IUS earlier", map[string][]string{"If-Unmodified-Since": {at(-time.Hour)}}, Failed},
		{"IM match then INM match", map[string][]string{"If-Match": {tag}, "If-None-Match": {tag}}, NotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Evaluate(http.Header(tt.header), tag, mod); got != tt.want {
				t.Errorf("Evaluate = %d, want %d", got, tt.want)
			}
		})
	}
	if got := Evaluate(http.Header{"If-Modified-Since": {at(0)}}, tag, time.Time{}); got != Proceed {
		t.Error("a document without a modification time matched If-Modified-Since")
	}
}

// FuzzEvaluate holds Evaluate to the RFC 9110 order whatever the fields:
// an If-Match that fails is 412 whatever follows; If-Modified-Since counts
// only without If-None-Match; an If-None-Match naming the tag is a 304.
func FuzzEvaluate(f *testing.F) {
	mod := time.Date(2026, 10, 28, 6, 50, 0, 0, time.UTC)
	f.Add(`"v1"`, "", "", "")
	f.Add(`W/"v1", "v2"`, `"v1"`, "", mod.Format(http.TimeFormat))
	f.Add("*", "*", mod.Format(http.TimeFormat), "")
	f.Add(`garbage`, `"x`, "yesterday", "Wed, 28 Oct 2026 06:50:00 GMT")
	f.Fuzz(func(t *testing.T, inm, im, ius, ims string) {
		h := http.Header{}
		for k, v := range map[string]string{"If-None-Match": inm, "If-Match": im, "If-Unmodified-Since": ius, "If-Modified-Since": ims} {
			if v != "" {
				h[k] = []string{v}
			}
		}
		got := Evaluate(h, `"v1"`, mod)
		switch {
		case im != "" && !MatchETag([]string{im}, `"v1"`, false):
			if got != Failed {
				t.Fatalf("If-Match %q fails, Evaluate = %d", im, got)
			}
		case got == Failed:
			if im != "" || ius == "" {
				t.Fatalf("412 with If-Match %q and If-Unmodified-Since %q", im, ius)
			}
		case inm != "":
			if want := MatchETag([]string{inm}, `"v1"`, true); (got == NotModified) != want {
				t.Fatalf("If-None-Match %q: Evaluate = %d, match = %v", inm, got, want)
			}
		case got == NotModified && ims == "":
			t.Fatal("304 with no If-None-Match and no If-Modified-Since")
		}
	})
}
