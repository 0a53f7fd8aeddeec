package feed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/osteele/liquid"
	"github.com/osteele/liquid/render"
)

// Limits of one post's Liquid render. A post that reaches one keeps its
// body as written, with a warning; the others are unaffected. The counted
// limits make the result the same on every machine; the time limit is a
// safety net that only a hostile post reaches.
const (
	liquidMaxIterations = 250_000          // loop iterations, all loops together
	liquidMaxOutput     = 8 << 20          // bytes written by objects and loop bodies
	liquidMaxDepth      = 16               // nested includes
	liquidMaxTime       = 2 * time.Second  // wall time of one post's render
	liquidMaxString     = liquidMaxOutput  // longest string a filter makes
	liquidOutFilter     = "feedwire_out"   // counts the bytes objects write
	liquidTickTag       = "feedwire_tick"  // counts loop iterations
	liquidIncludesDir   = "_includes"      // where {% include %} finds its files
	liquidDepthKey      = " include_depth" // binding no template can name
)

// errLiquidLimit reports a render stopped by one of its limits.
var errLiquidLimit = errors.New("limit reached")

// liquidBudget is what one render may still spend.
type liquidBudget struct {
	iterations int
	output     int
	deadline   time.Time
}

// spend charges n bytes of output and one iteration if loop is set.
func (b *liquidBudget) spend(n int, loop bool) error {
	b.output -= n
	if loop {
		b.iterations--
	}
	switch {
	case b.output < 0:
		return fmt.Errorf("%w: output over %d bytes", errLiquidLimit, liquidMaxOutput)
	case b.iterations < 0:
		return fmt.Errorf("%w: over %d loop iterations", errLiquidLimit, liquidMaxIterations)
	case loop && b.iterations%1024 == 0 && time.Now().After(b.deadline):
		return fmt.Errorf("%w: rendering took over %s", errLiquidLimit, liquidMaxTime)
	}
	return nil
}

// liquidRender is the state of one post's render: the engine, with the
// Jekyll tags and filters bound to the site and to this render's budget.
type liquidRender struct {
	site   *liquidSite
	post   *Post
	engine *liquid.Engine
	budget liquidBudget
	jekyll map[string]any // Jekyll's filters, by name
	blocks []string       // the HTML of the highlight blocks, which the output holds as placeholders
}

// renderLiquid renders the Liquid of body, the post p's body, and returns
// the result and the constructs left as text. An error means the body is
// kept as written (its reason is a warning of the post).
func (s *liquidSite) renderLiquid(p *Post, body string, page map[string]any) (out liquidText, warns []liquidWarning, err error) {
	defer func() {
		// The engine panics on some templates (a cycle outside a loop
		// that spoofs forloop); the post keeps its body instead.
		if v := recover(); v != nil {
			out, err = liquidText{}, fmt.Errorf("the Liquid engine failed: %v", v)
		}
	}()
	r := &liquidRender{site: s, post: p, budget: liquidBudget{
		iterations: liquidMaxIterations,
		output:     liquidMaxOutput,
		deadline:   time.Now().Add(liquidMaxTime),
	}}
	r.jekyll = r.filters()
	r.engine = r.newEngine()
	src, warns := prepareLiquid(body, r.knownTag, r.knownFilter)
	bindings := map[string]any{"site": s.drop(), "page": page}
	var b strings.Builder
	w := &limitWriter{w: &b, left: liquidMaxOutput}
	if err := r.engine.ParseAndFRender(w, []byte(src), bindings); err != nil {
		return liquidText{}, warns, liquidError(err)
	}
	return liquidText{text: []byte(b.String()), blocks: r.blocks}, warns, nil
}

// liquidText is Liquid output: text for the Markdown stage, whose
// placeholders (highlightPlaceholder) stand for blocks of HTML that the
// Markdown stage must not touch, put back after it.
type liquidText struct {
	text   []byte
	blocks []string
}

// highlightPlaceholder returns the placeholder of block i: an HTML comment,
// which Markdown passes through as it is, on its own line or inline.
func highlightPlaceholder(i int) string {
	return "<!--feedwire:block:" + strconv.Itoa(i) + "-->"
}

