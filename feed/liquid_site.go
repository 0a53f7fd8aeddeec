package feed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// liquidSource is what the Liquid stage needs of a post whose body holds
// Liquid: its front matter and body as written. A Post keeps it so that a
// reload renders the post again against the new set of posts.
type liquidSource struct {
	fileHash    [32]byte       // content hash of the file: Post.Hash before Liquid
	frontMatter map[string]any // every front matter key, as YAML gives it
	body        []byte         // the body, LF line endings
	bodyLine    int            // line of the file where the body starts
}

// fileHash returns the content hash of p's file: Hash, but for a post with
// Liquid, whose Hash covers the Liquid output too.
func (p *Post) fileHash() [32]byte {
	if p.liquid != nil {
		return p.liquid.fileHash
	}
	return p.Hash
}

// newLiquidSource returns the liquid source of a post whose file holds
// data, with its body at bodyStart, or nil when the body holds no Liquid.
func newLiquidSource(data []byte, yamlSrc []byte, bodyStart int, hash [32]byte) *liquidSource {
	body := data[bodyStart:]
	if !hasLiquid(body) {
		return nil
	}
	fm := map[string]any{}
	_ = yaml.Unmarshal(yamlSrc, &fm) // parseFrontMatter already accepted it; a quirk it forgave leaves fm partial
	return &liquidSource{
		fileHash:    hash,
		frontMatter: fm,
		body:        bytes.Clone(crlfToLF(body)),
		bodyLine:    1 + bytes.Count(data[:bodyStart], []byte{'\n'}),
	}
}

// liquidSite is what every Liquid render of one load shares: the site's
// configuration and its posts, as site.* and for the link tags.
type liquidSite struct {
	fsys    fs.FS
	cfg     *loadConfig
	md      *Markdown        // the site's Markdown stage, for markdownify and excerpts
	config  map[string]any   // _config.yml
	baseURL string           // _config.yml baseurl, without a trailing slash
	posts   []*Post          // newest first
	byPath  map[string]*Post // by path below the root
	byName  map[string]*Post // by file name without extension

	once sync.Once
	site map[string]any
}

