package feed

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
)

// configFS returns a site root holding only a _config.yml of config.
func configFS(config string) fstest.MapFS {
	return fstest.MapFS{ConfigFile: {Data: []byte(config)}}
}

// kramdownCases are bodies with the HTML Jekyll's kramdown (GFM input,
// Rouge) writes for them, after normalizeHTML.
var kramdownCases = []struct {
	name, opts, src, want string
}{
	{"smart quotes, dashes, ellipsis", "", "He said 'hi' and \"bye\"; Actions' things -- and --- more... <<x>>\n",
		"<p>He said ‘hi’ and “bye”; Actions’ things – and — more… «x»</p>"},
	{"smart_quotes option", "smart_quotes: lsaquo,rsaquo,laquo,raquo", "\"quoted\" and 'single'\n",
		"<p>«quoted» and ‹single›</p>"},
	{"angle quotes with spaces", "", "<< a >> and <<b>>\n", "<p>«\u00a0a\u00a0» and «b»</p>"},
	{"escaped quote stays straight", "", "a \\' b\n", "<p>a ' b</p>"},
	{"heading ids", "", "# Hello, World!\n\n## Hello World\n\n## Hello World\n\n### 中文 标题\n\n### 1.5 Tips\n",
		"<h1 id=hello-world>Hello, World!</h1><h2 id=hello-world-1>Hello World</h2><h2 id=hello-world-2>Hello World</h2><h3 id=中文-标题>中文 标题</h3><h3 id=15-tips>1.5 Tips</h3>"},
	{"kramdown input heading ids", "input: kramdown", "# 1.5 Tips\n\n## !!!\n\n## !!!\n",
		"<h1 id=tips>1.5 Tips</h1><h2 id=section>!!!</h2><h2 id=section-1>!!!</h2>"},
	{"auto_ids off", "auto_ids: false", "# Title\n", "<h1>Title</h1>"},
	{"block attribute lists", "", "para\n{: .lead #top}\n\n## Head\n{: .big}\n\n```ruby\nputs 1\n```\n{: .wide}\n",
		`<p class=lead id=top>para</p><h2 class=big id=head>Head</h2><div class=language-ruby highlighter-rouge wide><div class=highlight><pre class=highlight><code><span class=nb>puts</span><span class=mi>1</span></code></pre></div></div>`},
	{"span attribute lists", "", "some *text*{: .cls} and `code`{: .language-ruby} and [link](/x){:target=\"_blank\"}\n",
		`<p>some<em class=cls>text</em>and<code class=language-ruby highlighter-rouge><span class=n>code</span></code>and<a href=/x target=_blank>link</a></p>`},
	{"span attribute list with quotes", "", "![alt](a.png){:#i .c width=\"10\"} and text{: .x}\n",
		"<p><img alt=alt class=c id=i src=a.png width=10>and text{: .x}</p>"},
	{"empty heading id", "", "# Title {#}\n", "<h1>Title</h1>"},
	{"table of contents", "", "* TOC\n{:toc}\n\n## One\n\n### Two\n\n## Three\n",
		`<ul id=markdown-toc><li><a href=#one id=markdown-toc-one>One</a><ul><li><a href=#two id=markdown-toc-two>Two</a></li></ul></li><li><a href=#three id=markdown-toc-three>Three</a></li></ul><h2 id=one>One</h2><h3 id=two>Two</h3><h2 id=three>Three</h2>`},
	{"toc_levels", "toc_levels: 2..2", "* x\n{:toc}\n\n## One\n\n### Two\n",
		`<ul id=markdown-toc><li><a href=#one id=markdown-toc-one>One</a></li></ul><h2 id=one>One</h2><h3 id=two>Two</h3>`},
	{"footnotes", "", "a[^1] b[^note] c[^1]\n\n[^1]: one\n[^note]: two\n",
		`<p>a<sup id=fnref:1><a class=footnote href=#fn:1 rel=footnote role=doc-noteref>1</a></sup>b<sup id=fnref:note><a class=footnote href=#fn:note rel=footnote role=doc-noteref>2</a></sup>c<sup id=fnref:1:1><a class=footnote href=#fn:1 rel=footnote role=doc-noteref>1</a></sup></p><div class=footnotes role=doc-endnotes><ol><li id=fn:1><p>one` + "\u00a0" + `<a class=reversefootnote href=#fnref:1 role=doc-backlink>↩</a><a class=reversefootnote href=#fnref:1:1 role=doc-backlink>↩<sup>2</sup></a></p></li><li id=fn:note><p>two` + "\u00a0" + `<a class=reversefootnote href=#fnref:note role=doc-backlink>↩</a></p></li></ol></div>`},
	{"footnote ending in a code block", "", "a[^c]\n\n[^c]:\n        code\n",
		`<p>a<sup id=fnref:c><a class=footnote href=#fn:c rel=footnote role=doc-noteref>1</a></sup></p><div class=footnotes role=doc-endnotes><ol><li id=fn:c><div class=language-plaintext highlighter-rouge><div class=highlight><pre class=highlight><code>code</code></pre></div></div><p>` + "\u00a0" + `<a class=reversefootnote href=#fnref:c role=doc-backlink>↩</a></p></li></ol></div>`},
	{"footnote_nr", "footnote_nr: 5", "a[^x]\n\n[^x]: y\n",
		`<p>a<sup id=fnref:x><a class=footnote href=#fn:x rel=footnote role=doc-noteref>5</a></sup></p><div class=footnotes role=doc-endnotes><ol start=5><li id=fn:x><p>y` + "\u00a0" + `<a class=reversefootnote href=#fnref:x role=doc-backlink>↩</a></p></li></ol></div>`},
	{"tables and strikethrough", "", "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n",
		"<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table><p><del>gone</del></p>"},
	{"CJK emphasis", "", "**“加粗”**后面，这是**粗体。**好\n", "<p><strong>“加粗”</strong>后面，这是<strong>粗体。</strong>好</p>"},
	{"span HTML starts a paragraph", "", "<span>inline</span> start\n\n<img src=\"x.png\">\n",
		"<p><span>inline</span>start</p><p><img src=x.png></p>"},
	{"markdown=1", "", "<div markdown=\"1\" class=\"x\">\n# Head\n\n*md*\n</div>\n",
		"<div class=x><h1 id=head>Head</h1><p><em>md</em></p></div>"},
	{"element read whole", "", "<figure class=\"highlight\"><pre><code>a\n\n*b*\n</code></pre></figure>\n\nafter *x*\n",
		"<figure class=highlight><pre><code>a *b*</code></pre></figure><p>after<em>x</em></p>"},
	{"list paragraphs", "", "1. one\n2. two\n\n3. three\n\n* last\n\ntext\n",
		"<ol><li>one</li><li><p>two</p></li><li>three</li></ol><ul><li>last</li></ul><p>text</p>"},
	{"ordered list from 1", "", "3. three\n4. four\n", "<ol><li>three</li><li>four</li></ol>"},
	{"loose list", "", "* a\n\n* b\n\ntext\n", "<ul><li><p>a</p></li><li><p>b</p></li></ul><p>text</p>"},
	{"code without language", "", "    plain <code>\n\n`span`\n",
		"<div class=language-plaintext highlighter-rouge><div class=highlight><pre class=highlight><code>plain<code></code></pre></div></div><p><code class=language-plaintext highlighter-rouge>span</code></p>"},
	{"default_lang", "syntax_highlighter_opts: {default_lang: ruby}", "    puts 1\n",
		"<div class=language-ruby highlighter-rouge><div class=highlight><pre class=highlight><code><span class=nb>puts</span><span class=mi>1</span></code></pre></div></div>"},
	{"yaml as Rouge classes it", "", "```yaml\nlist:\n  - key: false\n```\n",
		"<div class=language-yaml highlighter-rouge><div class=highlight><pre class=highlight><code><span class=na>list</span><span class=pi>:</span><span class=pi>-</span><span class=na>key</span><span class=pi>:</span><span class=no>false</span></code></pre></div></div>"},
	{"liquid as Rouge lexes it", "", "```liquid\n{% for p in site.posts %}{{ p.title | upcase }}{% endfor %}\n```\n",
		"<div class=language-liquid highlighter-rouge><div class=highlight><pre class=highlight><code><span class=p>{%</span><span class=w></span><span class=nt>for</span><span class=w></span><span class=nv>p</span><span class=w></span><span class=nt>in</span><span class=w></span><span class=nv>site.posts</span><span class=w></span><span class=p>%}{{</span><span class=w></span><span class=nv>p</span><span class=p>.</span><span class=nv>title</span><span class=w></span><span class=p>|</span><span class=w></span><span class=nf>upcase</span><span class=w></span><span class=p>}}{%</span><span class=w></span><span class=nt>endfor</span><span class=w></span><span class=p>%}</span></code></pre></div></div>"},
	{"unknown language", "", "```nosuchlang\nx\n```\n", "<pre><code class=language-nosuchlang>x</code></pre>"},
	{"highlighter off", "syntax_highlighter: none", "```ruby\nputs 1\n```\n\n`x`\n",
		"<pre><code class=language-ruby>puts 1</code></pre><p><code>x</code></p>"},
	{"hard_wrap", "hard_wrap: true", "one\ntwo\n", "<p>one<br>two</p>"},
	{"task list", "", "- [ ] todo\n- [x] done\n",
		"<ul class=task-list><li class=task-list-item><input class=task-list-item-checkbox disabled=disabled type=checkbox>todo</li><li class=task-list-item><input checked=checked class=task-list-item-checkbox disabled=disabled type=checkbox>done</li></ul>"},
	{"no_auto_typographic", "gfm_quirks: [no_auto_typographic]", "\"a\" -- b\n", "<p>\"a\" -- b</p>"},
}

