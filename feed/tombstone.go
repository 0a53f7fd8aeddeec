package feed

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"maps"
	"slices"
	"strings"
	"time"
)

// nsTombstones is the namespace of RFC 6721 deleted entries.
const nsTombstones = "http://purl.org/atompub/tombstones/1.0"

// MaxFeedTombstones bounds the deleted entries one document shows: the most
// recent ones.
const MaxFeedTombstones = 50

// Tombstone is a post removed from the corpus, as RFC 6721 publishes it: its
// item ID, when the removal was noticed, and the feeds that carried it (the
// site's always did).
type Tombstone struct {
	ID         string    // item ID of the removed post
	When       time.Time // when the removal was first noticed
	Categories []string  // keys (Fold) of the category feeds that carried it
	Tags       []string  // keys of the tag feeds
}

// ItemID returns the permanent ID that documents give p: its ID, else its
// permalink.
func (p *Post) ItemID() string { return itemID(p) }

// TombstoneOf returns the tombstone of p removed at when: its item ID and the
// keys of its feeds.
func TombstoneOf(p *Post, when time.Time) Tombstone {
	t := Tombstone{ID: itemID(p), When: when}
	for _, name := range p.Categories {
		if k := Fold(name); k != "" && !slices.Contains(t.Categories, k) {
			t.Categories = append(t.Categories, k)
		}
	}
	for _, name := range p.Tags {
		if k := Fold(name); k != "" && !slices.Contains(t.Tags, k) {
			t.Tags = append(t.Tags, k)
		}
	}
	return t
}

// Tombstones returns the tombstones the snapshot carries, most recent first.
// Do not modify it.
func (s *Snapshot) Tombstones() []Tombstone { return s.tombstones }

// Tombstones returns the deleted entries the feed's documents show, most
// recent first. Do not modify it.
func (f *Feed) Tombstones() []Tombstone { return f.tombstones }

// WithTombstones returns a snapshot of the same posts whose feeds show ts as
// RFC 6721 deleted entries: each feed the ones that name it, at most
// MaxFeedTombstones, most recent first (then by ID). A tombstone whose ID is
// a loaded post's is left out: the post is back. Feeds whose tombstones do
// not change keep their validators; s is not modified.
func (s *Snapshot) WithTombstones(ts []Tombstone) *Snapshot {
	n := &Snapshot{
		Site:        s.Site,
		Problems:    s.Problems,
		Warnings:    s.Warnings,
		Loaded:      s.Loaded,
		fsys:        s.fsys,
		all:         s.all,
		site:        s.site,
		categories:  s.categories,
		tags:        s.tags,
		byCategory:  s.byCategory,
		byTag:       s.byTag,
		nextPublish: s.nextPublish,
		items:       s.items,
		bodies:      s.bodies,
	}
	if len(ts) > 0 {
		// Look each post up among the tombstones: far cheaper than indexing
		// every post's ID.
		loaded := make(map[string]bool, len(ts))
		for _, t := range ts {
			loaded[t.ID] = false
		}
		for _, p := range s.all {
			if _, ok := loaded[itemID(p)]; ok {
				loaded[itemID(p)] = true
			}
		}
		for _, t := range ts {
			if !loaded[t.ID] && t.ID != "" {
				n.tombstones = append(n.tombstones, t)
			}
		}
	}
	slices.SortFunc(n.tombstones, func(a, b Tombstone) int {
		return cmp.Or(b.When.Compare(a.When), strings.Compare(a.ID, b.ID))
	})
	perCat, perTag := map[string][]Tombstone{}, map[string][]Tombstone{}
	for _, t := range n.tombstones {
		for _, k := range t.Categories {
			if len(perCat[k]) < MaxFeedTombstones {
				perCat[k] = append(perCat[k], t)
			}
		}
		for _, k := range t.Tags {
			if len(perTag[k]) < MaxFeedTombstones {
				perTag[k] = append(perTag[k], t)
			}
		}
	}
	site := n.tombstones[:min(len(n.tombstones), MaxFeedTombstones)]
	if len(site) > 0 || len(s.site.tombstones) > 0 {
		f := *s.site
		f.tombstones = site
		n.site = &f
	}
	n.categories, n.byCategory = withFeedTombstones(s.categories, s.byCategory, perCat)
	n.tags, n.byTag = withFeedTombstones(s.tags, s.byTag, perTag)
	return n
}

// withFeedTombstones returns list and index with each feed showing the
// tombstones of its key: feeds that show or showed some are copied, the rest
// shared. With nothing to change, list and index are returned as they are.
func withFeedTombstones(list []*Feed, index map[string]*Feed, per map[string][]Tombstone) ([]*Feed, map[string]*Feed) {
	var out []*Feed
	var outIndex map[string]*Feed
	for i, f := range list {
		ts := per[f.Key]
		if len(ts) == 0 && len(f.tombstones) == 0 {
			continue
		}
		if out == nil {
			out, outIndex = slices.Clone(list), maps.Clone(index)
		}
		c := *f
		c.tombstones = ts
		out[i], outIndex[f.Key] = &c, &c
	}
	if out == nil {
		return list, index
	}
	return out, outIndex
}

// deletedEntry returns the RFC 6721 element of t, indented by prefix. It
// declares its namespace itself, so that documents without tombstones stay
// as they were.
func deletedEntry(t Tombstone, prefix string) []byte {
	var b bytes.Buffer
	b.WriteString(prefix)
	b.WriteString(`<at:deleted-entry xmlns:at="` + nsTombstones + `" ref="`)
	xml.EscapeText(&b, []byte(cleanText(t.ID)))
	b.WriteString(`" when="`)
	b.WriteString(t.When.UTC().Format(time.RFC3339))
	b.WriteString(`"></at:deleted-entry>`)
	return b.Bytes()
}
