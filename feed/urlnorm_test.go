package feed

import "testing"

func TestNormalizeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/2020/01/02/a.html", "https://example.org/2020/01/02/a.html"},
		{"HTTPS://Example.ORG/A/B", "https://example.org/A/B"},
		{"https://example.invalid/2009/03/12/hash-#1", "https://example.invalid/2009/03/12/hash-#1"},
		{"https://example.invalid/2014/03/22/escape-+ %20[]", "https://example.invalid/2014/03/22/escape-+%20%20%5B%5D"},
		{"https://example.invalid/%2e%2e/%2e%2e/baddie.html", "https://example.invalid/baddie.html"},
		{"https://example.invalid/%7euser/%c3%a9", "https://example.invalid/~user/%C3%A9"},
		{"https://example.invalid/a/./b/../c/", "https://example.invalid/a/c/"},
		{"https://example.invalid/新闻/x.html", "https://example.invalid/%E6%96%B0%E9%97%BB/x.html"},
		{"https://example.invalid/a.b/..c/.d", "https://example.invalid/a.b/..c/.d"},
		{"https://example.invalid/q?a b#f g", "https://example.invalid/q?a%20b#f%20g"},
		{"/rel/ative path", "/rel/ative%20path"},
		{".", "."},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := normalizeURL(tt.in)
			if got != tt.want {
				t.Errorf("normalizeURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := normalizeURL(got); again != got {
				t.Errorf("not idempotent: %q, then %q", got, again)
			}
		})
	}
}

func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{"https://example.org/a/../b", "/%2e%2e/x#y?z", "https://h/ a%zz%4", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := normalizeURL(s)
		for i := 0; i < len(got); i++ {
			if got[i] <= ' ' || got[i] > '~' {
				t.Fatalf("normalizeURL(%q) = %q, not ASCII", s, got)
			}
		}
		if normalized(s) && got != s {
			t.Fatalf("normalized(%q) but normalizeURL changed it to %q", s, got)
		}
	})
}
