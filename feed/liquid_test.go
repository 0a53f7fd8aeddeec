package feed

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// liquidFixture is a small Jekyll site whose posts use Liquid.
func liquidFixture(posts map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"_config.yml": {Data: []byte("url: https://example.org\nbaseurl: /blog\ntitle: Example & Co\n" +
			"timezone: America/Los_Angeles\nrepository: https://github.com/example/site\n" +
			"permalink: /:year/:month/:day/:title/\n")},
		"_includes/note.html":     {Data: []byte(`<aside class="{{ include.kind | default: "note" }}">{{ include.text }} on {{ page.title }}</aside>`)},
		"_includes/loop.html":     {Data: []byte(`{% include loop.html %}`)},
		"_posts/2020-01-01-a.md":  {Data: []byte("---\ntitle: First\ntags: [go, web]\n---\nPlain post.\n")},
		"_posts/2020-01-02-b.md":  {Data: []byte("---\ntitle: Second\n---\nAnother.\n")},
		"_posts/snippet.txt":      {Data: []byte("from {{ page.title }}")},
		"_docs/history.md":        {Data: []byte("---\npermalink: /docs/history/\n---\nHistory\n")},
		"_posts/2020-01-03-c.md":  {Data: []byte("---\ntitle: Third\n---\nHello\n")},
		"_posts/2019-12-31-zz.md": {Data: []byte("---\ntitle: Oldest\n---\nOld\n")},
	}
	for p, text := range posts {
		fsys[p] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

// loadLiquid loads the fixture site with one more post holding body, and
// returns that post's body after Liquid and the snapshot's warnings.
func loadLiquid(t *testing.T, body string) (string, []Problem) {
	t.Helper()
	const p = "_posts/2020-02-03-liquid.md"
	fsys := liquidFixture(map[string]string{p: "---\ntitle: Liquid \"post\"\ncategories: [news]\ntags: [go]\nauthor: ann\n---\n" + body})
	site, err := ReadSiteConfig(fsys)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), fsys, LoadOptions{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	for _, post := range s.AllPosts() {
		if post.Path == p {
			b, err := s.body(post)
			if err != nil {
				t.Fatal(err)
			}
			return string(b), s.Warnings
		}
	}
	t.Fatalf("post not loaded; problems %v", s.Problems)
	return "", nil
}

func TestLiquid(t *testing.T) {
	tests := []struct {
		name, body, want string
		warning          string // part of the one expected warning, if any
	}{
		{"no liquid", "Just {text} and {{no", "Just {text} and {{no", ""},
		{"site and page", "{{ site.title }}|{{ page.title }}|{{ page.url }}|{{ page.id }}|{{ page.author }}|{{ site.repository }}",
			`Example & Co|Liquid "post"|/2020/02/03/liquid/|/2020/02/03/liquid|ann|https://github.com/example/site`, ""},
		{"page date in site zone", "{{ page.date | date_to_xmlschema }} {{ page.date | date: '%H:%M' }} {{ page.date | date_to_string }}",
			"2020-02-03T00:00:00-08:00 00:00 03 Feb 2020", ""},
		{"raw", "{% raw %}{{ kept }} {% if %}{% endraw %}", "{{ kept }} {% if %}", ""},
		{"raw in raw", "{% raw %}{% raw %}{% endraw %} and {% raw %}`{% link %}`{% endraw %}", "{% raw %} and `{% link %}`", ""},
		{"line breaks inside", "[x]({{ page.author\n}}/i) {{ page.author\n| upcase }} {%\nif true\n%}T{% endif %}", "[x](ann/i) ANN T", ""},
		{"control flow", "{% assign n = 3 %}{% for i in (1..n) %}{{ i }}{% unless forloop.last %},{% endunless %}{% endfor %}{% if n > 2 %} big{% endif %}",
			"1,2,3 big", ""},
		{"whitespace control", "a\n{%- for i in (1..2) -%}\n{{ i }}\n{%- endfor -%}\nb", "a12b", ""},
		{"capture", "{% capture x %}[{{ page.title | upcase }}]{% endcapture %}{{ x }}", `[LIQUID "POST"]`, ""},
		{"site posts", "{% for p in site.posts limit: 3 %}{{ p.title }};{% endfor %}", `Liquid "post";Third;Second;`, ""},
		{"site tags", "{{ site.tags.go | size }} {{ site.categories.news.first.title }}", `2 Liquid "post"`, ""},
		{"include with parameters", `{% include note.html kind="tip" text=page.author %}`, `<aside class="tip">ann on Liquid "post"</aside>`, ""},
		{"include_cached", `{% include_cached note.html text="hi" %}`, `<aside class="note">hi on Liquid "post"</aside>`, ""},
		{"include_relative", `{% include_relative snippet.txt %}`, `from Liquid "post"`, ""},
		{"link and post_url", "{% link _posts/2020-01-02-b.md %} {% post_url 2020-01-03-c %} {% link _docs/history.md %}",
			"/blog/2020/01/02/b/ /blog/2020/01/03/c/ /blog/docs/history/", ""},
		{"url filters", `{{ "/a b/" | relative_url }} {{ "x.png" | absolute_url }} {{ "https://o.org/x" | absolute_url }}`,
			"/blog/a%20b/ https://example.org/blog/x.png https://o.org/x", ""},
		{"text filters", `{{ "Hello, World: Go!" | slugify }} {{ "a <b>bold</b>  move" | strip_html | normalize_whitespace | number_of_words }} {{ "a&b<c>" | xml_escape }} {{ "a b&c" | cgi_escape }} {{ "a b" | uri_escape }}`,
			"hello-world-go 3 a&amp;b&lt;c&gt; a+b%26c a%20b", ""},
		{"array filters", `{{ page.tags | array_to_sentence_string }} {{ site.posts | where: "title", "Second" | map: "url" | jsonify }} {{ site.posts | sort: "title" | map: "title" | join: "," }}`,
			`go ["/2020/01/02/b/"] First,Liquid "post",Oldest,Second,Third`, ""},
		{"markdownify", `{{ "*hi*" | markdownify }}`, "<p><em>hi</em></p>\n", ""},
		{"highlight", "{% highlight ruby linenos %}\n\nputs \"<hi>\"\n\n{% endhighlight %}", "<!--feedwire:block:0-->", ""},
		{"unknown tag left as text", "a {% gist 123 %} {{ page.title }}", `a {% gist 123 %} Liquid "post"`, `unknown Liquid tag "gist"`},
		{"unknown tag kept with its line breaks", "{% gist\n 123 %}", "{% gist\n 123 %}", `unknown Liquid tag "gist"`},
		{"unknown filter left as text", "{{ page.title | frobnicate }} {{ page.author }}", "{{ page.title | frobnicate }} ann", `unknown Liquid filter "frobnicate"`},
		{"syntax error keeps the body", "{% if x %}never closed", "{% if x %}never closed", "Liquid not rendered"},
		{"missing include keeps the body", "{% include none.html %}", "{% include none.html %}", "none.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns := loadLiquid(t, tt.body)
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			switch {
			case tt.warning == "" && len(warns) > 0:
				t.Errorf("warnings %v, want none", warns)
			case tt.warning != "" && (len(warns) != 1 || !strings.Contains(warns[0].Reason, tt.warning) || warns[0].Path != "_posts/2020-02-03-liquid.md"):
				t.Errorf("warnings %v, want one about %q", warns, tt.warning)
			}
		})
	}
}

