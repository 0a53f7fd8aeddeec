package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/feedwire/feedwire/feed"
)

// statusIMUsed is RFC 3229's 226 IM Used.
const statusIMUsed = 226

var (
	// deltaCacheControl keeps a delta out of every cache: it is not the
	// feed, and a cache that stored it as the feed would serve a fragment.
	// "im" is RFC 3229's directive for caches that understand deltas.
	deltaCacheControl = []string{"no-store, im"}
	// varyDelta names every request field a delta depends on.
	varyDelta = []string{"Accept-Encoding, A-IM, If-None-Match"}
	imFeed    = []string{"feed"}
)

// serveDelta answers an RFC 3229 delta request (A-IM: feed) for the
// document of f at the default limit, in formats[i]: when If-None-Match
// names an earlier version of that document, the answer is 226 IM Used with
// a document of the same format holding only the items added or changed
// since, and the current ETag. It reports whether it answered; when not (no
// A-IM: feed, the current ETag, an unknown or too old one, or the delta
// could not be made), the request is served as usual.
func (s *server) serveDelta(w http.ResponseWriter, r *http.Request, st *state, f *feed.Feed, i int, m *feedMeta) bool {
	if s.deltas == nil || !acceptsFeedIM(r.Header["A-Im"]) || len(r.Header["If-Match"]) > 0 ||
		first(r.Header, "If-Unmodified-Since") != "" {
		return false
	}
	validators := requestValidators(r.Header["If-None-Match"])
	cur := &m.docs[i]
	for _, v := range validators {
		if v == cur.validator || v == "*" {
			return false // 304, or the full document in another coding
		}
	}
	var from string
	var old []uint64
	for _, v := range validators {
		if h, ok := s.deltas.hashes(r.Context(), f, i, v); ok {
			from, old = v, h
			break
		}
	}
	if from == "" {
		return false
	}
	seen := make(map[uint64]bool, len(old))
	for _, h := range old {
		seen[h] = true
	}
	var added []*feed.Post
	for _, p := range f.Limit(s.feedLimit) {
		if !seen[binary.BigEndian.Uint64(p.Hash[:8])] {
			added = append(added, p)
		}
	}
	delta := *f // the feed with only the added items; validators come from f
	delta.Posts = added
	sum := sha256.Sum256([]byte(from + " " + cur.validator))
	format := formats[i]
	d := document{
		validator:   "delta-" + hex.EncodeToString(sum[:16]),
		contentType: cur.contentType,
		modTime:     cur.modTime,
		format:      cur.format,
		links:       cur.links,
		render:      func(w io.Writer) error { return st.snap.Render(w, &delta, format, -1) },
	}
	c := negotiate(acceptEncoding(r.Header))
	b, err := s.fetch(r.Context(), &d, c)
	if err != nil {
		return false // the full document's path reports what went wrong
	}
	h := w.Header()
	h["Etag"] = m.tags[i][c]
	h["Im"] = imFeed
	h["Cache-Control"] = deltaCacheControl
	h["Vary"] = varyDelta
	h["Content-Type"] = []string{cur.contentType}
	if c != identity {
		h["Content-Encoding"] = []string{c.String()}
	}
	if cur.links != nil {
		h["Link"] = cur.links
	}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(statusIMUsed)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
	return true
}

// acceptsFeedIM reports whether A-IM field values list the feed instance
// manipulation with a q-value above zero.
func acceptsFeedIM(values []string) bool {
	for _, v := range values {
		for _, im := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(im, ";")
			if !strings.EqualFold(strings.TrimSpace(name), "feed") {
				continue
			}
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					}
				}
			}
			if q > 0 {
				return true
			}
		}
	}
	return false
}

// requestValidators returns the validators that If-None-Match field values
// name: each entity tag without W/, quotes and coding suffix, or "*". A
// malformed element ends its field value.
func requestValidators(values []string) []string {
	var out []string
	for _, v := range values {
		for rest := strings.TrimSpace(v); rest != ""; {
			if rest[0] == ',' {
				rest = strings.TrimSpace(rest[1:])
				continue
			}
			if rest[0] == '*' {
				out = append(out, "*")
				rest = strings.TrimSpace(rest[1:])
				continue
			}
			rest = strings.TrimPrefix(rest, "W/")
			if rest == "" || rest[0] != '"' {
				break
			}
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				break
			}
			out = append(out, withoutCoding(rest[1:1+end]))
			rest = strings.TrimSpace(rest[2+end:])
		}
	}
	return out
}

// withoutCoding strips the content-coding suffix newETags adds to a
// validator.
func withoutCoding(tag string) string {
	for c := range numCodings {
		if c != identity {
			if v, ok := strings.CutSuffix(tag, "-"+c.String()); ok {
				return v
			}
		}
	}
	return tag
}
