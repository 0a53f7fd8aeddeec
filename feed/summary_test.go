package feed

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRawExcerpt(t *testing.T) {
	tests := []struct {
		name, body, sep, want string
	}{
		{"first paragraph", "One\nline.\n\nTwo.\n", "", "One\nline."},
		{"no separator: whole body", "One.\nTwo.\n", "", "One.\nTwo.\n"},
		{"own separator", "One.\n\nTwo.\n<!--more-->\nThree.", "<!--more-->", "One.\n\nTwo.\n"},
		{"link references kept", "See [a][x].\n\nMore.\n\n[x]: https://example.org/\n", "",
			"See [a][x].\n\n[x]: https://example.org/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(rawExcerpt([]byte(tt.body), tt.sep)); got != tt.want {
				t.Errorf("rawExcerpt = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	long := strings.Repeat("金融", 150) // 300 runes, 900 bytes
	tests := []struct {
		name    string
		post    Post
		content string
		runes   int
		want    string
	}{
		{"whole excerpt", Post{}, "<p>第一段。</p>\n<p>第二段。</p>", 200, "第一段。 第二段。"},
		{"skips empty paragraph", Post{}, "<p> <img src=x> </p><p>正文 <b>加粗</b></p>", 200, "正文 加粗"},
		{"no paragraph: whole text", Post{}, "纯文本\n\n第二行", 200, "纯文本 第二行"},
		{"unclosed paragraph", Post{}, "<p>未闭合  段落", 200, "未闭合 段落"},
		{"description wins", Post{Description: "摘要 <b>描述</b>"}, "<p>正文</p>", 200, "摘要 描述"},
		{"blank description ignored", Post{Description: "  "}, "<p>正文</p>", 200, "正文"},
		{"entities decoded", Post{}, "<p>A&amp;B&nbsp;C &lt;D&gt;</p>", 200, "A&B C <D>"},
		{"script and style dropped", Post{}, "<script>x()</script><style>p{}</style>正文", 200, "正文"},
		{"cut in runes", Post{}, "<p>" + long + "</p>", 200, string([]rune(long)[:199]) + "…"},
		{"0 does not cut", Post{}, "<p>" + long + "</p>", 0, long},
		{"short limit", Post{}, "<p>一二三四五</p>", 3, "一二…"},
		{"exact length not cut", Post{}, "<p>一二三</p>", 3, "一二三"},
		{"space before cut trimmed", Post{}, "<p>ab cd</p>", 4, "ab…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(&tt.post, tt.content, tt.runes)
			if got != tt.want {
				t.Errorf("summarize = %q, want %q", got, tt.want)
			}
			if n := tt.runes; n > 0 && utf8.RuneCountInString(got) > n {
				c := utf8.RuneCountInString(got)
				t.Errorf("summary has %d runes, more than %d", c, n)
			}
		})
	}
}

// FuzzPlainText checks that plainText, whose first paragraph may be found
// without a tokenizer, always gives what the tokenizer gives.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<p>本报记者/王小明 通讯员/李华</p>\n<p>x</p>", "<p> </p><p>b</p>", "a<p>x &amp; y</p>",
		"<!-- <p>x</p> --><p>y</p>", "<script><p>x</p></script><p>y</p>", "<p>a\r\nb</p>", "<p>a\x00</p>", "x > y <p>z</p>",
		"<P>x</P>", "<p>x</p >", "<p>x<b>y</b></p>", benchBody(0)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, first := range []bool{true, false} {
			if got, want := plainText(s, first), plainTextTokens(s, first); got != want {
				t.Fatalf("plainText(%q, %v) = %q, want %q", s, first, got, want)
			}
		}
	})
}
