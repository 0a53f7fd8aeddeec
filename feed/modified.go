package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Version returns the version of the feed: a hash of everything any of its
// documents shows (the site settings, its identity and display name, every
// post's content hash and revision time, its deleted entries), and of
// nothing else. Every document of the feed changes only when its version
// does, so the time a version was first seen is when each of them last
// changed at the latest: their Last-Modified.
func (f *Feed) Version() string {
	h := sha256.New()
	h.Write(f.seed[:])
	h.Write([]byte("version\x00"))
	writePosts(h, f.Posts)
	for _, t := range f.tombstones {
		h.Write([]byte(t.ID))
		h.Write(appendInts([]byte{0}, int(t.When.Unix())))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Modified returns when the feed's version was first seen, as WithModified
// set it: the Last-Modified of its current document and pages. It is the
// zero time when none was recorded.
func (f *Feed) Modified() time.Time { return f.modified }

// Feeds returns every feed of the snapshot a request can reach: the site,
// every category and tag, and the feeds that lost their last post and show
// only their deleted entries. Do not modify it.
func (s *Snapshot) Feeds() []*Feed {
	out := make([]*Feed, 0, 1+len(s.categories)+len(s.tags)+len(s.emptied))
	out = append(out, s.site)
	out = append(out, s.categories...)
	out = append(out, s.tags...)
	return append(out, s.emptied...)
}

// WithModified returns a snapshot whose feeds carry, as Modified, the time
// first seen of their versions (Version) that times holds; the others get
// none. The times come from outside, so that rendering never reads the
// clock; they enter the validators of the documents whose Last-Modified they
// are. s is not modified.
func (s *Snapshot) WithModified(times map[string]time.Time) *Snapshot {
	n := *s
	n.byCategory = make(map[string]*Feed, len(s.byCategory))
	n.byTag = make(map[string]*Feed, len(s.byTag))
	set := func(f *Feed) *Feed {
		c := *f
		c.modified = times[f.Version()]
		return &c
	}
	n.site = set(s.site)
	n.categories = make([]*Feed, len(s.categories))
	for i, f := range s.categories {
		n.categories[i] = set(f)
		n.byCategory[f.Key] = n.categories[i]
	}
	n.tags = make([]*Feed, len(s.tags))
	for i, f := range s.tags {
		n.tags[i] = set(f)
		n.byTag[f.Key] = n.tags[i]
	}
	n.emptied = make([]*Feed, len(s.emptied))
	for i, f := range s.emptied {
		n.emptied[i] = set(f)
		if f.Kind == KindCategory {
			n.byCategory[f.Key] = n.emptied[i]
		} else {
			n.byTag[f.Key] = n.emptied[i]
		}
	}
	return &n
}

// FeedRef names a feed by kind and key (Fold of its name).
type FeedRef struct {
	Kind Kind
	Key  string
}

// WithGone returns a snapshot that reports the feeds of gone, which lost
// their last post and whose deleted entries are no longer shown, as Gone
// (those the snapshot serves excepted). s is not modified.
func (s *Snapshot) WithGone(gone []FeedRef) *Snapshot {
	n := *s
	n.gone = make(map[FeedRef]bool, len(gone))
	for _, g := range gone {
		if _, err := s.Feed(g.Kind, g.Key); err != nil && g.Kind != KindSite {
			n.gone[g] = true
		}
	}
	return &n
}

// Gone reports whether the feed of kind named name is one that lost its
// last post and showed its deleted entries for as long as they last: one
// that should be answered 410 Gone rather than 404.
func (s *Snapshot) Gone(kind Kind, name string) bool {
	return s.gone[FeedRef{kind, Fold(name)}]
}
