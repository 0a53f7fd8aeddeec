package feed

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAbsoluteURL(t *testing.T) {
	tests := []struct{ site, ref, want string }{
		{"https://example.org", "/img/a.png", "https://example.org/img/a.png"},
		{"https://example.org/blog", "img/a.png", "https://example.org/blog/img/a.png"},
		{"https://example.org", "//cdn.example.com/a.png", "https://cdn.example.com/a.png"},
		{"https://example.org", "http://other.example/a.png", "http://other.example/a.png"},
		{"https://example.org", "/图片/封面.png", "https://example.org/%E5%9B%BE%E7%89%87/%E5%B0%81%E9%9D%A2.png"},
		{"https://example.org", "", ""},
		{"https://example.org", "http://[::1", ""},
		{"", "/a.png", "/a.png"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			if got := absoluteURL(tt.site, tt.ref); got != tt.want {
				t.Errorf("absoluteURL(%q, %q) = %q, want %q", tt.site, tt.ref, got, tt.want)
			}
		})
	}
}

func TestFirstSentence(t *testing.T) {
	long := strings.Repeat("长", 80)
	tests := []struct{ name, body, want string }{
		{"html paragraph", "<p style=\"x\">第一句。第二句。</p>", "第一句。"},
		{"markdown quote and link", "> 据[新华社](http://x/)报道，今天晴！明天雨。", "据新华社报道，今天晴！"},
		{"english", "Hello *world*. Next one.", "Hello world."},
		{"autolink only", "<http://example.com/a>\n", ""},
		{"image skipped", "![图](a.png) 正文", "正文"},
		{"entities", "<p>A &amp; B</p>", "A & B"},
		{"heading", "# 标题\n\n正文", "标题 正文"},
		{"empty", "", ""},
		{"too long", long, strings.Repeat("长", 59) + "…"},
		{"unclosed tag", "文字<p", "文字<p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := firstSentence([]byte(tt.body))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if utf8.RuneCountInString(got) > titleRunes {
				t.Errorf("%d runes, more than %d", utf8.RuneCountInString(got), titleRunes)
			}
		})
	}
}
