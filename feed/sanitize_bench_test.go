package feed

import (
	"strings"
	"testing"
)

// BenchmarkSanitizeHTML measures cleaning one post body of the target
// site's shape (about 6 KB of Chinese paragraphs and links, made absolute):
// plain, which alreadyClean vouches for; the same through the bluemonday
// policy; and with one event handler at its end, which is checked, then
// cleaned by the policy.
func BenchmarkSanitizeHTML(b *testing.B) {
	plain := newResolver("https://finews.example.com/zhuzhouribao/2021/12/29/x.html", "https://finews.example.com").
		absolute([]byte(strings.ReplaceAll(strings.ReplaceAll(benchBody(0),
			"[财经要闻](../emnews/)", `<a href="../emnews/">财经要闻</a>`),
			"[首页](//finews.example.com/)", `<a href="//finews.example.com/">首页</a>`)))
	if !alreadyClean(plain) {
		b.Fatal("the plain body is not plain")
	}
	unsafe := plain + `<p onclick="alert(1)">x</p>`
	for _, bc := range []struct {
		name  string
		in    string
		clean func(string) string
	}{
		{"plain", plain, sanitizeHTML},
		{"plain-policy", plain, func(s string) string { return sanitizer().Sanitize(s) }},
		{"handler", unsafe, sanitizeHTML},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				bc.clean(bc.in)
			}
		})
	}
}
