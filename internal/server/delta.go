package server

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/fleet"
	"github.com/feedwire/feedwire/internal/httpx"
)

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
func (s *Server) serveDelta(w http.ResponseWriter, r *http.Request, st *state, f *feed.Feed, i int, m *feedMeta) bool {
	if s.versions == nil || !httpx.Accepts(r.Header["A-Im"], "feed") || httpx.Conditional(r.Header) {
		return false
	}
	validators, star := requestValidators(r.Header["If-None-Match"])
	cur := &m.docs[i]
	if star || slices.Contains(validators, cur.validator) {
		return false // 304, or the full document in another coding
	}
	id := fleet.FeedID(f)
	var from string
	var old []uint64
	for _, v := range validators {
		if h, ok := s.versions.Hashes(r.Context(), id, i, v); ok {
			from, old = v, h
			break
		}
	}
	if from == "" {
		return false
	}
	d := deltaDocument(st, f, i, cur, s.feedLimit, from, old)
	c := httpx.Negotiate(r.Header)
	b, err := s.fetch(r.Context(), &d, c)
	if err != nil {
		return false // the full document's path reports what went wrong
	}
	writeHead(w, http.StatusIMUsed, &d, c, m.tags[i][c], deltaCacheControl, varyDelta, len(b))
	if r.Method != http.MethodHead {
		w.Write(b)
	}
	return true
}

// deltaDocument describes the document of f in formats[i] at the default
// limit with only the items added or changed since the version validated
// by from, whose items' hashes are old; tombstones stay, as in the feed.
func deltaDocument(st *state, f *feed.Feed, i int, cur *document, limit int, from string, old []uint64) document {
	seen := make(map[uint64]bool, len(old))
	for _, h := range old {
		seen[h] = true
	}
	added := func(p *feed.Post) bool { return !seen[binary.BigEndian.Uint64(p.Hash[:8])] }
	pg := feed.Paging{Size: limit, Page: 1}
	sum := sha256.Sum256([]byte(from + " " + cur.validator))
	format := formats[i]
	return document{
		validator:    "delta-" + hex.EncodeToString(sum[:16]),
		contentType:  cur.contentType,
		modTime:      cur.modTime,
		lastModified: cur.lastModified,
		format:       cur.format,
		links:        cur.links,
		render:       func(w io.Writer) error { return st.snap.RenderDelta(w, f, format, pg, added) },
	}
}

// requestValidators returns the validators that If-None-Match field values
// name, each entity tag's opaque part without its coding suffix; star
// reports a "*".
func requestValidators(values []string) (validators []string, star bool) {
	validators, star = httpx.ETagOpaques(values)
	for i, v := range validators {
		validators[i] = withoutCoding(v)
	}
	return validators, star
}

// withoutCoding strips the content-coding suffix newETags adds to a
// validator.
func withoutCoding(tag string) string {
	for c := range httpx.NumCodings {
		if c != httpx.Identity {
			if v, ok := strings.CutSuffix(tag, "-"+c.String()); ok {
				return v
			}
		}
	}
	return tag
}

// replacedVersions lists, for every feed of next whose documents at the
// default limit differ from prev's, the version prev served: what a delta
// from prev's ETags starts from.
func replacedVersions(prev, next *state, limit int) []*fleet.Version {
	var out []*fleet.Version
	for _, f := range next.all {
		of, err := prev.snap.Feed(f.Kind, f.Key)
		if err != nil {
			continue // a new feed: no earlier version
		}
		om, nm := prev.feeds[of], next.feeds[f]
		if om == nil || nm == nil {
			continue
		}
		v := &fleet.Version{Feed: fleet.FeedID(f)}
		changed := false
		for i := range formats {
			if om.docs[i].validator != nm.docs[i].validator {
				v.Validators[i] = om.docs[i].validator
				changed = true
			}
		}
		if !changed {
			continue
		}
		for _, p := range of.Limit(limit) {
			v.Hashes = append(v.Hashes, binary.BigEndian.Uint64(p.Hash[:8]))
		}
		out = append(out, v)
	}
	return out
}
