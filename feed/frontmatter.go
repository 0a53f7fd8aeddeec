package feed

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// errNoFrontMatter reports a file that does not start with a --- line.
var errNoFrontMatter = errors.New("feed: no front matter")

// errUnclosedFrontMatter reports a front matter block with no closing line.
var errUnclosedFrontMatter = errors.New("feed: front matter not closed")

// frontMatterBlock locates the front matter of a post in its raw bytes.
type frontMatterBlock struct {
	yaml      []byte // the YAML between the delimiter lines, raw
	openLine  int    // 1-based line of the opening ---
	bodyStart int    // byte offset of the body in the raw file
	bodyLine  int    // 1-based line the body starts on
}

// splitFrontMatter finds the --- delimited block at the start of data. A
// UTF-8 byte order mark, CRLF line endings and blank lines before the opening
// --- are accepted. The block closes with a --- or ... line, as in Jekyll.
func splitFrontMatter(data []byte) (frontMatterBlock, error) {
	var b frontMatterBlock
	i := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	line := 1
	for {
		end, next := lineAt(data, i)
		text := trimLineSpace(data[i:end])
		if len(text) == 0 && next < len(data) {
			i, line = next, line+1
			continue
		}
		if string(text) != "---" || next == end {
			return b, errNoFrontMatter
		}
		b.openLine = line
		i, line = next, line+1
		break
	}
	start := i
	for i < len(data) {
		end, next := lineAt(data, i)
		text := trimLineSpace(data[i:end])
		if string(text) == "---" || string(text) == "..." {
			b.yaml = data[start:i]
			b.bodyStart = next
			b.bodyLine = line + 1
			return b, nil
		}
		i, line = next, line+1
	}
	return b, errUnclosedFrontMatter
}

// lineAt returns the end of the line starting at i (before its newline) and
// the start of the next line (after the newline, or len(data)).
func lineAt(data []byte, i int) (end, next int) {
	n := bytes.IndexByte(data[i:], '\n')
	if n < 0 {
		return len(data), len(data)
	}
	return i + n, i + n + 1
}

// trimLineSpace trims trailing spaces, tabs and carriage returns.
func trimLineSpace(b []byte) []byte {
	return bytes.TrimRight(b, " \t\r")
}

// frontMatter holds the front matter keys the loader understands.
type frontMatter struct {
	title            string
	hasTitle         bool // the title key is there, even empty
	date             string
	dateLine         int // file line of the date key, 0 when absent
	lastModified     string
	author           string
	description      string
	excerptSeparator string
	image            string
	permalink        string
	lang             string
	slug             string
	categories       []string // the categories key
	categoryList     []string // the category key
	tags             []string // the tags key
	tagList          []string // the tag key
	unpublished      bool     // published: false
}

// parseFrontMatter decodes the YAML of b. firstLine is the file line of the
// first YAML line, so that errors point into the file.
func parseFrontMatter(src []byte, firstLine int) (fm frontMatter, err error) {
	if fm, ok := fastFrontMatter(src, firstLine); ok {
		return fm, nil
	}
	var doc yaml.Node
	if err := safeUnmarshal(src, &doc); err != nil {
		return fm, locateYAMLError(src, err, firstLine)
	}
	if doc.Kind == 0 {
		return fm, nil // empty front matter
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	root = deref(root)
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return fm, nil
	}
	if root.Kind != yaml.MappingNode {
		return fm, &yamlError{line: firstLine + root.Line - 1, msg: "front matter is not a mapping of keys to values"}
	}
	fm.apply(root.Content, firstLine)
	return fm, nil
}

// apply reads the key and value nodes of a front matter mapping, in order.
func (fm *frontMatter) apply(pairs []*yaml.Node, firstLine int) {
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := deref(pairs[i]), deref(pairs[i+1])
		if k.Kind != yaml.ScalarNode {
			continue
		}
		line := firstLine + k.Line - 1
		if v.Kind == yaml.ScalarNode {
			fm.set(k.Value, scalar(v), line)
			continue
		}
		switch k.Value {
		case "author":
			fm.author = person(v)
		case "image":
			fm.image = ""
			if v.Kind == yaml.MappingNode {
				fm.image = mapField(v, "path")
			}
		case "categories":
			fm.categories = names(v)
		case "category":
			fm.categoryList = names(v)
		case "tags":
			fm.tags = names(v)
		case "tag":
			fm.tagList = names(v)
		default:
			fm.set(k.Value, "", line) // a list or mapping where text belongs
		}
	}
}

// set records one key whose value is the text of a scalar ("" for null).
// line is the file line of the key.
func (fm *frontMatter) set(key, text string, line int) {
	switch key {
	case "title":
		fm.title, fm.hasTitle = text, true
	case "date":
		fm.date = text
		fm.dateLine = line
	case "last_modified_at":
		fm.lastModified = text
	case "author":
		fm.author = text
	case "description":
		fm.description = text
	case "excerpt":
		if fm.description == "" {
			fm.description = text
		}
	case "excerpt_separator":
		fm.excerptSeparator = text
	case "image":
		fm.image = text
	case "permalink":
		fm.permalink = text
	case "lang":
		fm.lang = text
	case "slug":
		fm.slug = text
	case "published":
		switch strings.ToLower(text) {
		case "false", "no", "off":
			fm.unpublished = true
		default:
			fm.unpublished = false
		}
	case "categories":
		fm.categories = strings.Fields(text)
	case "category":
		fm.categoryList = strings.Fields(text)
	case "tags":
		fm.tags = strings.Fields(text)
	case "tag":
		fm.tagList = strings.Fields(text)
	}
}

// safeUnmarshal runs the YAML parser and turns a panic inside it into an
// error: no input may crash the loader.
func safeUnmarshal(src []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parser failure: %v", r)
		}
	}()
	return yaml.Unmarshal(src, n)
}

// deref follows an alias one step.
func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// scalar returns the text of a scalar node; null and non-scalars are "".
func scalar(n *yaml.Node) string {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// mapField returns the scalar value of key in mapping n.
func mapField(n *yaml.Node, key string) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if scalar(n.Content[i]) == key {
			return scalar(n.Content[i+1])
		}
	}
	return ""
}

// person reads an author: a string, a mapping with a name, or a list of
// either, joined with ", ".
func person(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return mapField(n, "name")
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c = deref(c); c.Kind == yaml.MappingNode {
				out = appendName(out, mapField(c, "name"))
			} else {
				out = appendName(out, scalar(c))
			}
		}
		return strings.Join(out, ", ")
	}
	return scalar(n)
}

// names reads categories or tags: a string is split on white space, a list
// is taken item by item, numbers become their text, null means none.
func names(n *yaml.Node) []string {
	switch n.Kind {
	case yaml.ScalarNode:
		return strings.Fields(scalar(n))
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			out = appendName(out, scalar(c))
		}
		return out
	}
	return nil
}

// appendName appends s unless it is empty or already present.
func appendName(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
