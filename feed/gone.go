package feed

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
