package httpx

import (
	"slices"
	"testing"
)

func TestParseQValue(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1000, true}, {"1.", 1000, true}, {"1.000", 1000, true}, {"0", 0, true},
		{"0.5", 500, true}, {"0.25", 250, true}, {"0.001", 1, true}, {"0.", 0, true},
		{"1.001", 0, false}, {"2", 0, false}, {"-1", 0, false}, {"+0.5", 0, false},
		{"0.0001", 0, false}, {"abc", 0, false}, {"", 0, false}, {"1e-1", 0, false},
		{"NaN", 0, false}, {".5", 0, false}, {"0.5 ", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseQValue(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseQValue(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestQList(t *testing.T) {
	tests := []struct {
		values []string
		want   []QElement
	}{
		{nil, nil},
		{[]string{"gzip"}, []QElement{{"gzip", 1000}}},
		{[]string{"GZIP;q=0.5, br ; Q = 0.7"}, []QElement{{"gzip", 500}, {"br", 700}}},
		{[]string{"gzip;q=abc, br"}, []QElement{{"br", 1000}}},
		{[]string{"gzip", "br;q=0"}, []QElement{{"gzip", 1000}, {"br", 0}}},
		{[]string{";;;,,,"}, nil},
		{[]string{"br;level=5"}, []QElement{{"br", 1000}}},
	}
	for _, tt := range tests {
		if got := QList(tt.values); !slices.Equal(got, tt.want) {
			t.Errorf("QList(%q) = %v, want %v", tt.values, got, tt.want)
		}
	}
}

func TestAccepts(t *testing.T) {
	tests := []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{"feed"}, true},
		{[]string{"FEED"}, true},
		{[]string{"vcdiff, feed"}, true},
		{[]string{"vcdiff", "feed;q=0.2"}, true},
		{[]string{"feed;q=0"}, false},
		{[]string{"feed; q=0.0"}, false},
		{[]string{"feeds, gzip"}, false},
		{[]string{"feed;q=abc"}, false}, // malformed: left out, as in Accept-Encoding
	}
	for _, tt := range tests {
		if got := Accepts(tt.values, "feed"); got != tt.want {
			t.Errorf("Accepts(%q, feed) = %v, want %v", tt.values, got, tt.want)
		}
	}
}

func FuzzQList(f *testing.F) {
	for _, s := range []string{"", "gzip", "gzip;q=0.5, br;q=0.7", "*;q=0", "identity;q=0, *;q=0", "feed;q=1.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		for _, e := range QList([]string{header}) {
			if e.Q < 0 || e.Q > 1000 || e.Token == "" {
				t.Fatalf("QList(%q) gave %+v", header, e)
			}
		}
	})
}
