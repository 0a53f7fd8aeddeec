package feed

import (
	"github.com/alecthomas/chroma/v2"
)

// rougeClasses maps, for a language whose chroma lexer names tokens
// differently from Rouge's, chroma's class to Rouge's ("" for none).
var rougeClasses = map[string]map[string]string{
	"yaml": {"nt": "na", "p": "pi", "w": "", "kc": "no", "l": "s"},
}

// rougeText maps, for a language, plain text tokens Rouge gives a class.
var rougeText = map[string]map[string]string{
	"yaml": {"-": "pi"},
}

// liquidLexer is Liquid highlighted as Rouge's liquid lexer does (chroma
// has none): tag and output delimiters as p, spaces inside them as w, tag
// names as nt, variables as nv, filters as nf, strings as s1 and s2.
var liquidLexer = chroma.MustNewLexer(
	&chroma.Config{Name: "Liquid", Aliases: []string{"liquid"}},
	func() chroma.Rules {
		inside := func(end string) []chroma.Rule {
			return []chroma.Rule{
				{Pattern: `\s+`, Type: chroma.TextWhitespace},
				{Pattern: `-?` + end, Type: chroma.Punctuation, Mutator: chroma.Pop(1)},
				{Pattern: `'[^']*'`, Type: chroma.LiteralStringSingle},
				{Pattern: `"[^"]*"`, Type: chroma.LiteralStringDouble},
				{Pattern: `(\|)(\s*)(\w+)`, Type: chroma.ByGroups(chroma.Punctuation, chroma.TextWhitespace, chroma.NameFunction)},
				{Pattern: `\d+(\.\d+)?`, Type: chroma.LiteralNumber},
				{Pattern: `[=<>!]=?`, Type: chroma.Operator},
				{Pattern: `[:,.\[\]()]`, Type: chroma.Punctuation},
			}
		}
		tag := append(inside(`%\}`)[:2:2],
			chroma.Rule{Pattern: `\b(for|endfor|if|elsif|else|endif|unless|endunless|case|when|endcase|assign|capture|endcapture|include|include_relative|include_cached|raw|endraw|highlight|endhighlight|comment|endcomment|link|post_url|in|and|or|contains|cycle|tablerow|endtablerow|break|continue|increment|decrement|with|limit|offset|reversed)\b`, Type: chroma.NameTag},
			chroma.Rule{Pattern: `[\w.\[\]-]+`, Type: chroma.NameVariable})
		tag = append(tag, inside(`%\}`)[2:]...)
		output := append(inside(`\}\}`), chroma.Rule{Pattern: `\w[\w-]*`, Type: chroma.NameVariable})
		return chroma.Rules{
			"root": {
				{Pattern: `\{%-?`, Type: chroma.Punctuation, Mutator: chroma.Push("tag")},
				{Pattern: `\{\{-?`, Type: chroma.Punctuation, Mutator: chroma.Push("output")},
				{Pattern: `[^{]+`, Type: chroma.Text},
				{Pattern: `\{`, Type: chroma.Text},
			},
			"tag":    tag,
			"output": output,
		}
	},
)
