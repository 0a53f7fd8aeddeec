package feed

import (
	"html"
	"strconv"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// rougeLexer returns the lexer for lang, nil for plain text or a language
// no lexer knows.
func rougeLexer(lang string) chroma.Lexer {
	switch strings.ToLower(lang) {
	case "", "plaintext", "text", "plain", "txt":
		return nil
	case "liquid":
		return liquidLexer
	}
	l := lexers.Get(lang)
	if l == nil {
		return nil
	}
	return chroma.Coalesce(l)
}

// writeRougeTokens writes code as Rouge's HTML formatter does: each token
// in a span whose class is its short name (k, nf, s2, c1, ...), plain text
// without one, the characters &, < and > escaped, adjacent tokens of one
// class merged as Rouge's lexer merges them. Chroma's token types carry
// Pygments' short names, which Rouge shares; where a lexer cuts or names
// tokens otherwise, rougeTokens mends what it can. Without a lexer the
// code is written escaped.
func writeRougeTokens(w interface{ WriteString(string) (int, error) }, lexer chroma.Lexer, code string) {
	if lexer == nil {
		w.WriteString(escapeCode(code))
		return
	}
	toks, err := rougeTokens(lexer, code)
	if err != nil {
		w.WriteString(escapeCode(code))
		return
	}
	for i := 0; i < len(toks); {
		j := i + 1
		value := toks[i].value
		for j < len(toks) && toks[j].class == toks[i].class {
			value += toks[j].value
			j++
		}
		if toks[i].class == "" {
			w.WriteString(escapeCode(value))
		} else {
			w.WriteString(`<span class="` + toks[i].class + `">` + escapeCode(value) + `</span>`)
		}
		i = j
	}
}

// rougeToken is a token with Rouge's class for it.
type rougeToken struct{ class, value string }

// rougeTokens lexes code and gives each token Rouge's class.
func rougeTokens(lexer chroma.Lexer, code string) ([]rougeToken, error) {
	name := strings.ToLower(lexer.Config().Name)
	classes, texts := rougeClasses[name], rougeText[name]
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return nil, err
	}
	var toks []rougeToken
	for tok := it(); tok != chroma.EOF; tok = it() {
		class := chroma.StandardTypes[tok.Type]
		if c, ok := classes[class]; ok {
			class = c
		} else if class == "" && texts != nil {
			// Text that Rouge classes, with the spaces after it left plain.
			word := strings.TrimRight(tok.Value, " \t\n")
			if c := texts[word]; c != "" && word != "" {
				toks = append(toks, rougeToken{c, word}, rougeToken{"", tok.Value[len(word):]})
				continue
			}
		}
		toks = append(toks, rougeToken{class, tok.Value})
	}
	switch name {
	case "ruby":
		// Rouge: "." is punctuation and the name after it a method (nf).
		for i := range toks {
			if toks[i].class == "o" && toks[i].value == "." {
				toks[i].class = "p"
			}
			if toks[i].class == "n" && i > 0 && toks[i-1].value == "." {
				toks[i].class = "nf"
			}
		}
	case "javascript", "typescript":
		// Rouge: a string's quotes are delimiters (dl) apart from its text.
		var out []rougeToken
		for _, t := range toks {
			v := t.value
			if (t.class == "s2" || t.class == "s1") && len(v) >= 2 && v[0] == v[len(v)-1] && (v[0] == '"' || v[0] == '\'') {
				out = append(out, rougeToken{"dl", v[:1]}, rougeToken{t.class, v[1 : len(v)-1]}, rougeToken{"dl", v[:1]})
				continue
			}
			out = append(out, t)
		}
		toks = out
	}
	return toks, nil
}

// codeEscaper escapes what Rouge escapes in code.
var codeEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeCode(s string) string { return codeEscaper.Replace(s) }

// classLanguage returns the language a class attribute names with
// "language-X", or "".
func classLanguage(class string) string {
	for f := range strings.FieldsSeq(class) {
		if lang, ok := strings.CutPrefix(f, "language-"); ok {
			return lang
		}
	}
	return ""
}

