package feed

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/osteele/liquid/values"
)

// filters returns the filters Jekyll adds to Liquid, and size-checked
// versions of the standard ones that can make long strings or arrays.
func (r *liquidRender) filters() map[string]any {
	site := r.site
	return map[string]any{
		"absolute_url": func(s any) string { return site.absoluteURL(toString(s)) },
		"relative_url": func(s any) string { return site.relativeURL(toString(s)) },
		"date_to_xmlschema": func(t any) any {
			return jekyllDate(t, site, func(t time.Time) string { return t.Format("2006-01-02T15:04:05-07:00") })
		},
		"date_to_rfc822": func(t any) any {
			return jekyllDate(t, site, func(t time.Time) string { return t.Format("Mon, 02 Jan 2006 15:04:05 -0700") })
		},
		"date_to_string": func(t any, typ, style func(string) string) any {
			return jekyllDate(t, site, func(t time.Time) string { return stringDate(t, "Jan", typ(""), style("")) })
		},
		"date_to_long_string": func(t any, typ, style func(string) string) any {
			return jekyllDate(t, site, func(t time.Time) string { return stringDate(t, "January", typ(""), style("")) })
		},
		"markdownify": func(s any) (string, error) {
			out, err := renderBody(site.md, []byte(toString(s)), true, new(htmlBuffer))
			return string(out), err
		},
		"smartify":             func(s any) string { return toString(s) },
		"xml_escape":           func(s any) string { return xmlEscapeAttr(toString(s)) },
		"cgi_escape":           func(s any) string { return url.QueryEscape(toString(s)) },
		"uri_escape":           func(s any) string { return uriEscape(toString(s)) },
		"jsonify":              jsonify,
		"inspect":              jsonify,
		"slugify":              func(s any, mode func(string) string) string { return liquidSlugify(toString(s), mode("default")) },
		"number_of_words":      func(s any) int { return len(strings.Fields(toString(s))) },
		"normalize_whitespace": func(s any) string { return strings.Join(strings.Fields(toString(s)), " ") },
		"array_to_sentence_string": func(a []any, connector func(string) string) string {
			return sentence(a, connector("and"))
		},
		"where":     where,
		"where_exp": r.whereExp,
		"find":      func(a []any, prop string, v any) any { return firstOf(where(a, prop, v)) },
		"group_by":  groupBy,
		"sort":      sortBy,
		"push":      func(a []any, v any) ([]any, error) { return checkLen(append(slices.Clone(a), v)) },
		"unshift":   func(a []any, v any) ([]any, error) { return checkLen(append([]any{v}, a...)) },
		"pop":       func(a []any) []any { return a[:max(0, len(a)-1)] },
		"shift":     func(a []any) []any { return a[min(1, len(a)):] },
		"append":    func(s, t any) (string, error) { return checkString(toString(s) + toString(t)) },
		"prepend":   func(s, t any) (string, error) { return checkString(toString(t) + toString(s)) },
		"replace": func(s, old, new any) (string, error) {
			o, n, in := toString(old), toString(new), toString(s)
			if len(n) > len(o) && strings.Count(in, o)*(len(n)-len(o)) > liquidMaxString {
				return "", fmt.Errorf("%w: replace makes a string over %d bytes", errLiquidLimit, liquidMaxString)
			}
			return strings.ReplaceAll(in, o, n), nil
		},
		"join": func(a []any, sep func(string) string) (string, error) {
			parts := make([]string, len(a))
			for i, v := range a {
				parts[i] = toString(v)
			}
			return checkString(strings.Join(parts, sep(" ")))
		},
		"concat": func(a, b []any) ([]any, error) { return checkLen(append(slices.Clone(a), b...)) },
	}
}

// checkString fails for a string over the limit.
func checkString(s string) (string, error) {
	if len(s) > liquidMaxString {
		return "", fmt.Errorf("%w: a string over %d bytes", errLiquidLimit, liquidMaxString)
	}
	return s, nil
}

// checkLen fails for an array over the iteration limit.
func checkLen(a []any) ([]any, error) {
	if len(a) > liquidMaxIterations {
		return nil, fmt.Errorf("%w: an array over %d items", errLiquidLimit, liquidMaxIterations)
	}
	return a, nil
}

// toString is a value as Liquid writes it.
func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		return v.Format("2006-01-02 15:04:05 -0700")
	}
	return fmt.Sprint(values.ToLiquid(v))
}

// absoluteURL is Jekyll's absolute_url: site url, baseurl, then the path.
func (s *liquidSite) absoluteURL(in string) string {
	if u, err := url.Parse(in); err == nil && u.IsAbs() {
		return in
	}
	base, _ := s.config["url"].(string)
	if base == "" {
		base = strings.TrimSuffix(s.cfg.site.URL, s.baseURL)
	}
	return strings.TrimRight(base, "/") + s.relativeURL(in)
}

