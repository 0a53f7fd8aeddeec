package feed

import (
	"strings"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// summarize returns the plain-text summary of post p as jekyll-feed writes
// it: the front-matter description, else the excerpt (excerpt is its HTML),
// without tags and with white space folded; cut at n runes when n > 0.
func summarize(p *Post, excerpt string, n int) string {
	var text string
	if strings.TrimSpace(p.Description) != "" {
		text = plainText(p.Description, false)
	} else {
		text = plainText(excerpt, false)
	}
	return truncateRunes(text, n)
}

// tagEnd returns the offset of the '>' that ends the tag at the start of
// s, skipping quoted attribute values, or -1 when the tag has a shape
// better left to the tokenizer (a quote or '<' outside a value, no end).
func tagEnd(s string) int {
	var quote byte
	afterEq := false
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
				afterEq = false
			}
		case c == '>':
			return j
		case (c == '"' || c == '\'') && afterEq:
			quote = c
		case c == '"' || c == '\'' || c == '<':
			return -1
		case c != ' ' && c != '\t' && c != '\n' && c != '\f':
			afterEq = c == '='
		}
	}
	return -1
}

// blockTag reports whether a tag separates words, so that its text is not
// glued to its neighbours'.
func blockTag(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Br, atom.Li, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Tr, atom.Td, atom.Th, atom.Table, atom.Blockquote,
		atom.Pre, atom.Section, atom.Article, atom.Hr, atom.Dd, atom.Dt, atom.Figure,
		atom.Figcaption:
		return true
	}
	return false
}

// plainText returns the text of an HTML fragment with tags removed, entities
// decoded and whitespace folded. With firstPara, it returns the text of the
// first <p> element that has any, or of the whole fragment when none has.
func plainText(fragment string, firstPara bool) string {
	if firstPara {
		if t, ok := simpleFirstPara(fragment); ok {
			return t
		}
	} else if t, ok := simplePlainText(fragment); ok {
		return t
	}
	return plainTextTokens(fragment, firstPara)
}

// simplePlainText returns what plainText returns without firstPara,
// without an HTML tokenizer, when fragment has the common shape that makes
// it plain: tags without quotes, and no entity, comment, script, style,
// CR, NUL or '<' that starts no tag.
func simplePlainText(fragment string) (string, bool) {
	if strings.ContainsAny(fragment, "&\r\x00") {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(fragment))
	for {
		i := strings.IndexByte(fragment, '<')
		if i < 0 {
			b.WriteString(fragment)
			break
		}
		b.WriteString(fragment[:i])
		j := tagEnd(fragment[i:])
		if j < 0 {
			return "", false
		}
		tag := fragment[i+1 : i+j]
		name := strings.TrimPrefix(tag, "/")
		k := 0
		for k < len(name) && (isASCIILetter(name[k]) || k > 0 && name[k] >= '0' && name[k] <= '9') {
			k++
		}
		if k == 0 || k < len(name) && !strings.ContainsRune(" \t\n\f/", rune(name[k])) {
			return "", false
		}
		switch a := atom.Lookup([]byte(strings.ToLower(name[:k]))); {
		case a == atom.Script || a == atom.Style || a == atom.Textarea || a == atom.Title || a == atom.Xmp ||
			a == atom.Iframe || a == atom.Noembed || a == atom.Noframes || a == atom.Noscript || a == atom.Plaintext:
			return "", false // raw text elements: the tokenizer reads them differently
		case blockTag(a):
			b.WriteByte(' ')
		}
		fragment = fragment[i+j+1:]
	}
	return fold(b.String()), true
}

// simpleFirstPara returns what plainText returns with firstPara, without an
// HTML tokenizer, when fragment has the common shape that makes it plain:
// its first tag is a bare <p>, and the text up to the next tag, which is
// </p>, has something besides white space and needs no decoding.
func simpleFirstPara(fragment string) (string, bool) {
	i := strings.IndexByte(fragment, '<')
	if i < 0 || !strings.HasPrefix(fragment[i:], "<p>") {
		return "", false
	}
	rest := fragment[i+len("<p>"):]
	j := strings.IndexByte(rest, '<')
	if j < 0 || !strings.HasPrefix(rest[j:], "</p>") || strings.ContainsAny(rest[:j], "&\r\x00") {
		return "", false
	}
	t := fold(rest[:j])
	return t, t != ""
}

// plainTextTokens is plainText, reading fragment with an HTML tokenizer.
func plainTextTokens(fragment string, firstPara bool) string {
	var b strings.Builder
	z := nethtml.NewTokenizer(strings.NewReader(fragment))
	skip := 0       // depth inside script and style
	inPara := false // inside a <p> while looking for the first paragraph
	var para string // text of the first paragraph found
	paraStart := -1 // b.Len() when the current <p> opened
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			break // io.EOF, or input the tokenizer gives up on: keep what was read
		}
		switch tt {
		case nethtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken, nethtml.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Script || a == atom.Style {
				if tt == nethtml.StartTagToken {
					skip++
				} else if tt == nethtml.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if firstPara && a == atom.P {
				if inPara {
					if t := fold(b.String()[paraStart:]); t != "" {
						para = t
					}
				}
				inPara = tt == nethtml.StartTagToken
				paraStart = b.Len()
			}
			if blockTag(a) {
				b.WriteByte(' ')
			}
		}
		if para != "" {
			return para
		}
	}
	if firstPara && inPara {
		if t := fold(b.String()[paraStart:]); t != "" {
			return t
		}
	}
	return fold(b.String())
}

// fold trims s and folds every run of white space into one space.
func fold(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncateRunes cuts s to at most n runes, ending with "…" when it was cut;
// n <= 0 leaves s whole.
func truncateRunes(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for count < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return strings.TrimRight(s[:i], " ") + "…"
}
