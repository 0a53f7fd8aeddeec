package feed

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"io/fs"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Feed is one feed of a snapshot: the site, a category or a tag, with its
// posts newest first.
type Feed struct {
	Kind  Kind
	Name  string  // display name: the spelling used by the newest post; empty for the site
	Key   string  // folded name used for lookups
	Posts []*Post // newest first; date, then path as tie-break
	// URLName is the spelling in the feed's URLs and so in its Atom id: the
	// one its oldest post uses, which newer posts never change. Empty for
	// the site.
	URLName string

	identity   [32]byte    // hash of the site settings, kind, key and URLName: what archives are named by
	seed       [32]byte    // identity and the display name
	tombstones []Tombstone // deleted entries its RSS and Atom documents show
}

// Snapshot is an immutable index of loaded posts. It is safe for concurrent
// use and never changes after NewSnapshot returns.
type Snapshot struct {
	Site     Site
	Problems []Problem // every post that could not be loaded
	Warnings []Problem // posts served after a fix of their file, or with something left as written (Liquid it does not know), sorted by path
	Loaded   time.Time // the clock value the snapshot was built at

	fsys        fs.FS
	all         []*Post // every loaded post, held back ones included
	site        *Feed
	categories  []*Feed // sorted by key
	tags        []*Feed // sorted by key
	byCategory  map[string]*Feed
	byTag       map[string]*Feed
	nextPublish time.Time
	items       *itemCache // processed item content, shared by the formats and by later snapshots of the same posts
	bodies      *bodyCache // raw post files by content hash, shared with later snapshots
	md          *Markdown  // the site's Markdown converter
	tombstones  []Tombstone
	emptied     []*Feed          // feeds that lost their last post and show only deleted entries, by kind then key
	gone        map[FeedRef]bool // feeds whose deleted entries expired: 410 Gone
}

// Fold returns the lookup key of a category or tag name: Unicode NFC with
// full case folding, so that names equal without regard to case fold to one
// key in every script (TechWeb and Techweb; ΣΟΦΟΣ and σοφος; STRASSE and
// Straße). Fold(Fold(s)) == Fold(s).
func Fold(name string) string {
	ascii, upper := true, false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if ascii {
		if !upper {
			return name // the common case, looked up on every feed request
		}
		return strings.ToLower(name)
	}
	if caseless(name) && norm.NFC.IsNormalString(name) {
		return name // Chinese names and the like: nothing to fold
	}
	return norm.NFC.String(cases.Fold().String(norm.NFC.String(name)))
}

// caseless reports whether no character of s has a case or folds to
// another: folding leaves s as it is.
func caseless(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				return false
			}
			continue
		}
		if unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) || unicode.SimpleFold(r) != r {
			return false
		}
	}
	return true
}

// NewSnapshot indexes posts read from fsys. Posts dated after now are held
// back; NextPublish reports when the first of them is due. The posts slice is
// not modified.
func NewSnapshot(site Site, fsys fs.FS, posts []*Post, problems []Problem, now time.Time) *Snapshot {
	s := &Snapshot{
		Site:       site,
		Problems:   problems,
		Loaded:     now,
		fsys:       fsys,
		all:        posts,
		byCategory: map[string]*Feed{},
		byTag:      map[string]*Feed{},
		items:      new(itemCache),
		bodies:     new(bodyCache),
		md:         NewMarkdown(site.Markdown),
	}
	visible := make([]*Post, 0, len(posts))
	for _, p := range posts {
		if p.Date.After(now) {
			if s.nextPublish.IsZero() || p.Date.Before(s.nextPublish) {
				s.nextPublish = p.Date
			}
			continue
		}
		visible = append(visible, p)
	}
	slices.SortFunc(visible, comparePosts)

	settings := settingsHash(site)
	s.site = &Feed{Kind: KindSite, Posts: visible}
	s.site.identity, s.site.seed = feedSeed(settings, s.site)
	for _, p := range visible {
		s.add(s.byCategory, &s.categories, KindCategory, p.Categories, p.catKeys, p)
		s.add(s.byTag, &s.tags, KindTag, p.Tags, p.tagKeys, p)
	}
	for _, list := range [][]*Feed{s.categories, s.tags} {
		slices.SortFunc(list, func(a, b *Feed) int { return strings.Compare(a.Key, b.Key) })
		for _, f := range list {
			f.identity, f.seed = feedSeed(settings, f)
		}
	}
	return s
}

// add appends p to the feed of each name, creating feeds as needed. Posts
// arrive newest first, so the first spelling seen is the display name and
// the last the URL name.
// folded holds the names' keys when the loader computed them.
func (s *Snapshot) add(index map[string]*Feed, list *[]*Feed, kind Kind, names, folded []string, p *Post) {
	var small [8]string
	keys := small[:0]
	for i, name := range names {
		var key string
		if len(folded) == len(names) {
			key = folded[i]
		} else {
			key = Fold(name)
		}
		if key == "" || slices.Contains(keys, key) {
			continue
		}
		keys = append(keys, key)
		f := index[key]
		if f == nil {
			f = &Feed{Kind: kind, Name: name, Key: key}
			index[key] = f
			*list = append(*list, f)
		}
		f.URLName = name // posts arrive newest first: the oldest post's spelling stays
		f.Posts = append(f.Posts, p)
	}
}

// At returns the snapshot re-indexed as of now: held-back posts whose time
// has come appear in their feeds. Nothing is read again; feeds whose posts
// did not change keep their validators.
func (s *Snapshot) At(now time.Time) *Snapshot {
	n := NewSnapshot(s.Site, s.fsys, s.all, s.Problems, now)
	n.Warnings = s.Warnings
	n.items, n.bodies = s.items, s.bodies
	if len(s.tombstones) == 0 {
		return n
	}
	return n.WithTombstones(s.tombstones)
}

