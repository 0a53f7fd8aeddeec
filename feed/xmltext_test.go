package feed

import (
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
