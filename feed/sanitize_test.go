package feed

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	nethtml "golang.org/x/net/html"
)

// activeHTML returns what in an HTML fragment a reader could run or be
// sent to run, "" when nothing: a script, style, object or embed element,
// an event handler (any on* attribute), a javascript: or vbscript: URL, a
// data: URL anywhere but an image's source, or a frame or media source that
// is not https.
func activeHTML(fragment string) string {
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			return ""
		}
		if tt != nethtml.StartTagToken && tt != nethtml.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "style", "object", "embed", "applet", "meta", "link", "base", "form", "svg", "math":
			return "<" + tok.Data + "> element"
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") {
				return key + " attribute on <" + tok.Data + ">"
			}
			for _, u := range attrURLs(key, a.Val) {
				switch scheme := urlScheme(u); {
				case scheme == "javascript" || scheme == "vbscript":
					return scheme + ": URL in " + key
				case scheme == "data" && !(tok.Data == "img" || tok.Data == "source") || scheme == "data" && key != "src" && key != "srcset":
					return "data: URL in " + tok.Data + " " + key
				case (tok.Data == "iframe" || tok.Data == "video" || tok.Data == "audio" || tok.Data == "track" || tok.Data == "source" && key == "src") &&
					(key == "src" || key == "poster") && scheme != "https":
					return "embedded " + tok.Data + " from " + u
				}
			}
		}
	}
}

// attrURLs returns the URLs an attribute holds: none for an attribute
// that holds no URL, each candidate's for a srcset.
func attrURLs(key, val string) []string {
	switch key {
	case "href", "src", "cite", "poster", "action", "formaction", "data", "background", "xlink:href", "longdesc", "lowsrc", "dynsrc":
		return []string{val}
	case "srcset":
		var out []string
		for c := range strings.SplitSeq(val, ",") {
			if f := strings.Fields(c); len(f) > 0 {
				out = append(out, f[0])
			}
		}
		return out
	}
	return nil
}