// restore returns html, rendered from t's text, with each placeholder
// replaced by its block.
func (t liquidText) restore(html []byte) []byte {
	if len(t.blocks) == 0 || !bytes.Contains(html, []byte("<!--feedwire:block:")) {
		return html
	}
	for i := len(t.blocks) - 1; i >= 0; i-- { // from the last, so that 1 is not found in 10
		html = bytes.ReplaceAll(html, []byte(highlightPlaceholder(i)), []byte(t.blocks[i]))
	}
	return html
}

// liquidError is the reason a render failed, without the engine's prefix.
func liquidError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "Liquid error: ")
	if errors.Is(err, errLiquidLimit) || strings.Contains(msg, errLiquidLimit.Error()) {
		return fmt.Errorf("%w (%s)", errLiquidLimit, msg)
	}
	return errors.New(msg)
}

// newEngine returns a Liquid engine with Jekyll's tags and filters, bound
// to r.
func (r *liquidRender) newEngine() *liquid.Engine {
	e := liquid.NewEngine()
	e.RegisterTag(liquidTickTag, r.tick)
	e.RegisterFilter(liquidOutFilter, r.out)
	e.RegisterTag("include", r.include(false))
	e.RegisterTag("include_cached", r.include(false))
	e.RegisterTag("include_relative", r.include(true))
	e.RegisterTag("link", r.link)
	e.RegisterTag("post_url", r.postURL)
	e.RegisterBlock("highlight", r.highlight)
	for name, fn := range r.jekyll {
		e.RegisterFilter(name, fn)
	}
	return e
}

// knownTag reports whether the engine renders tags named name.
func (r *liquidRender) knownTag(name string) bool {
	switch name {
	case "assign", "capture", "endcapture", "case", "when", "else", "endcase", "cycle",
		"for", "endfor", "break", "continue", "if", "elsif", "endif", "unless", "endunless",
		"tablerow", "endtablerow", "include", "include_cached", "include_relative",
		"highlight", "endhighlight", "link", "post_url":
		return true
	}
	return false
}

// knownFilter reports whether the engine has a filter named name.
func (r *liquidRender) knownFilter(name string) bool {
	if _, ok := r.jekyll[name]; ok {
		return true
	}
	switch name {
	case "default", "json", "compact", "concat", "join", "map", "reverse", "sort", "first",
		"last", "uniq", "date", "abs", "ceil", "floor", "modulo", "minus", "plus", "times",
		"divided_by", "round", "size", "append", "capitalize", "downcase", "escape",
		"escape_once", "newline_to_br", "prepend", "remove", "remove_first", "replace",
		"replace_first", "sort_natural", "slice", "split", "strip_html", "strip_newlines",
		"strip", "lstrip", "rstrip", "truncate", "truncatewords", "upcase", "url_encode",
		"url_decode":
		return true
	}
	return false
}

// tick is {% feedwire_tick N %}, which prepareLiquid puts at the start of
// every loop body (N is the size of the body's source) and after every
// capture (N is 0): it charges an iteration and N bytes.
func (r *liquidRender) tick(ctx render.Context) (string, error) {
	n, _ := strconv.Atoi(strings.TrimSpace(ctx.TagArgs()))
	return "", r.budget.spend(n, n > 0 || ctx.TagArgs() != "0")
}

// out is the feedwire_out filter, which prepareLiquid adds to every object:
// it charges the bytes the object writes.
func (r *liquidRender) out(v any) (any, error) {
	var n int
	switch v := v.(type) {
	case string:
		n = len(v)
	case []any:
		n = 256 * len(v) // items are often pages, written whole
	default:
		n = 16
	}
	if err := r.budget.spend(n, false); err != nil {
		return nil, err
	}
	return v, nil
}

// limitWriter fails once more than left bytes are written.
type limitWriter struct {
	w    io.Writer
	left int
}

// Write writes p, or fails when it would go over the limit.
func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.left {
		return 0, fmt.Errorf("%w: output over %d bytes", errLiquidLimit, liquidMaxOutput)
	}
	l.left -= len(p)
	return l.w.Write(p)
}
