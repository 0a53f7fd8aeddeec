package httpx

import (
	"net/http"
	"time"
)

// Precondition is the outcome of a request's conditional fields.
type Precondition uint8

const (
	Proceed     Precondition = iota // send the representation
	NotModified                     // 304
	Failed                          // 412
)

// Evaluate applies the preconditions of a GET or HEAD with fields h to a
// representation with the strong entity tag etag (quoted) and modification
// time modTime (zero: unknown), in the order of RFC 9110 section 13.2.2:
// If-Match, else If-Unmodified-Since; then If-None-Match, else
// If-Modified-Since. Range and If-Range are not supported: a full
// representation is always sent, as the RFC allows.
func Evaluate(h http.Header, etag string, modTime time.Time) Precondition {
	if im := h["If-Match"]; len(im) > 0 {
		if !MatchETag(im, etag, false) {
			return Failed
		}
	} else if t, ok := Date(h, "If-Unmodified-Since"); ok && !modTime.IsZero() {
		if modTime.Truncate(time.Second).After(t) {
			return Failed
		}
	}
	if inm := h["If-None-Match"]; len(inm) > 0 {
		if MatchETag(inm, etag, true) {
			return NotModified
		}
		return Proceed // If-Modified-Since is ignored when If-None-Match is present
	}
	if t, ok := Date(h, "If-Modified-Since"); ok && !modTime.IsZero() {
		if !modTime.Truncate(time.Second).After(t) {
			return NotModified
		}
	}
	return Proceed
}

// Date reads the HTTP date of the field named by the canonical key, its
// first line; ok is false when absent or malformed.
func Date(h http.Header, key string) (time.Time, bool) {
	v := h[key]
	if len(v) == 0 {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v[0])
	return t, err == nil
}

// Conditional reports whether h carries a precondition that a delta or any
// shortcut must leave to Evaluate: If-Match or If-Unmodified-Since.
func Conditional(h http.Header) bool {
	return len(h["If-Match"]) > 0 || len(h["If-Unmodified-Since"]) > 0
}