// compareProblems orders problems by path, then line.
func compareProblems(a, b Problem) int {
	if c := strings.Compare(a.Path, b.Path); c != 0 {
		return c
	}
	return a.Line - b.Line
}

// comparePosts orders posts newest first, then by path.
func comparePosts(a, b *Post) int {
	if c := b.Date.Compare(a.Date); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}

// SiteFeed returns the feed of the whole site.
func (s *Snapshot) SiteFeed() *Feed { return s.site }

// Category returns the feed of the named category, matched case-insensitively.
func (s *Snapshot) Category(name string) (*Feed, error) {
	if f, ok := s.byCategory[Fold(name)]; ok {
		return f, nil
	}
	return nil, ErrNotFound
}

// Tag returns the feed of the named tag, matched case-insensitively.
func (s *Snapshot) Tag(name string) (*Feed, error) {
	if f, ok := s.byTag[Fold(name)]; ok {
		return f, nil
	}
	return nil, ErrNotFound
}

// Feed returns the feed of kind named name (matched case-insensitively;
// ignored for the site feed).
func (s *Snapshot) Feed(kind Kind, name string) (*Feed, error) {
	switch kind {
	case KindCategory:
		return s.Category(name)
	case KindTag:
		return s.Tag(name)
	}
	return s.site, nil
}

// Categories returns every category feed, sorted by key. Do not modify it.
func (s *Snapshot) Categories() []*Feed { return s.categories }

// Tags returns every tag feed, sorted by key. Do not modify it.
func (s *Snapshot) Tags() []*Feed { return s.tags }

// Posts returns every visible post, newest first. Do not modify it.
func (s *Snapshot) Posts() []*Post { return s.site.Posts }

// AllPosts returns every loaded post, held-back future posts included, in
// load order. Do not modify it.
func (s *Snapshot) AllPosts() []*Post { return s.all }

// NextPublish returns the time the first held-back post is due, or the zero
// time when none is held back.
func (s *Snapshot) NextPublish() time.Time { return s.nextPublish }

// FS returns the file system the posts were read from.
func (s *Snapshot) FS() fs.FS { return s.fsys }

// Limit returns the first n posts of the feed, or all of them when fewer.
func (f *Feed) Limit(n int) []*Post {
	if n < 0 || n > len(f.Posts) {
		n = len(f.Posts)
	}
	return f.Posts[:n]
}

// Updated returns the time of the feed's newest item: the latest Updated of
// its first n posts. It is the zero time only for an empty feed.
func (f *Feed) Updated(n int) time.Time {
	var t time.Time
	for _, p := range f.Limit(n) {
		if p.Updated.After(t) {
			t = p.Updated
		}
	}
	return t
}

// Validator returns a strong validator for the document of the first n posts
// of f in format: a hash of the renderer version, the site settings, the
// feed's identity, the format and its items' content hashes, and, for RSS
// and Atom, the deleted entries the feed shows (a feed without any keeps the
// validator it had before tombstones existed). It is equal in every process
// that loads the same files with the same settings and tombstones.
func (f *Feed) Validator(format string, n int) string {
	h := sha256.New()
	h.Write(f.seed[:])
	h.Write([]byte(format))
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(n))
	h.Write(buf[:])
	writePosts(h, f.Limit(n))
	if len(f.tombstones) > 0 && (format == RSS.String() || format == Atom.String()) {
		h.Write([]byte("\x00tombstones"))
		for _, t := range f.tombstones {
			h.Write([]byte(t.ID))
			h.Write([]byte{0})
			binary.BigEndian.PutUint64(buf[:], uint64(t.When.Unix()))
			h.Write(buf[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// writePosts writes to h what of posts shows in a document besides the
// feed: each post's content hash and, when it has one, its revision time.
func writePosts(h hash.Hash, posts []*Post) {
	var buf [8]byte
	for _, p := range posts {
		h.Write(p.Hash[:])
		if !p.revised.IsZero() {
			binary.BigEndian.PutUint64(buf[:], uint64(p.revised.Unix()))
			h.Write(buf[:])
		}
	}
}

// settingsHash hashes every site setting that shows in a document.
func settingsHash(site Site) [32]byte {
	h := sha256.New()
	loc := ""
	if site.Location != nil {
		loc = site.Location.String()
	}
	policy := SanitizePolicyVersion
	if site.TrustHTML {
		policy = "trusted"
	}
	for _, v := range []string{RendererVersion, site.URL, site.Title, site.Description, site.Lang,
		site.Author, site.Permalink, loc, site.WebSubHub, site.Markdown.key(), site.ExcerptSeparator, site.MarkdownExt, policy} {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	var buf [9]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(site.SummaryRunes))
	if site.FullContent {
		buf[8] = 1
	}
	h.Write(buf[:])
	return [32]byte(h.Sum(nil))
}

// feedSeed hashes the settings and the feed's identity (kind, key, URL
// name), then that and its display name.
func feedSeed(settings [32]byte, f *Feed) (identity, seed [32]byte) {
	h := sha256.New()
	h.Write(settings[:])
	h.Write([]byte{byte(f.Kind)})
	h.Write([]byte(f.Key))
	h.Write([]byte{0})
	h.Write([]byte(f.URLName))
	identity = [32]byte(h.Sum(nil))
	h.Reset()
	h.Write(identity[:])
	h.Write([]byte(f.Name))
	return identity, [32]byte(h.Sum(nil))
}
