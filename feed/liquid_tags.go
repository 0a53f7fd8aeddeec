package feed

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v2"

	"github.com/osteele/liquid/render"
)

// includeParam is one key=value parameter of Jekyll's include tag: a
// double-quoted, single-quoted or bare (variable) value.
var includeParam = regexp.MustCompile(`([\w-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.-]+))`)

// include returns Jekyll's {% include file k=v %} (from _includes) or, with
// relative, {% include_relative %} (beside the post): the file rendered
// with the page's variables and include.k for each parameter.
func (r *liquidRender) include(relative bool) func(render.Context) (string, error) {
	return func(ctx render.Context) (string, error) {
		args, err := ctx.ExpandTagArg()
		if err != nil {
			return "", err
		}
		args = strings.TrimSpace(args)
		file, params, _ := strings.Cut(args, " ")
		if file == "" || strings.Contains(file, "..") || strings.HasPrefix(file, "/") {
			return "", fmt.Errorf("include: invalid file name %q", file)
		}
		name := path.Join(liquidIncludesDir, file)
		if relative {
			name = path.Join(path.Dir(r.post.Path), file)
		}
		// A MapSlice keeps the parameters in the order written, as Jekyll's
		// hash does, so that {% for p in include %} is deterministic.
		var vars yaml.MapSlice
		for _, m := range includeParam.FindAllStringSubmatch(params, -1) {
			var v any
			switch {
			case m[4] != "":
				var err error
				if v, err = ctx.EvaluateString(m[4]); err != nil {
					return "", err
				}
			case m[2] != "":
				v = m[2]
			default:
				v = m[3]
			}
			vars = setParam(vars, m[1], v)
		}
		bindings := ctx.Bindings()
		depth, _ := bindings[liquidDepthKey].(int)
		if depth >= liquidMaxDepth {
			return "", fmt.Errorf("%w: includes nested over %d deep", errLiquidLimit, liquidMaxDepth)
		}
		src, err := fs.ReadFile(r.site.fsys, name)
		if err != nil {
			return "", fmt.Errorf("include: %s: %w", name, err)
		}
		inner := make(map[string]any, len(bindings)+2)
		for k, v := range bindings {
			inner[k] = v
		}
		inner["include"] = vars
		inner[liquidDepthKey] = depth + 1
		prepared, _ := prepareLiquid(string(crlfToLF(src)), r.knownTag, r.knownFilter)
		out, serr := r.engine.ParseAndRenderString(prepared, inner)
		if serr != nil {
			return "", serr
		}
		if err := r.budget.spend(len(out), false); err != nil {
			return "", err
		}
		return out, nil
	}
}

// link is Jekyll's {% link path %}: the URL of the post or page at path
// below the site root, with the base URL.
func (r *liquidRender) link(ctx render.Context) (string, error) {
	args, err := ctx.ExpandTagArg()
	if err != nil {
		return "", err
	}
	name := strings.TrimPrefix(strings.TrimSpace(args), "/")
	if p, ok := r.site.byPath[name]; ok {
		return r.site.baseURL + r.site.relURL(p), nil
	}
	u, ok := r.site.pageURL(name)
	if !ok {
		return "", fmt.Errorf("link: no post or page %q", name)
	}
	return r.site.baseURL + u, nil
}

// postURL is Jekyll's {% post_url name %}: the URL of the post whose file
// name, without extension, is name (optionally after its folders).
func (r *liquidRender) postURL(ctx render.Context) (string, error) {
	args, err := ctx.ExpandTagArg()
	if err != nil {
		return "", err
	}
	name := strings.TrimSpace(args)
	if p, ok := r.site.byName[name]; ok {
		return r.site.baseURL + r.site.relURL(p), nil
	}
	if p, ok := r.site.byName[path.Base(name)]; ok {
		return r.site.baseURL + r.site.relURL(p), nil
	}
	return "", fmt.Errorf("post_url: no post %q", name)
}

// highlightLang is a valid language name and options of {% highlight %}.
var highlightLang = regexp.MustCompile(`^([\w+#-]+)((?:\s+\w+(?:=(?:"[^"]*"|'[^']*'|[\w.-]+))?)*)\s*$`)

// highlight is Jekyll's {% highlight lang opts %} block: its content, with
// leading and trailing line breaks removed, through highlightCode. It
// writes a placeholder that the HTML replaces after Markdown: the Markdown
// stage would end an HTML block at a blank line of the code.
func (r *liquidRender) highlight(ctx render.Context) (string, error) {
	m := highlightLang.FindStringSubmatch(strings.TrimSpace(ctx.TagArgs()))
	if m == nil {
		return "", fmt.Errorf("highlight: invalid arguments %q", ctx.TagArgs())
	}
	code, err := ctx.InnerString()
	if err != nil {
		return "", err
	}
	code = strings.TrimRight(strings.TrimLeft(code, "\r\n"), "\r\n")
	opts := HighlightOptions{}
	for _, f := range strings.Fields(m[2]) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "linenos":
			opts.LineNumbers = true
		case "mark_lines":
			opts.MarkLines = strings.Trim(v, `"'`)
		}
	}
	r.blocks = append(r.blocks, highlightCode(m[1], code, opts))
	return highlightPlaceholder(len(r.blocks) - 1), nil
}

// setParam sets key in params, in place when the key is there already (a
// later value wins, as in a Ruby hash), else at the end.
func setParam(params yaml.MapSlice, key string, v any) yaml.MapSlice {
	for i := range params {
		if params[i].Key == key {
			params[i].Value = v
			return params
		}
	}
	return append(params, yaml.MapItem{Key: key, Value: v})
}