// TestLiquidHostile checks that posts written to stall a load or exhaust
// memory end quickly, with a warning, their body kept as written.
func TestLiquidHostile(t *testing.T) {
	tests := []struct{ name, body string }{
		{"nested loops over huge ranges", "{% for i in (1..100000000) %}{% for j in (1..100000000) %}{% endfor %}{% endfor %}"},
		{"loop over site posts squared", "{% for a in (1..100000) %}{% for p in site.posts %}{% for q in site.posts %}{% endfor %}{% endfor %}{% endfor %}"},
		{"include recursion", "{% include loop.html %}"},
		{"doubling capture", "{% assign x = 'xxxxxxxx' %}{% for i in (1..64) %}{% capture x %}{{ x }}{{ x }}{% endcapture %}{% endfor %}{{ x | size }}"},
		{"doubling append", "{% assign x = 'xxxxxxxx' %}{% for i in (1..64) %}{% assign x = x | append: x %}{% endfor %}"},
		{"huge output", "{% for i in (1..900000) %}0123456789{% endfor %}"},
		{"every post written whole, many times", "{% for i in (1..100000) %}{{ site.posts }}{% endfor %}"},
		{"many refs in one capture", "{% assign x = '" + strings.Repeat("y", 1<<16) + "' %}{% capture z %}" + strings.Repeat("{{x}}", 5000) + "{% endcapture %}"},
		{"replace blow-up", "{% assign x = '" + strings.Repeat("a", 1<<14) + "' %}{{ x | replace: 'a', '" + strings.Repeat("b", 1<<10) + "' }}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, warns := loadLiquid(t, tt.body)
			if took := time.Since(start); took > 2*liquidMaxTime+time.Second { // the body's render, then the excerpt's
				t.Errorf("load took %s", took)
			}
			if got != tt.body {
				t.Errorf("body %.80q..., want it kept as written", got)
			}
			if len(warns) != 1 || !strings.Contains(warns[0].Reason, "limit") {
				t.Errorf("warnings %v, want one about a limit", warns)
			}
		})
	}
}