// urlScheme returns the scheme of u as a browser reads it: leading and
// embedded white space and control characters ignored, in lower case; ""
// for a relative URL.
func urlScheme(u string) string {
	u = strings.Map(func(r rune) rune {
		if r <= ' ' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, u)
	i := strings.IndexAny(u, ":/?#")
	if i <= 0 || u[i] != ':' {
		return ""
	}
	return u[:i]
}

func TestSanitizeHTML(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		keep      []string // substrings the output must hold
		drop      []string // substrings it must not
		keepEqual bool     // the output is the input, byte for byte
	}{
		{name: "plain paragraphs", in: "<p>本报讯 金融活水润泽实体经济。</p>\n<p>第二段</p>\n", keepEqual: true},
		{name: "script element and its text", in: `<p>a</p><script>alert("x")</script><p>b</p>`,
			keep: []string{"<p>a</p>", "<p>b</p>"}, drop: []string{"script", "alert"}},
		{name: "upper-case script with src", in: `<SCRIPT SRC="https://evil.example.com/x.js"></SCRIPT>ok`,
			keep: []string{"ok"}, drop: []string{"evil", "script", "SCRIPT"}},
		{name: "style element", in: `<style>body{display:none}</style><p>x</p>`, keep: []string{"<p>x</p>"}, drop: []string{"display"}},
		{name: "event handlers", in: `<p onclick="a()" class="lead">x</p><img src="https://x.example/a.png" onerror="b()">`,
			keep: []string{`<p class="lead">x</p>`, `<img src="https://x.example/a.png">`}, drop: []string{"onclick", "onerror"}},
		{name: "javascript links", in: `<a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(2)">b</a><a href=" javascript:alert(3)">c</a><a href="java&#x09;script:alert(4)">d</a><a href="javascript&colon;alert(5)">e</a>`,
			keep: []string{"a", "b", "c", "d", "e"}, drop: []string{"href", "alert"}},
		{name: "vbscript link", in: `<a href="vbscript:msgbox(1)">x</a>`, drop: []string{"vbscript", "href"}},
		{name: "data link", in: `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, keep: []string{"x"}, drop: []string{"data:", "href"}},
		{name: "data image kept", in: `<img src="data:image/png;base64,iVBORw0KGgo=" alt="图">`, keepEqual: true},
		{name: "data svg that is not base64", in: `<img src="data:image/svg+xml,%3Csvg%20onload%3Dalert(1)%3E" alt="x">`, drop: []string{"data:", "onload"}},
		{name: "links kept", in: `<a href="https://news.example.org/a.html" title="标题：引号" rel="noopener">a</a> <a href="/b">b</a> <a href="#fn:1">c</a> <a href="mailto:desk@example.org">d</a>`, keepEqual: true},
		{name: "target dropped", in: `<a href="https://x.example/" target="_blank">x</a>`, keep: []string{`<a href="https://x.example/">x</a>`}, drop: []string{"target"}},
		{name: "srcset kept", in: `<img src="https://x.example/a.jpg" srcset="https://x.example/a-2x.jpg 2x, /a-3x.jpg 3x" sizes="100vw" alt="a" width="640" height="360">`, keepEqual: true},
		{name: "srcset with javascript", in: `<img src="https://x.example/a.jpg" srcset="https://x.example/a.jpg 1x, javascript:alert(1) 2x">`, drop: []string{"srcset", "javascript"}},
		{name: "figure and picture", in: `<figure><picture><source srcset="https://x.example/b.webp" type="image/webp"><img src="https://x.example/b.jpg" alt="b"></picture><figcaption>图</figcaption></figure>`, keepEqual: true},
		{name: "table with alignment", in: `<table><thead><tr><th style="text-align: right">a</th></tr></thead><tbody><tr><td colspan="2">1</td></tr></tbody></table>`, keepEqual: true},
		{name: "other styles dropped", in: `<p style="color: red; background: url(javascript:alert(1))">x</p>`, keep: []string{"<p>x</p>"}, drop: []string{"style", "javascript"}},
		{name: "https iframe kept", in: `<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" allowfullscreen=""></iframe>`, keepEqual: true},
		{name: "http iframe loses its source", in: `<iframe src="http://video.example.com/e"></iframe>`, drop: []string{"http:"}},
		{name: "javascript iframe", in: `<iframe src="javascript:alert(1)"></iframe>`, drop: []string{"javascript"}},
		{name: "srcdoc iframe", in: `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, drop: []string{"srcdoc", "script"}},
		{name: "video from https", in: `<video src="https://cdn.example.org/v.mp4" poster="https://cdn.example.org/v.jpg" preload="none"><track src="https://cdn.example.org/v.vtt" kind="captions" srclang="zh"></video>`, keepEqual: true},
		{name: "video with javascript poster", in: `<video src="https://cdn.example.org/v.mp4" poster="javascript:alert(1)" onplay="x()"></video>`,
			keep: []string{`<video src="https://cdn.example.org/v.mp4">`}, drop: []string{"poster", "onplay"}},
		{name: "form and inputs", in: `<form action="javascript:alert(1)"><input onfocus="x()" autofocus><button formaction="javascript:y()">提交</button></form>`,
			keep: []string{"提交"}, drop: []string{"form", "input", "javascript"}},
		{name: "object and embed", in: `<object data="https://x.example/a.swf"></object><embed src="https://x.example/a.swf">`, drop: []string{"object", "embed", "swf"}},
		{name: "svg with handler", in: `<svg onload="alert(1)"><circle r="1"/></svg>`, drop: []string{"svg", "onload", "circle"}},
		{name: "namespace confusion", in: `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>`, drop: []string{"onerror", "<math", "<style"}},
		{name: "comment dropped", in: `<p>a</p><!--more--><p>b</p>`, keep: []string{"<p>a</p><p>b</p>"}, drop: []string{"<!--"}},
		{name: "code block kept", in: `<pre class="highlight"><code><span class="kd">func</span> main() {}</code></pre>`, keepEqual: true},
		{name: "footnote markup kept", in: `<sup id="fnref:1"><a href="#fn:1" class="footnote" rel="footnote">1</a></sup>`, keepEqual: true},
		{name: "details open", in: `<details open=""><summary>更多</summary>内容</details>`, keepEqual: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sanitizeHTML(tt.in)
			if tt.keepEqual && got != tt.in {
				t.Errorf("changed:\n got %s\nwant %s", got, tt.in)
			}
			for _, s := range tt.keep {
				if !strings.Contains(got, s) {
					t.Errorf("lost %q: %s", s, got)
				}
			}
			for _, s := range tt.drop {
				if strings.Contains(got, s) {
					t.Errorf("kept %q: %s", s, got)
				}
			}
			if what := activeHTML(got); what != "" {
				t.Errorf("active content left: %s in %s", what, got)
			}
			if again := sanitizeHTML(got); again != got {
				t.Errorf("not stable: sanitized again\n got %s\nwant %s", again, got)
			}
		})
	}
}

func TestActiveHTML(t *testing.T) {
	// The check the sanitizer tests lean on must see what it looks for.
	for _, in := range []string{
		`<script>x</script>`, `<p onclick="x">`, `<a href=" JavaScript:x">`, `<a href="data:text/html,x">`,
		`<img srcset="a.png 1x, javascript:x 2x">`, `<iframe src="http://x.example/">`, `<video poster="http://x/p.jpg">`,
	} {
		if activeHTML(in) == "" {
			t.Errorf("activeHTML(%q) found nothing", in)
		}
	}
	for _, in := range []string{`<p>javascript: is text</p>`, `<img src="data:image/png;base64,AA==">`, `<a href="/java/script:x">`} {
		if what := activeHTML(in); what != "" {
			t.Errorf("activeHTML(%q) = %q, want nothing", in, what)
		}
	}
}

// FuzzSanitizeHTML cleans arbitrary HTML, seeded with the fixture posts:
// it must not panic, its output must hold nothing active, and cleaning
// that output again must give it back unchanged.
func FuzzSanitizeHTML(f *testing.F) {
	for _, dir := range []string{"testdata/unsafe/_posts", "testdata/render"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(data))
		}
	}
	f.Add(`<a href="&#1;javascript:alert(1)">x</a><img src=x onerror=y>`)
	f.Add(`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`)
	f.Add(`<svg><style><img src=x onerror=alert(1)></style></svg>`)
	f.Fuzz(func(t *testing.T, in string) {
		got := sanitizeHTML(in)
		// Also inside markup of the reader's own, which finishes any tag
		// the fragment leaves open.
		for _, doc := range []string{got, "<div>" + got + "</div>"} {
			if what := activeHTML(doc); what != "" {
				t.Fatalf("active content left: %s\n in: %q\nout: %q", what, in, doc)
			}
		}
	})
}

func TestAlreadyClean(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"<p>本报讯</p>\n<p>第二段 &amp; 实体&nbsp;</p>\n", true},
		{`<p><a href="https://x.example/a?b=1&amp;c=2">a</a> <img src="/i.png" alt="图"><br/></p>`, true},
		{`<ul><li><strong>a</strong></li></ul><table><tr><td>1</td></tr></table>`, true},
		{`<p class="x">a</p>`, false},
		{`<a>no href</a>`, false},
		{`<a href="javascript:alert(1)">x</a>`, false},
		{`<a href="https://x.example/a b">space</a>`, false},
		{`<a href="https://x.example/中文">not as net/url writes it</a>`, false},
		{`<img src="data:image/png;base64,AA==">`, false},
		{`<a href="mailto:a@example.org">m</a>`, true},
		{`<img src="mailto:a@example.org">`, false},
		{`<p>a</p><!--more--><p>b</p>`, false},
		{`<script>x</script>`, false},
		{`<p onclick="x">a</p>`, false},
		{`<p>a</p><a href="https://x.example/" onclick=alert(1)`, false},
		{`<p>a</p><a href="https://x.example/"`, false},
		{`a<b`, false},
		{`<p>a</p onclick="x">`, true}, // browsers ignore an end tag's attributes
		{`<p>a <a href="https://x.example/">b</a><img src="/c.png" alt="c &lt;d&gt;" /></p>`, true},
		{`<a href="https://x.example/" onclick="x">b</a>`, false},
		{`<a href="x" >b</a> <img src="y">`, true},
		{`<a/href="javascript:x">b</a>`, false},
		{`<img alt="a">`, false},
		{`<P>upper case</P>`, true},
		{`<textarea><p onclick=x></textarea>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := alreadyClean(tt.in); got != tt.want {
				t.Errorf("alreadyClean = %v, want %v", got, tt.want)
			}
		})
	}
}

