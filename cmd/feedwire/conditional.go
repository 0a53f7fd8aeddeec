package main

import (
	"net/http"
	"strings"
	"time"
)

// precondition is the outcome of a request's conditional headers.
type precondition uint8

const (
	proceed     precondition = iota // send the representation
	notModified                     // 304
	failed                          // 412
)

// conditions are the precondition fields of a request: each list field's
// lines, each date field's first value.
type conditions struct {
	ifMatch, ifNoneMatch               []string
	ifUnmodifiedSince, ifModifiedSince string
}

// requestConditions reads the precondition fields of h.
func requestConditions(h http.Header) conditions {
	return conditions{
		ifMatch:           h["If-Match"],
		ifNoneMatch:       h["If-None-Match"],
		ifUnmodifiedSince: first(h, "If-Unmodified-Since"),
		ifModifiedSince:   first(h, "If-Modified-Since"),
	}
}

// evaluate applies the preconditions of a GET or HEAD with header h; see
// conditions.evaluate.
func evaluate(h http.Header, etag string, modTime time.Time) precondition {
	c := requestConditions(h)
	return c.evaluate(etag, modTime)
}

// evaluate applies the preconditions to a representation with the strong
// entity tag etag (quoted) and modification time modTime, in the order of
// RFC 9110 section 13.2.2: If-Match, else If-Unmodified-Since; then
// If-None-Match, else If-Modified-Since. Range and If-Range are not
// supported: a full representation is always sent, as the RFC allows.
func (c *conditions) evaluate(etag string, modTime time.Time) precondition {
	if im := c.ifMatch; len(im) > 0 {
		if !matchAny(im, etag, false) {
			return failed
		}
	} else if ius := c.ifUnmodifiedSince; ius != "" && !modTime.IsZero() {
		if t, err := http.ParseTime(ius); err == nil && modTime.Truncate(time.Second).After(t) {
			return failed
		}
	}
	if inm := c.ifNoneMatch; len(inm) > 0 {
		if matchAny(inm, etag, true) {
			return notModified
		}
		return proceed // If-Modified-Since is ignored when If-None-Match is present
	}
	if ims := c.ifModifiedSince; ims != "" && !modTime.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !modTime.Truncate(time.Second).After(t) {
			return notModified
		}
	}
	return proceed
}

// first returns the first value of the field named by the canonical key,
// as Header.Get does without canonicalizing the key on every request.
func first(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// matchAny reports whether the field values (each a list of entity tags, or
// "*") name etag. Weak comparison ignores the W/ prefix; strong comparison
// accepts only strong tags. A malformed element ends the list: what came
// before it still counts.
func matchAny(values []string, etag string, weak bool) bool {
	for _, v := range values {
		for {
			v = strings.TrimLeft(v, " \t,")
			if v == "" {
				break
			}
			if v[0] == '*' {
				return true
			}
			tag, rest, ok := scanETag(v)
			if !ok {
				break
			}
			isWeak := strings.HasPrefix(tag, "W/")
			if isWeak {
				if weak && tag[2:] == etag {
					return true
				}
			} else if tag == etag {
				return true
			}
			v = rest
		}
	}
	return false
}

// scanETag reads one entity-tag from the start of s (RFC 9110 section
// 8.8.3): an optional W/, then a quoted string of etagc characters. It
// returns the tag and what follows it.
func scanETag(s string) (tag, rest string, ok bool) {
	start := 0
	if strings.HasPrefix(s, "W/") {
		start = 2
	}
	if len(s) < start+2 || s[start] != '"' {
		return "", "", false
	}
	for i := start + 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return s[:i+1], s[i+1:], true
		case c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80:
		default:
			return "", "", false
		}
	}
	return "", "", false
}
