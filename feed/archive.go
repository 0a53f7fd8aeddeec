package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"
)

// ErrMonth is returned by ParseMonth for a year or month that is not one.
var ErrMonth = errors.New("feed: malformed month")

// Month is a calendar month in the site's time zone. The zero Month is no
// month.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth parses the year and month segments of an archive URL: four
// digits, and two digits from 01 to 12.
func ParseMonth(year, month string) (Month, error) {
	y, err1 := strconv.Atoi(year)
	m, err2 := strconv.Atoi(month)
	if err1 != nil || err2 != nil || len(year) != 4 || len(month) != 2 ||
		year[0] == '+' || month[0] == '+' || y < 1 || m < 1 || m > 12 {
		return Month{}, fmt.Errorf("%w: %q/%q", ErrMonth, year, month)
	}
	return Month{y, time.Month(m)}, nil
}

// IsZero reports whether m is no month.
func (m Month) IsZero() bool { return m == Month{} }

// String returns the month as its archive URL segments: "2021/12".
func (m Month) String() string { return fmt.Sprintf("%04d/%02d", m.Year, int(m.Month)) }

// index numbers months in order; the zero Month is -1.
func (m Month) index() int { return m.Year*12 + int(m.Month) - 1 }

// location returns the site's time zone, UTC when unset.
func (s *Snapshot) location() *time.Location {
	if s.Site.Location != nil {
		return s.Site.Location
	}
	return time.UTC
}

// monthOf returns the month of p's date in the site's time zone.
func (s *Snapshot) monthOf(p *Post) Month {
	y, m, _ := p.Date.In(s.location()).Date()
	return Month{y, m}
}

// start returns the first instant of m in the site's time zone.
func (s *Snapshot) start(m Month) time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, s.location())
}

// before returns the index of the first of posts, newest first, dated
// before t: len(posts) when none is.
func before(posts []*Post, t time.Time) int {
	return sort.Search(len(posts), func(i int) bool { return posts[i].Date.Before(t) })
}

// Archive is one month of a feed: its posts dated in that month in the
// site's time zone, and the months with posts either side. Once a later
// month has posts the month is closed and its documents are RFC 5005
// archive documents.
type Archive struct {
	Feed       *Feed
	Month      Month
	Posts      []*Post // newest first
	Prev, Next Month   // the nearest older and newer months with posts; zero when none

	name string // the feed's name as the month's newest post spells it; empty for the site
}

// Closed reports whether a later month has posts, so that the month's
// documents are archives that no new post is expected to change.
func (a *Archive) Closed() bool { return !a.Next.IsZero() }

// Path returns the URL path of the month's document in format, such as
// "/categories/zhuzhouribao/archive/2021/12/feed.xml".
func (a *Archive) Path(format Format) string { return archivePath(a.Feed, a.Month, format) }

// archivePath returns the URL path of month m of f in format.
func archivePath(f *Feed, m Month, format Format) string {
	return f.HomePath() + "archive/" + m.String() + "/" + format.FileName()
}

// Archive returns month m of f, or ErrNotFound when no post of f is dated
// in it. It costs two binary searches.
func (s *Snapshot) Archive(f *Feed, m Month) (*Archive, error) {
	if f == nil || m.IsZero() {
		return nil, ErrNotFound
	}
	next := m
	next.Month++
	if next.Month > time.December {
		next = Month{m.Year + 1, time.January}
	}
	lo, hi := before(f.Posts, s.start(next)), before(f.Posts, s.start(m))
	if lo == hi {
		return nil, ErrNotFound
	}
	a := &Archive{Feed: f, Month: m, Posts: f.Posts[lo:hi]}
	a.name = f.spelling(a.Posts[0])
	if lo > 0 {
		a.Next = s.monthOf(f.Posts[lo-1])
	}
	if hi < len(f.Posts) {
		a.Prev = s.monthOf(f.Posts[hi])
	}
	return a, nil
}

// PrevArchive returns the newest closed month of f: the month before the
// month of its newest post that has posts. The current document links to
// it as prev-archive.
func (s *Snapshot) PrevArchive(f *Feed) (Month, bool) {
	if len(f.Posts) == 0 {
		return Month{}, false
	}
	i := before(f.Posts, s.start(s.monthOf(f.Posts[0])))
	if i == len(f.Posts) {
		return Month{}, false
	}
	return s.monthOf(f.Posts[i]), true
}

// Months returns every month of f that has posts, newest first.
func (s *Snapshot) Months(f *Feed) []Month {
	var out []Month
	for i := 0; i < len(f.Posts); {
		m := s.monthOf(f.Posts[i])
		out = append(out, m)
		i += before(f.Posts[i:], s.start(m))
	}
	return out
}

// ArchiveValidator returns a strong validator for page pg of the month's
// document in format: the feed's identity and the month's own spelling of
// its name (never the newest post's, so that a later respelling leaves
// archives as they are), its posts' content hashes and revision times, the
// page, and the months it links to.
func (s *Snapshot) ArchiveValidator(a *Archive, format Format, pg Paging) string {
	h := sha256.New()
	b := append(a.Feed.identity[:], "archive\x00"...)
	b = append(b, a.name...)
	b = append(b, 0)
	b = append(b, format.String()...)
	h.Write(appendInts(b, a.Month.index(), a.Prev.index(), a.Next.index(),
		pg.Size, max(pg.Page, 1), pageCount(len(a.Posts), pg.Size), boolInt(pg.SizeInURL)))
	writePosts(h, pg.page(a.Posts))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// spelling returns the name of f as p spells it: the display name when p
// does not carry f (the site feed).
func (f *Feed) spelling(p *Post) string {
	names, keys := p.Categories, p.catKeys
	switch f.Kind {
	case KindCategory:
	case KindTag:
		names, keys = p.Tags, p.tagKeys
	default:
		return f.Name
	}
	for i, name := range names {
		k := ""
		if len(keys) == len(names) {
			k = keys[i]
		} else {
			k = Fold(name)
		}
		if k == f.Key {
			return name
		}
	}
	return f.Name
}

// RenderArchive writes page pg of the month's document in format to w. A
// closed month's document is an RFC 5005 archive document (fh:archive); each
// links to the feed's current document and to the months either side
// (prev-archive, next-archive), and pages as RenderPage does when the month
// holds more than pg.Size posts. A page past the last is ErrNotFound.
func (s *Snapshot) RenderArchive(w io.Writer, a *Archive, format Format, pg Paging) error {
	pages := pageCount(len(a.Posts), pg.Size)
	if pg.Page > pages {
		return fmt.Errorf("feed: render %s page %d of %d: %w", a.Path(format), pg.Page, pages, ErrNotFound)
	}
	base := s.Site.URL + a.Path(format)
	return s.render(w, a.Feed, format, pg.page(a.Posts), func(v *view) {
		if a.Feed.Kind != KindSite {
			v.title = cleanText(s.Site.Title + " · " + a.name)
			if cleanText(s.Site.Description) == "" {
				v.description = v.title
			}
		}
		v.self = cleanText(pg.pageURL(base, max(pg.Page, 1)))
		v.archive = a.Closed()
		v.tombstones = nil // the current document tells of deleted entries
		v.links = append(pg.pageLinks(base, pages), link{"current", s.Site.URL + a.Feed.Path(format)})
		if !a.Prev.IsZero() {
			v.links = append(v.links, link{"prev-archive", s.Site.URL + archivePath(a.Feed, a.Prev, format)})
		}
		if !a.Next.IsZero() {
			v.links = append(v.links, link{"next-archive", s.Site.URL + archivePath(a.Feed, a.Next, format)})
		}
	})
}