// TestLiquidReload checks that a post whose Liquid lists other posts is a
// new post, with a new content hash, when they change, and keeps its hash
// when nothing it shows changed.
func TestLiquidReload(t *testing.T) {
	const p = "_posts/2020-02-03-list.md"
	fsys := liquidFixture(map[string]string{p: "---\ntitle: List\n---\n{% for x in site.posts %}{{ x.title }} {% endfor %}"})
	site, _ := ReadSiteConfig(fsys)
	find := func(s *Snapshot) *Post {
		for _, post := range s.AllPosts() {
			if post.Path == p {
				return post
			}
		}
		t.Fatal("list post not loaded")
		return nil
	}
	first, err := Load(context.Background(), fsys, LoadOptions{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	same, err := Load(context.Background(), fsys, LoadOptions{Site: site, Previous: first})
	if err != nil {
		t.Fatal(err)
	}
	if find(same).Hash != find(first).Hash {
		t.Error("a reload with nothing changed changed the list post's content hash")
	}
	fsys["_posts/2020-01-02-b.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Renamed\n---\nAnother.\n")}
	next, err := Load(context.Background(), fsys, LoadOptions{Site: site, Previous: same, Changed: []string{"_posts/2020-01-02-b.md"}})
	if err != nil {
		t.Fatal(err)
	}
	a, b := find(same), find(next)
	if a.Hash == b.Hash {
		t.Error("the list post kept its content hash though a post it lists was renamed")
	}
	body, _ := next.body(b)
	if !strings.Contains(string(body), "Renamed") {
		t.Errorf("body %q", body)
	}
	if find(next).liquid == nil || find(first).rendered == nil {
		t.Error("liquid source or output missing")
	}
}

func TestLiquidSkipped(t *testing.T) {
	fsys := liquidFixture(nil)
	site, _ := ReadSiteConfig(fsys)
	s, err := Load(context.Background(), fsys, LoadOptions{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.AllPosts() {
		if p.liquid != nil || p.rendered != nil {
			t.Errorf("%s: went through Liquid without any", p.Path)
		}
	}
}

// FuzzLiquid checks that no body makes the Liquid stage panic or stall,
// and that it renders the same twice.
func FuzzLiquid(f *testing.F) {
	for _, s := range []string{"{{ page.title | upcase }}", "{% raw %}{{x}}{% endraw %}", "{% for i in (1..3) %}{% cycle 'a','b' %}{% endfor %}",
		"{% include note.html text=page.title %}", "{% highlight go %}x{% endhighlight %}", "{%- if a -%}b{%- endif -%}", "{{ x | frobnicate }}",
		"{% capture c %}{{ c }}{% endcapture %}", "{% gist 1 %}", "{% comment %}{% endcomment %}", "{{", "{%", "{% raw %}"} {
		f.Add(s)
	}
	fsys := liquidFixture(nil)
	site, _ := ReadSiteConfig(fsys)
	cfg := newLoadConfig(LoadOptions{Site: site})
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 4096 {
			return
		}
		data := []byte("---\ntitle: x\n---\n" + body)
		p, prob := parsePost(candidate{path: "_posts/2020-01-05-f.md", inPosts: true}, data, cfg)
		if p == nil || p.liquid == nil {
			_ = prob
			return
		}
		s := newLiquidSite(fsys, cfg, []*Post{p})
		a, _, _ := s.renderPost(p)
		b, _, _ := newLiquidSite(fsys, cfg, []*Post{p}).renderPost(p)
		if string(a.text) != string(b.text) || len(a.blocks) != len(b.blocks) {
			t.Fatalf("two renders differ: %q and %q", a, b)
		}
	})
}

// TestLiquidExcerpt checks the summary of a post with Liquid: its excerpt
// goes through Liquid on its own, with the blocks the cut leaves open
// closed and page.id ending in #excerpt, as Jekyll renders it.
func TestLiquidExcerpt(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"open block closed", "Tests {% for i in (1..3) %}\n{{ i }} in\n\n{% endfor %}\n\nRest.", "Tests 1 in 2 in 3 in"},
		{"id of the excerpt", "id {{ page.id }}", "id /2020/02/03/liquid#excerpt"},
		{"separator", "---\ntitle: x\nexcerpt_separator: <!--more-->\n---\nOne {{ page.title }}\n\nTwo<!--more-->Three", "One x Two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "---\ntitle: x\n---\n" + tt.body
			if strings.HasPrefix(tt.body, "---") {
				text = tt.body
			}
			const p = "_posts/2020-02-03-liquid.md"
			fsys := liquidFixture(map[string]string{p: text})
			site, _ := ReadSiteConfig(fsys)
			site.FullContent = true
			s, err := Load(context.Background(), fsys, LoadOptions{Site: site})
			if err != nil {
				t.Fatal(err)
			}
			for _, post := range s.AllPosts() {
				if post.Path != p {
					continue
				}
				it, err := s.item(post, new(htmlBuffer))
				if err != nil {
					t.Fatal(err)
				}
				if it.summary != tt.want {
					t.Errorf("summary %q, want %q", it.summary, tt.want)
				}
				return
			}
			t.Fatal("post not loaded")
		})
	}
}

