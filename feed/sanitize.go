package feed

import (
	"bytes"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
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
	// nameList is a space-separated list of names, as class and rel hold.
	nameList = regexp.MustCompile(`^[\p{L}\p{N}\s\-_:.]*$`)
	// dimension is a width or height, or where a list starts: digits,
	// perhaps a percentage.
	dimension = regexp.MustCompile(`^[0-9]+%?$`)
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
	p.AllowAttrs("class").Matching(nameList).Globally()
	p.AllowStyles("text-align").MatchingEnum("left", "right", "center", "justify").Globally()

	p.AllowAttrs("href").Matching(linkURL).OnElements("a")
	p.AllowAttrs("rel").Matching(nameList).OnElements("a")
	p.AllowAttrs("hreflang").Matching(nameList).OnElements("a")
	p.AllowAttrs("cite").Matching(linkURL).OnElements("blockquote", "q", "del", "ins")
	p.AllowAttrs("datetime").OnElements("time", "del", "ins")

	p.AllowAttrs("src", "alt", "sizes", "loading", "decoding").OnElements("img")
	p.AllowAttrs("srcset").Matching(srcsetURLs).OnElements("img", "source")
	p.AllowAttrs("width", "height").Matching(dimension).OnElements("img", "iframe", "video")
	p.AllowAttrs("sizes", "media", "type").OnElements("source")

	p.AllowAttrs("src").Matching(embedURL).OnElements("iframe", "video", "audio", "source", "track")
	p.AllowAttrs("poster").Matching(embedURL).OnElements("video")
	p.AllowAttrs("allowfullscreen", "loading", "referrerpolicy").OnElements("iframe")
	p.AllowAttrs("loop", "muted", "playsinline", "preload").OnElements("video", "audio")
	p.AllowAttrs("kind", "srclang", "label", "default").OnElements("track")
	p.AllowAttrs("open").OnElements("details")
	p.AllowAttrs("start").Matching(dimension).OnElements("ol")
	return p
}

// sanitizeHTML returns post HTML with everything active removed, as
// newSanitizePolicy says. The same input always gives the same output.
// HTML that alreadyClean vouches for is returned as it is: the policy would
// keep every element and attribute of it, and only write it out again.
func sanitizeHTML(s string) string {
	if alreadyClean(s) {
		return s
	}
	return sanitizer().Sanitize(s)
}

// alreadyClean reports whether the policy keeps every token of s as it is:
// s holds only text and the plain elements of most posts (paragraphs,
// emphasis, lists, headings, tables, quotes, code), without attributes, and
// links and images whose only attributes are an href, or a src and alt,
// with a URL the policy keeps unchanged. Anything else, comments included,
// goes to the policy. It reads s without allocating per token, where the
// policy builds every token and its attributes: most scraped posts are this
// plain, and checking them is several times cheaper than cleaning them.
// FuzzAlreadyClean holds it to the policy's output.
func alreadyClean(s string) bool {
	if ok, sure := plainScan(s); sure {
		return ok
	}
	return tokensClean(s)
}

// tokensClean is alreadyClean, reading s with the HTML tokenizer.
func tokensClean(s string) bool {
	z := nethtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			// A tag cut off by the end of s is left in Raw, and is no token,
			// but a reader that puts the fragment inside markup of its own
			// would finish it.
			return z.Err() == io.EOF && len(z.Raw()) == 0
		case nethtml.TextToken:
			continue
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken, nethtml.EndTagToken:
		default: // comments and doctypes: the policy drops them
			return false
		}
		end := tt == nethtml.EndTagToken
		if a, ok := bareTag(z.Raw()); ok {
			// The common case, told from the raw bytes: TagName copies them.
			if !plainElement(a) && !(end && (a == atom.A || a == atom.Img)) {
				return false
			}
			continue
		}
		name, hasAttr := z.TagName()
		switch a := atom.Lookup(name); {
		case end: // attributes of an end tag mean nothing
			if a != atom.A && a != atom.Img && !plainElement(a) {
				return false
			}
		case a == atom.A:
			if !cleanAttrs(z, hasAttr, "href", "") {
				return false
			}
		case a == atom.Img:
			if !cleanAttrs(z, hasAttr, "src", "alt") {
				return false
			}
		case !plainElement(a) || hasAttr:
			return false
		}
	}
}

