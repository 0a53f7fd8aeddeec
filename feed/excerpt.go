package feed

import (
	"regexp"
	"strings"
)

// defaultExcerptSeparator is Jekyll's excerpt_separator: the excerpt is
// the first paragraph.
const defaultExcerptSeparator = "\n\n"

// linkReference is a Markdown link reference definition line, which
// Jekyll appends to an excerpt so that its reference links still resolve.
var linkReference = regexp.MustCompile(`(?m)^ {0,3}(?:\[[^\]]+\])+:.+$`)

// rawExcerpt returns the excerpt of a post body as Jekyll cuts it: the body
// up to the first sep (default "\n\n"), followed by the link reference
// definitions of the rest. A body without sep is its own excerpt.
func rawExcerpt(body []byte, sep string) []byte {
	if sep == "" {
		sep = defaultExcerptSeparator
	}
	head, tail, found := strings.Cut(string(body), sep)
	if !found {
		return body
	}
	refs := linkReference.FindAllString(tail, -1)
	if len(refs) == 0 {
		return []byte(head)
	}
	return []byte(head + "\n\n" + strings.Join(refs, "\n"))
}
