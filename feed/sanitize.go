package feed

import (
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// SanitizePolicyVersion names the HTML policy of sanitizeHTML. It is mixed
// into the validators of every site that sanitizes, so bump it whenever the
// policy changes what it keeps: caches keyed by validator then never serve a
// document cleaned by an older policy.
const SanitizePolicyVersion = "1"

// Patterns of the attribute values the policy accepts.
var (
	// linkURL is an href or cite: http, https or mailto, or relative (no
	// colon before the first slash, question mark or hash). It keeps out
	// javascript:, vbscript: and data: links, which no reader should open.
	linkURL = regexp.MustCompile(`^(?:(?i:https?|mailto):|[^:]*$|[^:]*[/?#])`)
	// embedURL is the source of an embedded frame, video or sound: https only.
	embedURL = regexp.MustCompile(`^https://\S+$`)
	// srcsetURLs is a srcset whose every URL is http, https, data (images
	// are the only thing a srcset names) or relative: a colon is allowed only
	// right after one of those schemes at the start of a candidate.
	srcsetURLs = regexp.MustCompile(`^(?:[^:]|(?:^|[\s,])(?i:https?|data):)*$`)
	// tokens is a space-separated list of names, as class and rel hold.
	tokens = regexp.MustCompile(`^[\p{L}\p{N}\s\-_:.]*$`)
	// number is a width, height or span: digits, perhaps a percentage.
	number = regexp.MustCompile(`^[0-9]+%?$`)
)

// sanitizer is the policy of sanitizeHTML, built once: a bluemonday Policy
// is safe for concurrent use once built.
var sanitizer = sync.OnceValue(newSanitizePolicy)

// newSanitizePolicy returns the policy for post HTML: what news needs
// (text markup, headings, lists, tables, links, images with srcset, figures,
// pictures, and frames, video and audio embedded from https) and nothing
// active: no script, style or form element, no event handler or style
// attribute (text-align aside), no javascript: URL, no data: URL but in
// images. Elements it drops keep their text, but for script, style and the
// like, whose text is not text. Attributes the W3C Feed Validator calls a
// security risk (controls, frameborder) are dropped too: readers give
// embedded media their own controls.
func newSanitizePolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowDataURIImages() // the data: scheme; linkURL and embedURL keep it to images

	p.AllowElements("p", "br", "hr", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6",
		"blockquote", "pre", "code", "kbd", "samp", "var", "em", "strong", "b", "i", "u", "s",
		"del", "ins", "mark", "small", "sub", "sup", "abbr", "cite", "q", "dfn", "time", "bdi",
		"ruby", "rt", "rp", "wbr", "figure", "figcaption", "picture", "details", "summary",
		"section", "article", "aside", "header", "footer", "address", "caption")
	p.AllowLists()
	p.AllowTables()
	p.AllowStandardAttributes()
	p.AllowAttrs("title").Globally() // any text: escaped on output, and often Chinese
	p.AllowAttrs("class").Matching(tokens).Globally()
	p.AllowStyles("text-align").MatchingEnum("left", "right", "center", "justify").Globally()

	p.AllowAttrs("href").Matching(linkURL).OnElements("a")
	p.AllowAttrs("rel").Matching(tokens).OnElements("a")
	p.AllowAttrs("hreflang").Matching(tokens).OnElements("a")
	p.AllowAttrs("cite").Matching(linkURL).OnElements("blockquote", "q", "del", "ins")
	p.AllowAttrs("datetime").OnElements("time", "del", "ins")

	p.AllowAttrs("src", "alt", "sizes", "loading", "decoding").OnElements("img")
	p.AllowAttrs("srcset").Matching(srcsetURLs).OnElements("img", "source")
	p.AllowAttrs("width", "height").Matching(number).OnElements("img", "iframe", "video")
	p.AllowAttrs("sizes", "media", "type").OnElements("source")

	p.AllowAttrs("src").Matching(embedURL).OnElements("iframe", "video", "audio", "source", "track")
	p.AllowAttrs("poster").Matching(embedURL).OnElements("video")
	p.AllowAttrs("allowfullscreen", "loading", "referrerpolicy").OnElements("iframe")
	p.AllowAttrs("loop", "muted", "playsinline", "preload").OnElements("video", "audio")
	p.AllowAttrs("kind", "srclang", "label", "default").OnElements("track")
	p.AllowAttrs("open").OnElements("details")
	p.AllowAttrs("start").Matching(number).OnElements("ol")
	return p
}

// sanitizeHTML returns post HTML with everything active removed, as
// newSanitizePolicy says. The same input always gives the same output.
func sanitizeHTML(s string) string {
	return sanitizer().Sanitize(s)
}
