package feed

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// titleRunes is the longest title made up from a post's text.
const titleRunes = 60

// parsePost turns the raw bytes of the file at p into a Post. folderCats are
// the categories from the folders above _posts. It returns a nil Post and a
// Problem for a file that is not a valid post, and nil for both when the post
// is valid but left out (published: false). It never panics.
func parsePost(c candidate, data []byte, cfg *loadConfig) (*Post, *Problem) {
	p, folderCats := c.path, c.categories
	problem := func(line int, format string, args ...any) (*Post, *Problem) {
		return nil, &Problem{Path: p, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	if !isPostFile(path.Base(p)) && !cfg.isMarkdown(path.Ext(p)) {
		// Another file of _posts: a post when Jekyll's reader takes it,
		// dated by its name and text; else left out, as Jekyll does.
		if _, _, _, dated := splitFileName(path.Base(p), time.UTC); !dated || bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
			return nil, nil
		}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return problem(0, "binary file (it holds NUL bytes), not a post.")
	}
	if !utf8.Valid(data) {
		off := invalidUTF8Offset(data)
		return problem(1+bytes.Count(data[:off], []byte{'\n'}),
			"text is not valid UTF-8 (byte %d); convert the file to UTF-8.", off)
	}
	loc := cfg.site.Location
	fileDate, slug, ext, hasFileDate := splitFileName(path.Base(p), loc)
	isMarkdown := cfg.isMarkdown(ext)
	outputExt := ".html"
	if !isMarkdown && !strings.EqualFold(ext, ".html") && !strings.EqualFold(ext, ".htm") {
		outputExt = ext // no converter: Jekyll publishes the file as it is, under its own extension
	}
	var notes []Problem
	block, err := splitFrontMatter(data)
	switch {
	case errors.Is(err, errNoFrontMatter) && c.inPosts && hasFileDate:
		// Jekyll publishes a dated file of _posts without front matter.
		block = frontMatterBlock{}
		notes = append(notes, Problem{Path: p, Line: 1, Reason: "no front matter: published with the date and slug of its file name, as Jekyll does."})
	case errors.Is(err, errNoFrontMatter):
		return problem(1, "no front matter: a post starts with a --- line.")
	case err != nil:
		return problem(block.openLine, "front matter opened here is never closed with a --- line.")
	}
	src, stray := stripControls(block.yaml)
	fm, err := parseFrontMatter(src, block.openLine+1)
	if err != nil {
		var ye *yamlError
		if errors.As(err, &ye) {
			return problem(ye.line, "%s.", ye.Error())
		}
		return problem(block.openLine, "invalid front matter: %v.", err)
	}
	if fm.unpublished {
		return nil, nil
	}

	date, dateErr := parseDate(fm.date, loc)
	if dateErr != nil {
		if !hasFileDate {
			line := fm.dateLine
			if line == 0 {
				return problem(block.openLine, "no date: neither the front matter nor the file name (YYYY-MM-DD-slug) has one.")
			}
			return problem(line, "no date: front matter date %q is not a date and the file name (YYYY-MM-DD-slug) has none.", fm.date)
		}
		date = fileDate
	}
	fileSlug := slug
	if fm.slug != "" {
		slug = fm.slug
	}

	post := &Post{
		Path:             p,
		Slug:             slug,
		Title:            plainTitle(fm.title),
		Date:             date,
		Updated:          date,
		Author:           fm.author,
		Description:      fm.description,
		ExcerptSeparator: fm.excerptSeparator,
		Lang:             fm.lang,
		Hash:             contentHash(p, data),
		markdown:         isMarkdown,
		notes:            notes,
		bodyStart:        block.bodyStart,
	}
	if t, err := parseDate(fm.lastModified, loc); err == nil && t.After(date) {
		post.Updated = t
	}
	if post.Author == "" {
		post.Author = cfg.site.Author
	}
	if !fm.hasTitle {
		post.Title = titleizeSlug(fileSlug) // Jekyll's title for a post without one
	}
	if post.Title == "" {
		post.Title = firstSentence(data[block.bodyStart:])
	}
	if post.Title == "" {
		post.Title = slug
	}
	if post.Title == "" { // an empty body and a file name with no slug: "2021-1-1-"
		post.Title = path.Base(p)
	}
	post.Categories = mergeNames(folderCats, fm.categories, fm.categoryList) // Jekyll 4: the folders first
	post.Tags = mergeNames(fm.tags, fm.tagList)
	post.catKeys, post.tagKeys = foldAll(post.Categories), foldAll(post.Tags)

	pattern := cfg.pattern
	if fm.permalink != "" {
		pattern = permalinkPattern(fm.permalink)
	}
	// The permalink's date is the site's wall clock, whatever offset the
	// post was written with; URL and ID are normalized as jekyll-feed's
	// absolute_url writes them.
	urlPath := expandPermalink(pattern, urlParts{categories: post.Categories, date: date.In(loc), slug: slug, outputExt: outputExt})
	post.URL = normalizeURL(cfg.site.URL + urlPath)
	post.ID = normalizeURL(cfg.site.URL + postID(urlPath, slug))
	post.Image = absoluteURL(cfg.site.URL, fm.image)
	post.liquid = newLiquidSource(data, block.yaml, block.bodyStart, post.Hash)
	if stray.count > 0 {
		line := block.openLine + 1 + bytes.Count(block.yaml[:stray.at], []byte{'\n'})
		post.notes = append(post.notes, Problem{Path: p, Line: line, Reason: stray.reason()})
	}
	return post, nil
}

// titleizeSlug is Jekyll's Utils.titleize_slug: the words between
// hyphens, each capitalized as Ruby's String#capitalize does.
func titleizeSlug(slug string) string {
	words := strings.Split(slug, "-")
	for i, w := range words {
		if w == "" {
			continue
		}
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + strings.ToLower(w[n:])
	}
	return strings.Join(words, " ")
}

// plainTitle returns a front-matter title as the plain text every format
// publishes: tags removed, entities decoded, white space folded. A title
// without a tag ('<' then '>') only has its entities decoded, so that
// "x<y" stays as it is.
func plainTitle(s string) string {
	lt := strings.IndexByte(s, '<')
	if lt < 0 || strings.IndexByte(s[lt:], '>') < 0 {
		if strings.IndexByte(s, '&') < 0 {
			return s
		}
		return html.UnescapeString(s)
	}
	return plainText(s, false)
}

// invalidUTF8Offset returns the offset of the first byte that is not part
// of a valid UTF-8 sequence.
func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// mergeNames joins lists of names in order, dropping empty and repeated ones.
func mergeNames(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, s := range l {
			out = appendName(out, s)
		}
	}
	return out
}