func TestKramdown(t *testing.T) {
	for _, tt := range kramdownCases {
		t.Run(tt.name, func(t *testing.T) {
			site, err := ReadSiteConfig(configFS("kramdown:\n  " + strings.ReplaceAll(tt.opts, "\n", "\n  ") + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := NewMarkdown(site.Markdown).Convert([]byte(tt.src), &out); err != nil {
				t.Fatal(err)
			}
			if got := normalizeHTML(out.String(), ""); got != tt.want {
				t.Errorf("%q:\ngot  %s\nwant %s\nHTML %s", tt.src, got, tt.want, out.String())
			}
		})
	}
}

func TestMarkdownCommonMark(t *testing.T) {
	site, err := ReadSiteConfig(configFS("markdown: CommonMark\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !site.Markdown.CommonMark {
		t.Fatal("markdown: CommonMark not read")
	}
	var out bytes.Buffer
	if err := NewMarkdown(site.Markdown).Convert([]byte("# \"Hi\" -- there\n\n```ruby\nx\n```\n"), &out); err != nil {
		t.Fatal(err)
	}
	if want := "<h1>&quot;Hi&quot; -- there</h1>\n<pre><code class=\"language-ruby\">x\n</code></pre>\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestHighlightFigure(t *testing.T) {
	for _, tt := range []struct {
		name, lang, code string
		linenos          bool
		want             string
	}{
		{"ruby", "ruby", "\ndef a\n  1\nend\n\n", false,
			`<figure class="highlight"><pre><code class="language-ruby" data-lang="ruby"><span class="k">def</span> <span class="nf">a</span>` + "\n  " + `<span class="mi">1</span>` + "\n" + `<span class="k">end</span></code></pre></figure>`},
		{"yaml as Jekyll writes it", "yaml", "collections:\n  posts:\n    output: true\n    permalink: /blog/:year/:title/\n", false,
			`<figure class="highlight"><pre><code class="language-yaml" data-lang="yaml"><span class="na">collections</span><span class="pi">:</span>` + "\n  " +
				`<span class="na">posts</span><span class="pi">:</span>` + "\n    " + `<span class="na">output</span><span class="pi">:</span> <span class="no">true</span>` + "\n    " +
				`<span class="na">permalink</span><span class="pi">:</span> <span class="s">/blog/:year/:title/</span></code></pre></figure>`},
		{"unknown language", "nosuch", "a < b", false,
			`<figure class="highlight"><pre><code class="language-nosuch" data-lang="nosuch">a &lt; b</code></pre></figure>`},
		{"line numbers", "text", "a\nb", true,
			`<figure class="highlight"><pre><code class="language-text" data-lang="text"><table class="rouge-table"><tbody><tr><td class="gutter gl"><pre class="lineno">1` + "\n2\n" + `</pre></td><td class="code"><pre>a` + "\nb\n" + `</pre></td></tr></tbody></table></code></pre></figure>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := HighlightFigure(tt.lang, tt.code, tt.linenos); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// FuzzKramdown checks that the kramdown converter takes any body without
// an error or a panic, and writes the same HTML for it every time.
func FuzzKramdown(f *testing.F) {
	for _, tt := range kramdownCases {
		f.Add(tt.src)
	}
	f.Add(benchBody(0))
	f.Add(markdownBenchBody())
	md := NewMarkdown(MarkdownOptions{})
	f.Fuzz(func(t *testing.T, src string) {
		var a, b bytes.Buffer
		if err := md.Convert([]byte(src), &a); err != nil {
			t.Fatal(err)
		}
		if err := md.Convert([]byte(src), &b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("%q converts to two different documents", src)
		}
	})
}
