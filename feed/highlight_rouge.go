package feed

import (
	. "github.com/alecthomas/chroma/v2" //nolint:staticcheck // the lexer rules read as chroma's own
)

// rougeClasses maps, for a language whose chroma lexer names tokens
// differently from Rouge's, chroma's class to Rouge's ("" for none).
var rougeClasses = map[string]map[string]string{
	"yaml": {"nt": "na", "p": "pi", "w": "", "kc": "no"},
}

// rougeText maps, for a language, plain text tokens Rouge gives a class.
var rougeText = map[string]map[string]string{
	"yaml": {"-": "pi"},
}

// liquidLexer is Liquid highlighted as Rouge's liquid lexer does (chroma
// has none): tag and output delimiters as p, spaces inside them as w, tag
// names as nt, variables as nv, filters as nf, strings as s1 and s2.
var liquidLexer = MustNewLexer(
	&Config{Name: "Liquid", Aliases: []string{"liquid"}},
	func() Rules {
		inside := func(end string) []Rule {
			return []Rule{
				{Pattern: `\s+`, Type: TextWhitespace},
				{Pattern: `-?` + end, Type: Punctuation, Mutator: Pop(1)},
				{Pattern: `'[^']*'`, Type: LiteralStringSingle},
				{Pattern: `"[^"]*"`, Type: LiteralStringDouble},
				{Pattern: `(\|)(\s*)(\w+)`, Type: ByGroups(Punctuation, TextWhitespace, NameFunction)},
				{Pattern: `\d+(\.\d+)?`, Type: LiteralNumber},
				{Pattern: `[=<>!]=?`, Type: Operator},
				{Pattern: `[:,.\[\]()]`, Type: Punctuation},
			}
		}
		tag := append(inside(`%\}`)[:2:2],
			Rule{Pattern: `\b(for|endfor|if|elsif|else|endif|unless|endunless|case|when|endcase|assign|capture|endcapture|include|include_relative|include_cached|raw|endraw|highlight|endhighlight|comment|endcomment|link|post_url|in|and|or|contains|cycle|tablerow|endtablerow|break|continue|increment|decrement|with|limit|offset|reversed)\b`, Type: NameTag},
			Rule{Pattern: `[\w.\[\]-]+`, Type: NameVariable})
		tag = append(tag, inside(`%\}`)[2:]...)
		output := append(inside(`\}\}`), Rule{Pattern: `\w[\w-]*`, Type: NameVariable})
		return Rules{
			"root": {
				{Pattern: `\{%-?`, Type: Punctuation, Mutator: Push("tag")},
				{Pattern: `\{\{-?`, Type: Punctuation, Mutator: Push("output")},
				{Pattern: `[^{]+`, Type: Text},
				{Pattern: `\{`, Type: Text},
			},
			"tag":    tag,
			"output": output,
		}
	},
)