// writeKramdownCode writes a code block as kramdown writes it with Rouge:
// <div class="language-X highlighter-rouge"><div class="highlight"><pre
// class="highlight"><code>, tokens, then the closing tags; with
// highlighting off, or a language no lexer knows, an escaped
// <pre><code class="language-X">. class is the block's own class
// attribute, from an attribute list.
func writeKramdownCode(w interface{ WriteString(string) (int, error) }, lang, class string, o MarkdownOptions, code string) {
	if code != "" && !strings.HasSuffix(code, "\n") {
		code += "\n"
	}
	if lang == "" && !o.NoHighlight {
		lang = o.defaultLang()
	}
	lexer := rougeLexer(lang)
	plain := lang == "" || lexer == nil && !strings.EqualFold(lang, "plaintext") && !strings.EqualFold(lang, "text")
	if o.NoHighlight || plain {
		w.WriteString("<pre")
		if class != "" {
			w.WriteString(` class="` + html.EscapeString(class) + `"`)
		}
		w.WriteString("><code")
		if lang != "" {
			w.WriteString(` class="language-` + html.EscapeString(lang) + `"`)
		}
		w.WriteString(">" + escapeCode(code) + "</code></pre>\n")
		return
	}
	classes := "language-" + lang + " highlighter-rouge"
	for f := range strings.FieldsSeq(class) {
		if !strings.HasPrefix(f, "language-") {
			classes += " " + f
		}
	}
	w.WriteString(`<div class="` + html.EscapeString(classes) + `"><div class="highlight"><pre class="highlight"><code>`)
	writeRougeTokens(w, lexer, code)
	w.WriteString("</code></pre></div></div>\n")
}

// HighlightFigure returns code highlighted as Jekyll's {% highlight lang %}
// tag writes it with Rouge: <figure class="highlight"><pre><code
// class="language-X" data-lang="X">, the tokens, and with linenos a table
// of line numbers beside the code, as Rouge's legacy table formatter.
func HighlightFigure(lang, code string, linenos bool) string {
	code = strings.Trim(code, "\r\n")
	lang = strings.ToLower(lang) // as Jekyll's tag reads it
	lexer := rougeLexer(lang)
	var b strings.Builder
	e := html.EscapeString(lang)
	b.WriteString(`<figure class="highlight"><pre><code class="language-` + e + `" data-lang="` + e + `">`)
	if !linenos {
		writeRougeTokens(&b, lexer, code+"\n")
		s := strings.TrimSuffix(b.String(), "\n")
		return s + "</code></pre></figure>"
	}
	var tokens strings.Builder
	writeRougeTokens(&tokens, lexer, code+"\n")
	n := strings.Count(code, "\n") + 1
	b.WriteString(`<table class="rouge-table"><tbody><tr><td class="gutter gl"><pre class="lineno">`)
	for i := 1; i <= n; i++ {
		b.WriteString(strconv.Itoa(i) + "\n")
	}
	b.WriteString(`</pre></td><td class="code"><pre>` + tokens.String() + `</pre></td></tr></tbody></table>`)
	return b.String() + "</code></pre></figure>"
}

// defaultLang is the language of code written without one: default_lang,
// else plaintext when Rouge may guess (Jekyll sets guess_lang), else none.
func (o MarkdownOptions) defaultLang() string {
	switch {
	case o.DefaultLang != "":
		return o.DefaultLang
	case o.NoGuessLang:
		return ""
	}
	return "plaintext"
}

// HighlightOptions are the options of a {% highlight %} block besides its
// language.
type HighlightOptions struct {
	LineNumbers bool   // linenos
	MarkLines   string // mark_lines="1 2", as written; not drawn
}

// highlightCode returns the HTML of a {% highlight lang %} block whose
// content is code, as Jekyll writes it with Rouge: HighlightFigure.
func highlightCode(lang, code string, opts HighlightOptions) string {
	return HighlightFigure(lang, code, opts.LineNumbers)
}
