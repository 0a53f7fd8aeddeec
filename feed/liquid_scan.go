package feed

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// hasLiquid reports whether a post body holds Liquid markup: a body without
// "{{" or "{%" skips the Liquid stage entirely.
func hasLiquid(body []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(body[i:], '{')
		if j < 0 || i+j+1 >= len(body) {
			return false
		}
		i += j + 1
		if c := body[i]; c == '{' || c == '%' {
			return true
		}
	}
}

// liquidWarning is a Liquid construct the stage left as text, at a line of
// the post body (1-based).
type liquidWarning struct {
	line   int
	reason string
}

// prepareLiquid rewrites a post body for the Liquid engine, keeping what it
// renders the same:
//   - a tag or filter the engine does not know is wrapped in {% raw %}, so
//     that it stays as text, and reported as a warning;
//   - every object gets the liquidOutFilter, which counts the bytes objects
//     write against the render's budget;
//   - every for and tablerow body starts with a liquidTickTag that counts an
//     iteration and the size of the loop's source, and every capture is
//     followed by one, so that loops over huge ranges and doubling captures
//     end with an error instead of stalling the load.
//
// {% raw %} and {% comment %} sections are copied as they are.
func prepareLiquid(src string, knownTags func(string) bool, knownFilter func(string) bool) (string, []liquidWarning) {
	var b strings.Builder
	b.Grow(len(src) + len(src)/8)
	var warns []liquidWarning
	type open struct {
		name   string
		at     int // offset in b of the tick's size placeholder
		srcEnd int // offset in src just past the opening tag
	}
	var loops []open
	ticks := map[int]int{} // b offset of a tick's placeholder: loop source size
	lineAt := func(off int) int { return 1 + strings.Count(src[:off], "\n") }
	i := 0
	for i < len(src) {
		j := indexDelim(src, i)
		if j < 0 {
			b.WriteString(src[i:])
			break
		}
		b.WriteString(src[i:j])
		if src[j+1] == '{' {
			end := strings.Index(src[j+2:], "}}")
			if end < 0 {
				b.WriteString(src[j:])
				break
			}
			end += j + 2
			expr := oneLine(src[j+2 : end])
			if f := unknownFilter(expr, knownFilter); f != "" {
				warns = append(warns, liquidWarning{lineAt(j), fmt.Sprintf("unknown Liquid filter %q, left as text", f)})
				writeRaw(&b, src[j:end+2])
			} else {
				trim := strings.HasSuffix(expr, "-")
				b.WriteString("{{")
				b.WriteString(strings.TrimSuffix(expr, "-"))
				b.WriteString(" | " + liquidOutFilter + " ")
				if trim {
					b.WriteString("-")
				}
				b.WriteString("}}")
			}
			i = end + 2
			continue
		}
		end := strings.Index(src[j+2:], "%}")
		if end < 0 {
			b.WriteString(src[j:])
			break
		}
		end += j + 2
		tag := oneLine(src[j : end+2])
		name, args := tagName(src[j+2 : end])
		switch {
		case name == "raw" || name == "comment":
			closeAt := indexEndTag(src, end+2, "end"+name)
			if closeAt < 0 {
				b.WriteString(src[j:])
				i = len(src)
				continue
			}
			closeEnd := closeAt + strings.Index(src[closeAt:], "%}") + 2
			b.WriteString(src[j:closeEnd])
			i = closeEnd
			continue
		case !knownTags(name):
			warns = append(warns, liquidWarning{lineAt(j), fmt.Sprintf("unknown Liquid tag %q, left as text", name)})
			writeRaw(&b, src[j:end+2])
		case strings.Contains(args, "|") && unknownFilter(args, knownFilter) != "":
			f := unknownFilter(args, knownFilter)
			warns = append(warns, liquidWarning{lineAt(j), fmt.Sprintf("unknown Liquid filter %q, left as text", f)})
			writeRaw(&b, src[j:end+2])
		default:
			b.WriteString(tag)
			switch name {
			case "for", "tablerow":
				trim := ""
				if strings.HasSuffix(src[j:end], "-") {
					trim = "-"
				}
				b.WriteString("{%" + trim + " " + liquidTickTag + " ")
				loops = append(loops, open{name, b.Len(), end + 2})
				b.WriteString(tickPlaceholder + " " + trim + "%}")
			case "endfor", "endtablerow":
				if n := len(loops); n > 0 && "end"+loops[n-1].name == name {
					ticks[loops[n-1].at] = j - loops[n-1].srcEnd
					loops = loops[:n-1]
				}
			case "endcapture":
				b.WriteString("{% " + liquidTickTag + " 0 %}")
			}
		}
		i = end + 2
	}
	out := b.String()
	if strings.Contains(out, tickPlaceholder) {
		out = fillTicks(out, ticks)
	}
	return out, warns
}

// oneLine returns the inside of a tag or object with its line breaks as
// spaces: Jekyll's Liquid reads "{{ x\n| f }}" as an object, the engine
// only without the break.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// tickPlaceholder stands for a loop's source size until its end tag is
// found; it has the width of the largest size written in its place.
const tickPlaceholder = "0000000000"

// fillTicks writes each loop's source size in place of its placeholder; a
// loop never closed keeps 0.
func fillTicks(out string, ticks map[int]int) string {
	b := []byte(out)
	for at, size := range ticks {
		s := strconv.Itoa(size)
		copy(b[at:at+len(tickPlaceholder)], strings.Repeat("0", len(tickPlaceholder)-len(s))+s)
	}
	return string(b)
}

// indexDelim returns the offset of the next "{{" or "{%" at or after i, or -1.
func indexDelim(src string, i int) int {
	for {
		k := strings.IndexByte(src[i:], '{')
		if k < 0 || i+k+1 >= len(src) {
			return -1
		}
		i += k
		if c := src[i+1]; c == '{' || c == '%' {
			return i
		}
		i++
	}
}

// indexEndTag returns the offset of the {% name %} tag at or after i, or -1.
func indexEndTag(src string, i int, name string) int {
	for {
		j := strings.Index(src[i:], "{%")
		if j < 0 {
			return -1
		}
		j += i
		end := strings.Index(src[j+2:], "%}")
		if end < 0 {
			return -1
		}
		if n, _ := tagName(src[j+2 : j+2+end]); n == name {
			return j
		}
		i = j + 2
	}
}

// tagName splits the inside of a tag into its name and arguments, without
// the whitespace control dashes.
func tagName(inner string) (string, string) {
	inner = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(inner, "-"), "-"))
	k := strings.IndexAny(inner, " \t\r\n")
	if k < 0 {
		return inner, ""
	}
	return inner[:k], strings.TrimSpace(inner[k:])
}

// writeRaw writes text so that Liquid renders it as it is.
func writeRaw(b *strings.Builder, text string) {
	b.WriteString("{% raw %}")
	b.WriteString(text)
	b.WriteString("{% endraw %}")
}

// unknownFilter returns the first filter named in expr (outside quoted
// strings) that known does not accept, or "".
func unknownFilter(expr string, known func(string) bool) string {
	var quote byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '|':
			k := i + 1
			for k < len(expr) && (expr[k] == ' ' || expr[k] == '\t' || expr[k] == '\n') {
				k++
			}
			start := k
			for k < len(expr) && (isASCIILetter(expr[k]) || expr[k] == '_' || k > start && expr[k] >= '0' && expr[k] <= '9') {
				k++
			}
			if name := expr[start:k]; name != "" && !known(name) {
				return name
			}
		}
	}
	return ""
}