// relativeURL is Jekyll's relative_url: the baseurl, then the path.
func (s *liquidSite) relativeURL(in string) string {
	if u, err := url.Parse(in); err == nil && u.IsAbs() {
		return in
	}
	p := s.baseURL + "/" + strings.TrimLeft(in, "/")
	if in == "" && s.baseURL != "" {
		p = s.baseURL
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return uriEscape(p)
}

// jekyllDate applies format to a date value (a time, or a string in a form
// front matter accepts), in the site zone; any other value is returned as
// it is.
func jekyllDate(v any, s *liquidSite, format func(time.Time) string) any {
	loc := s.cfg.site.Location
	switch t := v.(type) {
	case time.Time:
		return format(t.In(loc))
	case string:
		if d, err := parseDate(t, loc); err == nil {
			return format(d.In(loc))
		}
	}
	return v
}

// stringDate is date_to_string and date_to_long_string: "02 Jan 2006", or
// with "ordinal" "2nd Jan 2006" ("Jan 2nd, 2006" with "US").
func stringDate(t time.Time, month, typ, style string) string {
	if typ != "ordinal" {
		return t.Format("02 " + month + " 2006")
	}
	day := fmt.Sprintf("%d%s", t.Day(), ordinal(t.Day()))
	if style == "US" {
		return t.Format(month) + " " + day + ", " + t.Format("2006")
	}
	return day + " " + t.Format(month+" 2006")
}

// ordinal returns the English suffix of day.
func ordinal(day int) string {
	if day/10 == 1 {
		return "th"
	}
	switch day % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// xmlEscapeAttr is Jekyll's xml_escape.
func xmlEscapeAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// uriEscape escapes what a URI may not hold and leaves the rest, as
// Addressable's normalize_component does.
func uriEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (isASCIILetter(c) || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@/?#[]%", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// jsonify is Jekyll's jsonify.
func jsonify(v any) (string, error) {
	b, err := json.Marshal(values.ToLiquid(v))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// slugModes are the character runs each slugify mode turns into '-'.
var slugModes = map[string]*regexp.Regexp{
	"raw":     regexp.MustCompile(`\s+`),
	"default": regexp.MustCompile(`[^\p{M}\p{L}\p{Nd}]+`),
	"pretty":  regexp.MustCompile(`[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+`),
	"ascii":   regexp.MustCompile(`[^A-Za-z0-9]+`),
	"latin":   regexp.MustCompile(`[^A-Za-z0-9]+`),
}

// liquidSlugify is Jekyll's slugify filter (the latin mode without transliteration).
func liquidSlugify(s, mode string) string {
	re, ok := slugModes[mode]
	if !ok {
		return strings.ToLower(s)
	}
	slug := strings.Trim(re.ReplaceAllString(s, "-"), "-")
	return strings.Map(unicode.ToLower, slug)
}

// sentence is array_to_sentence_string.
func sentence(a []any, connector string) string {
	parts := make([]string, len(a))
	for i, v := range a {
		parts[i] = toString(v)
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " " + connector + " " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + ", " + connector + " " + parts[len(parts)-1]
}

// property returns the property name of v, a map or drop, with dots
// walking into nested maps.
func property(v any, name string) any {
	for _, k := range strings.Split(name, ".") {
		v = values.ValueOf(v).PropertyValue(values.ValueOf(k)).Interface()
	}
	return v
}

// where is Jekyll's where: the items whose property equals v, or holds it
// when the property is an array.
func where(a []any, prop string, v any) []any {
	want := toString(v)
	var out []any
	for _, item := range a {
		got := property(item, prop)
		if l, ok := got.([]any); ok {
			if slices.ContainsFunc(l, func(x any) bool { return toString(x) == want }) {
				out = append(out, item)
			}
			continue
		}
		if toString(got) == want {
			out = append(out, item)
		}
	}
	return out
}

// whereExp is Jekyll's where_exp: the items for which the expression, with
// the item bound to name, is true.
func (r *liquidRender) whereExp(a []any, name, expr string) ([]any, error) {
	var out []any
	for _, item := range a {
		if err := r.budget.spend(0, true); err != nil {
			return nil, err
		}
		v, err := r.engine.ParseAndRenderString("{% if "+expr+" %}1{% endif %}", map[string]any{name: item})
		if err != nil {
			return nil, err
		}
		if v == "1" {
			out = append(out, item)
		}
	}
	return out, nil
}

// firstOf returns a's first item, or nil.
func firstOf(a []any) any {
	if len(a) == 0 {
		return nil
	}
	return a[0]
}

// groupBy is Jekyll's group_by: {name, items, size} per distinct value of
// the property, in order of first appearance.
func groupBy(a []any, prop string) []any {
	var out []any
	index := map[string]int{}
	for _, item := range a {
		k := toString(property(item, prop))
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, map[string]any{"name": k, "items": []any{}, "size": 0})
		}
		g := out[i].(map[string]any)
		g["items"] = append(g["items"].([]any), item)
		g["size"] = len(g["items"].([]any))
	}
	return out
}

// sortBy is Jekyll's sort: by the items themselves, or by a property, with
// items missing it first or last ("first" or "last", default last).
func sortBy(a []any, prop func(string) string, nils func(string) string) []any {
	out := slices.Clone(a)
	p, last := prop(""), nils("last") != "first"
	key := func(v any) any {
		if p == "" {
			return v
		}
		return property(v, p)
	}
	slices.SortStableFunc(out, func(x, y any) int {
		kx, ky := key(x), key(y)
		switch {
		case kx == nil && ky == nil:
			return 0
		case kx == nil:
			return map[bool]int{true: 1, false: -1}[last]
		case ky == nil:
			return map[bool]int{true: -1, false: 1}[last]
		}
		vx, vy := values.ValueOf(kx), values.ValueOf(ky)
		switch {
		case vx.Less(vy):
			return -1
		case vy.Less(vx):
			return 1
		}
		return 0
	})
	return out
}
