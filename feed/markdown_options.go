package feed

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MarkdownOptions says how post bodies in Markdown become HTML, as a Jekyll
// site's _config.yml says it: the converter (markdown), the highlighter and
// the kramdown options. The zero value is Jekyll's default: kramdown reading
// GFM, with heading ids, typographic quotes and Rouge highlighting.
type MarkdownOptions struct {
	CommonMark    bool   // markdown: CommonMark (jekyll-commonmark): plain CommonMark
	KramdownText  bool   // kramdown input: kramdown rather than GFM
	HardWrap      bool   // kramdown hard_wrap: a line break is a <br />
	NoAutoIDs     bool   // kramdown auto_ids: false
	NoTypographic bool   // kramdown gfm_quirks holds no_auto_typographic: quotes and dashes stay as typed
	AutoIDPrefix  string // kramdown auto_id_prefix
	NoHighlight   bool   // highlighter (or kramdown syntax_highlighter) turned off
	DefaultLang   string // kramdown syntax_highlighter_opts default_lang
	NoGuessLang   bool   // kramdown guess_lang: false (Jekyll sets it): code without a language is not highlighted
	SmartQuotes   string // kramdown smart_quotes, "" for lsquo,rsquo,ldquo,rdquo
	FootnoteNr    int    // kramdown footnote_nr, 0 for 1
	TOCLevels     uint8  // kramdown toc_levels as a bit per level (bit 1 = h1), 0 for 1..6
}

// key is the options as one string, for validators and for sharing a
// converter between snapshots.
func (o MarkdownOptions) key() string {
	return fmt.Sprintf("%t|%t|%t|%t|%t|%s|%t|%s|%t|%s|%d|%d", o.CommonMark, o.KramdownText, o.HardWrap, o.NoAutoIDs, o.NoTypographic,
		o.AutoIDPrefix, o.NoHighlight, o.DefaultLang, o.NoGuessLang, o.SmartQuotes, o.FootnoteNr, o.TOCLevels)
}

// readMarkdownOptions sets o from one top-level key of _config.yml:
// markdown, highlighter or kramdown. Other keys are ignored.
func (o *MarkdownOptions) read(key string, v *yaml.Node) {
	switch key {
	case "markdown":
		o.CommonMark = strings.EqualFold(strings.TrimSpace(scalar(v)), "commonmark") ||
			strings.EqualFold(strings.TrimSpace(scalar(v)), "commonmarkghpages")
	case "highlighter":
		o.NoHighlight = highlighterOff(v)
	case "kramdown":
		if v.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			o.readKramdown(strings.TrimPrefix(scalar(v.Content[i]), ":"), deref(v.Content[i+1]))
		}
	}
}

// readKramdown sets o from one key of the kramdown mapping.
func (o *MarkdownOptions) readKramdown(key string, v *yaml.Node) {
	switch key {
	case "input":
		o.KramdownText = strings.EqualFold(scalar(v), "kramdown")
	case "hard_wrap":
		o.HardWrap = scalar(v) == "true"
	case "auto_ids":
		o.NoAutoIDs = scalar(v) == "false"
	case "auto_id_prefix":
		o.AutoIDPrefix = scalar(v)
	case "syntax_highlighter":
		o.NoHighlight = highlighterOff(v)
	case "syntax_highlighter_opts":
		for i := 0; v.Kind == yaml.MappingNode && i+1 < len(v.Content); i += 2 {
			if strings.TrimPrefix(scalar(v.Content[i]), ":") == "default_lang" {
				o.DefaultLang = scalar(deref(v.Content[i+1]))
			}
		}
	case "gfm_quirks":
		o.NoTypographic = false
		items := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			items = v.Content
		}
		for _, c := range items {
			if strings.Contains(scalar(c), "no_auto_typographic") {
				o.NoTypographic = true
			}
		}
	case "guess_lang":
		o.NoGuessLang = scalar(v) == "false"
	case "smart_quotes":
		if v.Kind == yaml.SequenceNode {
			var names []string
			for _, c := range v.Content {
				names = append(names, scalar(c))
			}
			o.SmartQuotes = strings.Join(names, ",")
		} else {
			o.SmartQuotes = strings.ReplaceAll(scalar(v), " ", "")
		}
	case "footnote_nr":
		if n, err := strconv.Atoi(scalar(v)); err == nil && n > 0 {
			o.FootnoteNr = n
		}
	case "toc_levels":
		o.TOCLevels = tocLevels(v)
	}
}

// highlighterOff reports whether a highlighter setting turns highlighting
// off: null, false, none or an empty string.
func highlighterOff(v *yaml.Node) bool {
	switch strings.ToLower(strings.TrimSpace(scalar(v))) {
	case "", "null", "~", "false", "none", "nil":
		return v.Kind == yaml.ScalarNode
	}
	return false
}

// tocLevels reads toc_levels, a list of levels or a range "1..3", as a bit
// per level; 0 when it names none.
func tocLevels(v *yaml.Node) uint8 {
	var bits uint8
	add := func(s string) {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 1 && n <= 6 {
			bits |= 1 << n
		}
	}
	if v.Kind == yaml.SequenceNode {
		for _, c := range v.Content {
			add(scalar(c))
		}
		return bits
	}
	from, to, ok := strings.Cut(scalar(v), "..")
	if !ok {
		add(from)
		return bits
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(from))
	b, err2 := strconv.Atoi(strings.TrimSpace(to))
	for n := a; err1 == nil && err2 == nil && n <= b; n++ {
		add(strconv.Itoa(n))
	}
	return bits
}