// htmlTokens returns the tokens of an HTML fragment, as a browser would
// build its elements from them: serialization aside, and adjacent text
// tokens joined.
func htmlTokens(s string) []nethtml.Token {
	var out []nethtml.Token
	z := nethtml.NewTokenizer(strings.NewReader(s))
	for z.Next() != nethtml.ErrorToken {
		tok := z.Token()
		if n := len(out); n > 0 && tok.Type == nethtml.TextToken && out[n-1].Type == nethtml.TextToken {
			out[n-1].Data += tok.Data
			continue
		}
		out = append(out, tok)
	}
	return out
}

// FuzzAlreadyClean holds alreadyClean to the policy: whatever it vouches
// for, the policy keeps token for token.
func FuzzAlreadyClean(f *testing.F) {
	for _, dir := range []string{"testdata/unsafe/_posts", "testdata/render"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(data))
		}
	}
	f.Add(`<p>本报讯 <a href="https://x.example/a">链接</a><img src="/i.png" alt="图"></p>`)
	f.Add(`<ol><li><em>a</em></li></ol><br/><hr>`)
	f.Fuzz(func(t *testing.T, in string) {
		if ok, sure := plainScan(in); sure && ok != tokensClean(in) {
			t.Fatalf("plainScan says %v, the tokenizer %v\n in: %q", ok, !ok, in)
		}
		if !alreadyClean(in) {
			return
		}
		want, got := htmlTokens(in), htmlTokens(sanitizer().Sanitize(in))
		if len(want) != len(got) {
			t.Fatalf("%d tokens, the policy keeps %d\n in: %q\nout: %q", len(want), len(got), in, sanitizer().Sanitize(in))
		}
		for i := range want {
			w, g := want[i], got[i]
			if w.Type != g.Type || w.Data != g.Data || !slices.Equal(w.Attr, g.Attr) {
				t.Fatalf("token %d: %v, the policy gives %v\n in: %q", i, w, g, in)
			}
		}
	})
}
