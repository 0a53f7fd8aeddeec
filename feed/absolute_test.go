package feed

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	r := newResolver("https://finews.example.com/zhuzhouribao/2021/12/29/abc.html", "https://finews.example.com")
	tests := []struct{ name, in, want string }{
		{"parent dir", "../emnews/", "https://finews.example.com/zhuzhouribao/2021/12/emnews/"},
		{"parent root", "../", "https://finews.example.com/zhuzhouribao/2021/12/"},
		{"root relative", "/img/a.png", "https://finews.example.com/img/a.png"},
		{"same dir", "b.jpg", "https://finews.example.com/zhuzhouribao/2021/12/29/b.jpg"},
		{"protocol relative", "//host/x", "https://host/x"},
		{"protocol relative spaces", "  //host/x ", "https://host/x"},
		{"fragment", "#note", "https://finews.example.com/zhuzhouribao/2021/12/29/abc.html#note"},
		{"query", "?p=2", "https://finews.example.com/zhuzhouribao/2021/12/29/abc.html?p=2"},
		{"chinese path encoded", "/图片/一.png", "https://finews.example.com/%E5%9B%BE%E7%89%87/%E4%B8%80.png"},
		{"absolute kept", "http://quote.eastmoney.com/unify/r/1.600160", "http://quote.eastmoney.com/unify/r/1.600160"},
		{"mailto kept", "mailto:a@b.c", "mailto:a@b.c"},
		{"empty kept", "", ""},
		{"bad escape kept", "/a%zz", "/a%zz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := r.resolve(tt.in); got != tt.want {
				t.Errorf("resolve(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("protocol relative takes the site scheme", func(t *testing.T) {
		r := newResolver("https://cdn.example.com/p.html", "http://site.example.com")
		if got, _ := r.resolve("//host/x"); got != "http://host/x" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("bad permalink falls back to the site", func(t *testing.T) {
		r := newResolver("not a url", "https://site.example.com")
		if got, _ := r.resolve("/a"); got != "https://site.example.com/a" {
			t.Errorf("got %q", got)
		}
	})
}

func TestAbsolute(t *testing.T) {
	r := newResolver("https://s.example.com/c/2021/12/29/p.html", "https://s.example.com")
	tests := []struct{ name, in, want string }{
		{"no links untouched", "<p>经济是肌体</p>", "<p>经济是肌体</p>"},
		{"absolute untouched byte for byte", `<a  HREF='http://x.example/a' class=b>x</a>`, `<a  HREF='http://x.example/a' class=b>x</a>`},
		{"href", `<a href="../emnews/">要闻</a>`, `<a href="https://s.example.com/c/2021/12/emnews/">要闻</a>`},
		{"upper case attribute", `<A HREF="/x">x</A>`, `<A HREF="https://s.example.com/x">x</A>`},
		{"src self closing", `<img src="//cdn.example.com/a.png" alt="图"/>`, `<img src="https://cdn.example.com/a.png" alt="图"/>`},
		{"srcset", `<img srcset="/a.png 1x, b.png 2x">`, `<img srcset="https://s.example.com/a.png 1x, https://s.example.com/c/2021/12/29/b.png 2x">`},
		{"attribute escaping", `<a title="a&quot;b" href="/q?a=1&amp;b=2">q</a>`, `<a title="a&quot;b" href="https://s.example.com/q?a=1&amp;b=2">q</a>`},
		{"single quotes", `<a href='/x'>x</a>`, `<a href='https://s.example.com/x'>x</a>`},
		{"unquoted", `<a href=/x>x</a>`, `<a href="https://s.example.com/x">x</a>`},
		{"unquoted then slash close", `<img src=a.png />`, `<img src="https://s.example.com/c/2021/12/29/a.png" />`},
		{"spaces around equals", "<a\nhref = \"/x\" >x</a>", "<a\nhref = \"https://s.example.com/x\" >x</a>"},
		{"several links in one tag", `<img src="/a" data-src="/b" srcset="/c 2x">`, `<img src="https://s.example.com/a" data-src="/b" srcset="https://s.example.com/c 2x">`},
		{"similar names kept", `<a xhref="/x" hreflang="zh" data-href="/y">`, `<a xhref="/x" hreflang="zh" data-href="/y">`},
		{"value with quote escaped", `<a href='/x"y'>`, `<a href='https://s.example.com/x%22y'>`},
		{"style raw text", `<style>a[href="/x"]{}</style><a href="/y">`, `<style>a[href="/x"]{}</style><a href="https://s.example.com/y">`},
		{"textarea raw text", `<TEXTAREA><a href="/x"></textarea ><a href="/y">`, `<TEXTAREA><a href="/x"></textarea ><a href="https://s.example.com/y">`},
		{"unclosed script", `<script><a href="/x">`, `<script><a href="/x">`},
		{"unclosed comment", `<!-- <a href="/x">`, `<!-- <a href="/x">`},
		{"end tag and doctype skipped", `<!DOCTYPE html></a href="/x"><a href="/y">`, `<!DOCTYPE html></a href="/x"><a href="https://s.example.com/y">`},
		{"stray less than", `1 < 2 <a href="/y">`, `1 < 2 <a href="https://s.example.com/y">`},
		{"chinese link", `<a href="/新闻/一">`, `<a href="https://s.example.com/%E6%96%B0%E9%97%BB/%E4%B8%80">`},
		{"text mentioning href", `<p>the href attribute</p>`, `<p>the href attribute</p>`},
		{"script kept", `<script>var a = "<a href='/x'>";</script>`, `<script>var a = "<a href='/x'>";</script>`},
		{"comment kept", `<!-- <a href="/x"> -->`, `<!-- <a href="/x"> -->`},
		{"truncated tag kept", `<p>x</p><a href="/x`, `<p>x</p><a href="/x`},
		{"empty autolink", `<p>&lt;&gt;</p>`, `<p>&lt;&gt;</p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.absolute([]byte(tt.in)); got != tt.want {
				t.Errorf("absolute(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzAbsolute checks that making URLs absolute never panics, leaves text
// without tags alone, and is idempotent: a second pass changes nothing.
func FuzzAbsolute(f *testing.F) {
	for _, s := range []string{`<a href="../emnews/">x</a>`, `<img src=//h/x srcset="a 1x, /b 2x">`,
		`<script><a href="/x"></script>`, `<!-- x --><A HREF='#n'>`, `<a href="/q?a=1&amp;b=2">`, "纯文本"} {
		f.Add(s)
	}
	r := newResolver("https://s.example.com/c/2021/12/29/p.html", "https://s.example.com")
	f.Fuzz(func(t *testing.T, in string) {
		once := r.absolute([]byte(in))
		if !strings.Contains(in, "<") && once != in {
			t.Fatalf("text without tags changed: %q -> %q", in, once)
		}
		if twice := r.absolute([]byte(once)); twice != once {
			t.Fatalf("not idempotent:\n in   %q\n once %q\n twice %q", in, once, twice)
		}
	})
}