// renderLiquidPosts renders the Liquid of every post that holds some,
// against the site of posts. A post whose result is the one it already
// carries stays the same *Post; any other is copied with its new body and
// a content hash that covers it. It returns the posts (a new slice when one
// changed) and a warning for each construct left as text or render that
// failed, sorted by path and line.
func renderLiquidPosts(ctx context.Context, fsys fs.FS, cfg *loadConfig, posts []*Post) ([]*Post, []Problem) {
	if !slices.ContainsFunc(posts, func(p *Post) bool { return p.liquid != nil }) {
		return posts, nil
	}
	s := newLiquidSite(fsys, cfg, posts)
	var changed []*Post
	var warns []Problem
	for i, p := range posts {
		if p.liquid == nil || ctx.Err() != nil {
			continue
		}
		body, pw, ok := s.renderPost(p)
		for _, w := range pw {
			warns = append(warns, Problem{Path: p.Path, Line: p.liquid.bodyLine + w.line - 1, Reason: w.reason + "."})
		}
		out := &liquidOutput{body: body}
		if ok {
			out.excerpt = s.renderExcerpt(p)
		} else {
			out.excerpt = liquidText{text: rawExcerpt(body.text, s.excerptSeparator(p))} // the body as written: its excerpt as written
		}
		h := sha256.New()
		h.Write(p.liquid.fileHash[:])
		for _, t := range []liquidText{out.body, out.excerpt} {
			h.Write([]byte("\x00text\x00"))
			h.Write(t.text)
			for _, b := range t.blocks {
				h.Write([]byte("\x00block\x00"))
				h.Write([]byte(b))
			}
		}
		sum := [32]byte(h.Sum(nil))
		if sum == p.Hash {
			continue
		}
		if changed == nil {
			changed = slices.Clone(posts)
		}
		c := *p
		c.Hash, c.rendered = sum, out
		changed[i] = &c
	}
	slices.SortStableFunc(warns, func(a, b Problem) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	if changed == nil {
		return posts, warns
	}
	return changed, warns
}

// liquidOutput is what the Liquid stage made of a post.
type liquidOutput struct {
	body    liquidText // the body
	excerpt liquidText // the excerpt, rendered on its own as Jekyll does
}

// renderExcerpt renders the excerpt of p as Jekyll does: the body up to the
// excerpt separator, with the Liquid blocks it leaves open closed and the
// link references of the rest, through Liquid on its own, page.id ending
// in "#excerpt" (the whole body when it holds no separator). A source that
// does not render is returned as written.
func (s *liquidSite) renderExcerpt(p *Post) liquidText {
	sep := s.excerptSeparator(p)
	src := string(p.liquid.body)
	if head, tail, found := strings.Cut(src, sep); found {
		src = string(rawExcerpt([]byte(closeLiquidBlocks(head)+sep+tail), sep))
	}
	page := s.page(p, p.liquid.frontMatter)
	page["id"] = page["id"].(string) + "#excerpt"
	out, _, err := s.renderLiquid(p, src, page)
	if err != nil {
		return liquidText{text: []byte(src)}
	}
	return out
}

// excerptSeparator returns the excerpt separator of p: its own, else the
// site's, else Jekyll's default.
func (s *liquidSite) excerptSeparator(p *Post) string {
	for _, sep := range []string{p.ExcerptSeparator, s.cfg.site.ExcerptSeparator} {
		if sep != "" {
			return sep
		}
	}
	return defaultExcerptSeparator
}

// liquidTagName matches a Liquid tag and captures its name.
var liquidTagName = regexp.MustCompile(`(?s){%-?\s*(\w+)\s*.*?-?%}`)

// closeLiquidBlocks appends to head, an excerpt cut from a body, the end
// tags of the Liquid blocks it opens and does not close, innermost first,
// as Jekyll's excerpt does.
func closeLiquidBlocks(head string) string {
	if !strings.Contains(head, "{%") {
		return head
	}
	names := liquidTagName.FindAllStringSubmatch(head, -1)
	for i := len(names) - 1; i >= 0; i-- {
		name := names[i][1]
		switch name {
		case "for", "if", "unless", "case", "capture", "comment", "raw", "highlight", "tablerow":
		default:
			continue
		}
		if regexp.MustCompile(`(?s){%-?\s*end` + name + `.*?\s*-?%}`).MatchString(head) {
			continue
		}
		head += "\n{% end" + name + " %}"
	}
	return head
}

// renderPost renders the Liquid of p; a render that fails leaves the body
// as written, with the reason as a warning, and ok false.
func (s *liquidSite) renderPost(p *Post) (body liquidText, warns []liquidWarning, ok bool) {
	out, warns, err := s.renderLiquid(p, string(p.liquid.body), s.page(p, p.liquid.frontMatter))
	if err != nil {
		reason := "Liquid not rendered, body kept as written: " + err.Error()
		return liquidText{text: p.liquid.body}, append(warns, liquidWarning{line: 1, reason: reason}), false
	}
	return out, warns, true
}

// newLiquidSite indexes posts for the Liquid renders of one load.
func newLiquidSite(fsys fs.FS, cfg *loadConfig, posts []*Post) *liquidSite {
	s := &liquidSite{fsys: fsys, cfg: cfg, md: NewMarkdown(cfg.site.Markdown), byPath: map[string]*Post{}, byName: map[string]*Post{}}
	s.posts = slices.Clone(posts)
	slices.SortFunc(s.posts, comparePosts)
	for _, p := range s.posts {
		s.byPath[p.Path] = p
		name := path.Base(p.Path)
		name = strings.TrimSuffix(name, path.Ext(name))
		if _, ok := s.byName[name]; !ok {
			s.byName[name] = p
		}
	}
	s.config = map[string]any{}
	if data, err := fs.ReadFile(fsys, ConfigFile); err == nil {
		_ = yaml.Unmarshal(data, &s.config) // ReadSiteConfig reported a bad file already
	}
	if b, ok := s.config["baseurl"].(string); ok {
		s.baseURL = strings.TrimRight(b, "/")
	}
	return s
}

// relURL returns the path of p's URL below the site URL, as Jekyll's
// page.url: escaped, without the base URL.
func (s *liquidSite) relURL(p *Post) string {
	u := strings.TrimPrefix(p.URL, s.cfg.site.URL)
	if u == "" || u[0] != '/' {
		u = "/" + u
	}
	return u
}

// drop returns site.*: _config.yml, the site settings, and the posts.
func (s *liquidSite) drop() map[string]any {
	s.once.Do(func() {
		m := make(map[string]any, len(s.config)+8)
		for k, v := range s.config {
			m[k] = v
		}
		m["title"] = s.cfg.site.Title
		if s.cfg.site.Description != "" {
			m["description"] = s.cfg.site.Description
		}
		m["baseurl"] = s.baseURL
		if _, ok := m["url"]; !ok {
			m["url"] = strings.TrimSuffix(s.cfg.site.URL, s.baseURL)
		}
		// The posts are made into Liquid values only when a template
		// uses them: a site of 100,000 posts with one {{ site.title }}
		// does not build 100,000 pages.
		lists := &lazyValue{f: func() any {
			posts := make([]any, len(s.posts))
			cats, tags := map[string]any{}, map[string]any{}
			for i, p := range s.posts {
				d := s.page(p, nil)
				posts[i] = d
				for _, c := range p.Categories {
					l, _ := cats[c].([]any)
					cats[c] = append(l, d)
				}
				for _, t := range p.Tags {
					l, _ := tags[t].([]any)
					tags[t] = append(l, d)
				}
			}
			return map[string]any{"posts": posts, "categories": cats, "tags": tags}
		}}
		for _, k := range []string{"posts", "categories", "tags"} {
			m[k] = &lazyValue{f: func() any { return lists.ToLiquid().(map[string]any)[k] }}
		}
		m["pages"], m["static_files"], m["html_pages"] = []any{}, []any{}, []any{}
		if len(s.posts) > 0 {
			m["time"] = s.posts[0].Date.In(s.cfg.site.Location) // the newest post, never the clock
		} else {
			m["time"] = time.Unix(0, 0).In(s.cfg.site.Location)
		}
		m["data"] = &lazyValue{f: func() any { return s.data() }}
		s.site = m
	})
	return s.site
}

// lazyValue is a Liquid value made on first use, once.
type lazyValue struct {
	once sync.Once
	f    func() any
	v    any
}

// ToLiquid returns the value, making it on the first call.
func (l *lazyValue) ToLiquid() any {
	l.once.Do(func() { l.v = l.f() })
	return l.v
}

// String is the value as Liquid writes it, for a template that writes a
// whole map holding it.
func (l *lazyValue) String() string { return fmt.Sprint(l.ToLiquid()) }

// page returns the page.* variables of p: its front matter fm, if given,
// and what Jekyll computes.
func (s *liquidSite) page(p *Post, fm map[string]any) map[string]any {
	m := make(map[string]any, len(fm)+12)
	for k, v := range fm {
		m[k] = v
	}
	m["title"] = p.Title
	m["url"] = s.relURL(p)
	m["id"] = strings.TrimPrefix(p.ID, s.cfg.site.URL)
	m["date"] = p.Date.In(s.cfg.site.Location)
	m["categories"] = toAny(p.Categories)
	m["tags"] = toAny(p.Tags)
	m["slug"] = p.Slug
	m["path"] = p.Path
	m["name"] = path.Base(p.Path)
	m["collection"] = "posts"
	if p.Description != "" {
		m["description"] = p.Description
	}
	if _, ok := m["excerpt"]; !ok { // front matter's own excerpt wins, as in Jekyll
		m["excerpt"] = excerptDrop{s: s, p: p}
	}
	return m
}

// excerptDrop is page.excerpt, rendered only when a template uses it: the
// body up to the excerpt separator, as HTML.
type excerptDrop struct {
	s *liquidSite
	p *Post
}

// ToLiquid renders the excerpt.
func (d excerptDrop) ToLiquid() any {
	var body []byte
	if d.p.liquid != nil {
		body = d.p.liquid.body
	} else if data, err := fs.ReadFile(d.s.fsys, d.p.Path); err == nil && d.p.bodyStart <= len(data) {
		body = crlfToLF(data[d.p.bodyStart:])
	}
	html, err := renderBody(d.s.md, rawExcerpt(body, d.p.ExcerptSeparator), d.p.markdown, new(htmlBuffer))
	if err != nil {
		return ""
	}
	return string(html)
}

// String is empty: a template that writes a whole page, or every post,
// gets no excerpt in it, rather than one Markdown render per post.
func (d excerptDrop) String() string { return "" }

// data returns site.data: the YAML files of _data by name, top level only.
func (s *liquidSite) data() map[string]any {
	out := map[string]any{}
	entries, err := fs.ReadDir(s.fsys, "_data")
	if err != nil {
		return out
	}
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || (ext != ".yml" && ext != ".yaml") {
			continue
		}
		src, err := fs.ReadFile(s.fsys, path.Join("_data", e.Name()))
		if err != nil {
			continue
		}
		var v any
		if err := yaml.Unmarshal(src, &v); err == nil {
			out[strings.TrimSuffix(e.Name(), ext)] = v
		}
	}
	return out
}

// pageURL returns the URL Jekyll gives the page or collection document at
// name (below the site root): its front matter permalink, else its path
// with .html (a collection's folder without its '_').
func (s *liquidSite) pageURL(name string) (string, bool) {
	data, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		return "", false
	}
	if block, err := splitFrontMatter(data); err == nil {
		var fm struct {
			Permalink string `yaml:"permalink"`
		}
		if yaml.Unmarshal(block.yaml, &fm) == nil && fm.Permalink != "" {
			return fm.Permalink, true
		}
	} else if !errors.Is(err, errNoFrontMatter) {
		return "", false
	}
	u := "/" + strings.TrimPrefix(strings.TrimSuffix(name, path.Ext(name)), "_")
	if path.Base(u) == "index" {
		return path.Dir(u), true
	}
	return u + ".html", true
}

// toAny returns names as a Liquid array.
func toAny(names []string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}
