package feed

import (
	"bytes"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlError is an invalid YAML front matter block, with the file line of the
// error when the parser reports one.
type yamlError struct {
	line int
	msg  string
}

func (e *yamlError) Error() string { return "invalid YAML front matter: " + e.msg }

// maxLocateLines bounds the front matter lines searched for an error.
const maxLocateLines = 200

// locateYAMLError turns a yaml.v3 error into a yamlError pointing at the
// file line where the YAML first goes wrong. yaml.v3 numbers parser errors
// from 0 and scanner errors from 1, so the line is found instead as the
// shortest run of leading lines that fails with the same message.
func locateYAMLError(src []byte, err error, firstLine int) *yamlError {
	e := newYAMLError(err, firstLine)
	var probe yaml.Node
	end, line := 0, 0
	for end < len(src) && line < maxLocateLines {
		_, end = lineAt(src, end)
		line++
		perr := safeUnmarshal(src[:end], &probe)
		if perr != nil && newYAMLError(perr, firstLine).msg == e.msg {
			e.line = firstLine + line - 1
			start := bytes.LastIndexByte(src[:max(0, end-1)], '\n') + 1
			if unescapedQuote(src[start:end]) {
				e.msg = `a double-quoted value ends early; write a " inside it as \"`
			}
			return e
		}
	}
	if e.line < firstLine {
		e.line = firstLine
	}
	return e
}

// unescapedQuote reports whether a front matter line is key: "value" with
// text after the closing quote, the mark of a " left unescaped in a value.
func unescapedQuote(line []byte) bool {
	_, v, ok := bytes.Cut(line, []byte(":"))
	v = bytes.TrimSpace(v)
	if !ok || len(v) < 2 || v[0] != '"' {
		return false
	}
	for i := 1; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			return i < len(v)-1
		}
	}
	return false
}

// newYAMLError turns a yaml.v3 error into a yamlError with a file line.
func newYAMLError(err error, firstLine int) *yamlError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &yamlError{msg: msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if l, err := strconv.Atoi(n); err == nil {
				e.line = firstLine + l - 1
				e.msg = after
			}
		}
	}
	if i := strings.IndexByte(e.msg, '\n'); i >= 0 {
		e.msg = e.msg[:i]
	}
	return e
}
