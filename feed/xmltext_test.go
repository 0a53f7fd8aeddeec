package feed

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii", "hello <world> & co", "hello <world> & co"},
		{"chinese", "株洲日报新闻", "株洲日报新闻"},
		{"allowed controls", "a\tb\nc\rd", "a\tb\nc\rd"},
		{"forbidden controls", "a\x00b\x01c\x08d\x0be\x0cf\x0eg\x1fh", "abcdefgh"},
		{"noncharacters", "x\uFFFEy\uFFFFz", "xyz"},
		{"replacement kept", "a\uFFFDb", "a\uFFFDb"},
		{"invalid utf-8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"surrogate bytes", "a\xed\xa0\x80b", "a\uFFFD\uFFFD\uFFFDb"},
		{"astral", "😀", "😀"},
		{"del kept", "a\x7fb", "a\x7fb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cleanText(tt.in)
			if got != tt.want {
				t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("cleanText(%q) = %q is not UTF-8", tt.in, got)
			}
			for _, r := range got {
				if !xmlAllowed(r) {
					t.Errorf("cleanText(%q) kept %U", tt.in, r)
				}
			}
		})
	}
}

func TestCleanTextNoAlloc(t *testing.T) {
	s := "经济是肌体，金融是血脉。<p>plain</p>\n"
	if n := testing.AllocsPerRun(10, func() { _ = cleanText(s) }); n != 0 {
		t.Errorf("cleanText of clean text allocates %v times", n)
	}
}

// cleanTextSimple is cleanText written plainly, rune by rune: the reference
// for the fast one.
func cleanTextSimple(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case xmlAllowed(r):
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// FuzzCleanText checks that cleanText gives what cleanTextSimple gives.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "plain ascii text, long enough", "a\x00b\x1fc", "x\uFFFEy\uFFFF", "\xed\xa0\x80",
		"\xe4\xb8", "株洲日报\t新闻\r\n", "\xef\xbf\xbd\xef\xbf\xbe", benchBody(0), "0123456\x01", "01234567\xe1\x80\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanText(s), cleanTextSimple(s); got != want {
			t.Fatalf("cleanText(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkCleanText(b *testing.B) {
	s := benchBody(0)
	b.SetBytes(int64(len(s)))
	for range b.N {
		_ = cleanText(s)
	}
}