// TestLiquidHighlight checks that a highlight block reaches the content
// whole, blank lines in its code included, whatever the Markdown stage
// does with blank lines.
func TestLiquidHighlight(t *testing.T) {
	const p = "_posts/2020-02-03-liquid.md"
	fsys := liquidFixture(map[string]string{p: "---\ntitle: x\n---\nText\n\n{% highlight go %}\nfunc a() {\n\n\t*b* = \"<c>\"\n}\n{% endhighlight %}\n\nAfter {% highlight sh %}ls{% endhighlight %}.\n"})
	site, _ := ReadSiteConfig(fsys)
	s, err := Load(context.Background(), fsys, LoadOptions{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	for _, post := range s.AllPosts() {
		if post.Path != p {
			continue
		}
		html, err := s.Content(post)
		if err != nil {
			t.Fatal(err)
		}
		want := highlightCode("go", "func a() {\n\n\t*b* = \"<c>\"\n}", HighlightOptions{})
		if !strings.Contains(string(html), want) || !strings.Contains(string(html), highlightCode("sh", "ls", HighlightOptions{})) ||
			strings.Contains(string(html), "feedwire:block") {
			t.Errorf("content %s\nwant the blocks whole, %s", html, want)
		}
		return
	}
	t.Fatal("post not loaded")
}