// absoluteURL resolves ref against the site URL and returns it ASCII-only.
// Protocol-relative and root-relative references are resolved too.
func absoluteURL(site, ref string) string {
	if ref == "" {
		return ""
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return ""
	}
	if !r.IsAbs() {
		base, err := url.Parse(site + "/")
		if err != nil || site == "" {
			return r.String()
		}
		r = base.ResolveReference(r)
	}
	return r.String()
}

// firstSentence returns the first sentence of a post body's text, without
// markup, at most titleRunes long; "" when the body has no text.
func firstSentence(body []byte) string {
	if len(body) > 8<<10 {
		body = body[:8<<10]
	}
	text := html.UnescapeString(markupText(body))
	text = strings.Join(strings.Fields(text), " ")
	end := len(text)
	for i, r := range text {
		if strings.ContainsRune("。！？!?", r) {
			end = i + utf8.RuneLen(r)
			break
		}
		if r == '.' && (i+1 == len(text) || text[i+1] == ' ') {
			end = i + 1
			break
		}
	}
	text = strings.TrimSpace(text[:end])
	if utf8.RuneCountInString(text) > titleRunes {
		runes := []rune(text)
		text = strings.TrimRightFunc(string(runes[:titleRunes-1]), unicode.IsSpace) + "…"
	}
	return strings.ToValidUTF8(text, "")
}

// markupText strips HTML tags, Markdown link and image syntax, and the block
// markers at the start of Markdown lines, leaving the readable text.
func markupText(body []byte) string {
	var b strings.Builder
	lineStart := true
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case lineStart && (c == '>' || c == '#' || c == ' ' || c == '\t' || c == '*' || c == '-' || c == '+'):
			continue
		case c == '<':
			if j := bytes.IndexByte(body[i:], '>'); j >= 0 {
				i += j
				b.WriteByte(' ')
				continue
			}
		case c == '!' && i+1 < len(body) && body[i+1] == '[':
			if j := skipLink(body, i+1); j > 0 {
				i = j - 1
				continue
			}
		case c == '[':
			if close := bytes.IndexByte(body[i:], ']'); close > 0 && i+close+1 < len(body) && body[i+close+1] == '(' {
				if j := bytes.IndexByte(body[i+close:], ')'); j > 0 {
					b.Write(body[i+1 : i+close])
					i += close + j
					continue
				}
			}
		case c == ']' || c == '*' || c == '_' || c == '`':
			continue
		}
		lineStart = c == '\n' || (lineStart && c == '\r')
		b.WriteByte(c)
	}
	return b.String()
}

// skipLink returns the offset just past a Markdown [text](url) starting at
// i, or 0 when there is none.
func skipLink(body []byte, i int) int {
	close := bytes.IndexByte(body[i:], ']')
	if close < 0 || i+close+1 >= len(body) || body[i+close+1] != '(' {
		return 0
	}
	j := bytes.IndexByte(body[i+close:], ')')
	if j < 0 {
		return 0
	}
	return i + close + j + 1
}

// crlfToLF turns CRLF line endings into LF, so that a body written on
// Windows renders like any other. It returns body itself when it has no CR.
func crlfToLF(body []byte) []byte {
	if bytes.IndexByte(body, '\r') < 0 {
		return body
	}
	return bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
}

// foldAll returns the lookup key of each name, so that indexing (again at
// every reload) need not fold them.
func foldAll(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = Fold(n)
	}
	return keys
}
