package feed

import (
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// normalizeHTML returns s in a form where two HTML fragments a browser
// shows alike compare equal: entities decoded, runs of whitespace as one
// space, whitespace between tags dropped, attributes sorted, void elements
// written one way, and URLs starting with base made relative.
func normalizeHTML(s, base string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(spaceAroundTags.ReplaceAllString(b.String(), "$1"))
		case html.TextToken:
			text := strings.Join(asciiFields(string(z.Text())), " ")
			if text == "" {
				continue
			}
			raw := string(z.Raw())
			if strings.TrimLeft(raw, " \t\n") != raw {
				text = " " + text
			}
			if strings.TrimRight(raw, " \t\n") != raw {
				text += " "
			}
			b.WriteString(text)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			if tt == html.EndTagToken {
				b.WriteString("</" + tok.Data + ">")
				continue
			}
			attrs := make([]string, 0, len(tok.Attr))
			for _, a := range tok.Attr {
				v := strings.Join(asciiFields(a.Val), " ")
				if base != "" && (a.Key == "href" || a.Key == "src") {
					v = strings.TrimPrefix(v, base)
				}
				attrs = append(attrs, a.Key+"="+v)
			}
			slices.Sort(attrs)
			b.WriteString("<" + tok.Data)
			for _, a := range attrs {
				b.WriteString(" " + a)
			}
			b.WriteString(">")
		case html.CommentToken:
			b.WriteString("<!--" + string(z.Text()) + "-->")
		}
	}
}

// spaceAroundTags matches a tag with the spaces either side of it.
var spaceAroundTags = regexp.MustCompile(` *(<[^>]*>) *`)

// asciiFields splits s around runs of ASCII white space (a no-break space
// is text, as a browser shows it).
func asciiFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' })
}