// plainScan is alreadyClean for HTML written the plainest way, which it
// reads a tag at a time, skipping text with a byte search where the
// tokenizer reads a byte at a time: lower-case tags without spaces (<p>,
// </p>, <br/>), and links and images written <a href="url"> and
// <img src="url" alt="text"> (double quotes, no character references in
// the URLs). It returns true, true when s is all such; false, true when it
// finds a tag that alreadyClean refuses; and false, false as soon as s is
// written any other way, for the tokenizer to decide.
func plainScan(s string) (ok, sure bool) {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return true, true
		}
		i += j + 1
		end := i < len(s) && s[i] == '/'
		if end {
			i++
		}
		start := i
		for i < len(s) && ('a' <= s[i] && s[i] <= 'z' || start < i && '0' <= s[i] && s[i] <= '9') {
			i++
		}
		if i == start || i == len(s) || i-start > 12 {
			return false, false
		}
		a := atom.Lookup([]byte(s[start:i]))
		if s[i] == '>' || s[i] == '/' && !end && strings.HasPrefix(s[i:], "/>") {
			if !plainElement(a) && !(end && (a == atom.A || a == atom.Img)) {
				return false, true
			}
			i = strings.IndexByte(s[i:], '>') + i + 1
			continue
		}
		if end || s[i] != ' ' || a != atom.A && a != atom.Img {
			return false, false
		}
		seen := false
		for s[i] == ' ' {
			k := strings.Index(s[i:], "=\"")
			if k < 0 {
				return false, false
			}
			key := s[i+1 : i+k]
			v := i + k + 2
			q := strings.IndexByte(s[v:], '"')
			if q < 0 {
				return false, false
			}
			val := s[v : v+q]
			switch {
			case strings.ContainsAny(val, "&\x00"):
				return false, false
			case a == atom.A && key == "href" || a == atom.Img && key == "src":
				if !keptURL(val, a == atom.A) {
					return false, true
				}
				seen = true
			case a == atom.Img && key == "alt":
			default:
				return false, false
			}
			i = v + q + 1
			if i == len(s) {
				return false, false
			}
		}
		switch {
		case !seen:
			return false, false
		case s[i] == '>':
			i++
		case strings.HasPrefix(s[i:], "/>"):
			i += 2
		default:
			return false, false
		}
	}
}

// bareTag returns the element of a tag written without attributes or
// spaces (<p>, </p>, <br/>) and true, or false for any other tag.
func bareTag(raw []byte) (atom.Atom, bool) {
	raw = bytes.TrimPrefix(raw, []byte("</"))
	raw = bytes.TrimPrefix(raw, []byte("<"))
	raw = bytes.TrimSuffix(raw, []byte(">"))
	raw = bytes.TrimSuffix(raw, []byte("/"))
	var name [12]byte
	if len(raw) == 0 || len(raw) > len(name) {
		return 0, false
	}
	for i, c := range raw {
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			name[i] = c
		case 'A' <= c && c <= 'Z':
			name[i] = c + 'a' - 'A'
		default:
			return 0, false
		}
	}
	return atom.Lookup(name[:len(raw)]), true
}

// cleanAttrs reports whether the attributes of the tag z is on are url, at
// least once, with a URL the policy keeps as it is, and text, if text is
// not empty.
func cleanAttrs(z *nethtml.Tokenizer, more bool, url, text string) bool {
	seen := false
	for more {
		var key, val []byte
		key, val, more = z.TagAttr()
		switch string(key) {
		case url:
			if !keptURL(string(val), url == "href") {
				return false
			}
			seen = true
		case text:
			if text == "" {
				return false
			}
		default:
			return false
		}
	}
	return seen
}

// keptURL reports whether the policy keeps an href (link) or image src as
// it is: http or https (or mailto for a link) or relative, without white
// space, and written as net/url writes it again.
func keptURL(v string, link bool) bool {
	if v == "" || strings.ContainsAny(v, " \t\n\r\f") || link && !linkURL.MatchString(v) {
		return false
	}
	u, err := url.Parse(v)
	if err != nil || u.String() != v {
		return false
	}
	switch u.Scheme {
	case "", "http", "https":
		return true
	case "mailto":
		return link
	}
	return false
}

// plainElement reports whether the policy keeps a as it is when it has no
// attributes.
func plainElement(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Br, atom.Hr, atom.Div, atom.Span, atom.Strong, atom.Em, atom.B, atom.I,
		atom.U, atom.S, atom.Del, atom.Ins, atom.Code, atom.Pre, atom.Blockquote, atom.Ul, atom.Ol,
		atom.Li, atom.Dl, atom.Dt, atom.Dd, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Sub, atom.Sup, atom.Small, atom.Mark, atom.Cite, atom.Q, atom.Table, atom.Thead,
		atom.Tbody, atom.Tfoot, atom.Tr, atom.Td, atom.Th, atom.Caption, atom.Figure, atom.Figcaption:
		return true
	}
	return false
}
