package feed

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strconv"
)

// nsHistory is the namespace of RFC 5005, Feed Paging and Archiving.
const nsHistory = "http://purl.org/syndication/history/1.0"

// Paging selects one page of a feed document (RFC 5005 section 3): the
// posts newest first, Size to a page.
type Paging struct {
	Size      int  // posts per page: the limit in force; ≤ 0 means every post on one page
	Page      int  // 1-based; below 1 counts as 1
	SizeInURL bool // page links carry ?limit=Size, because it is not the default
}

// Pages returns how many pages of size posts the feed has: at least 1, so
// that an empty feed still has its first page.
func (f *Feed) Pages(size int) int { return pageCount(len(f.Posts), size) }

// pageCount returns how many pages of size hold n posts, at least 1.
func pageCount(n, size int) int {
	if size <= 0 || n <= size {
		return 1
	}
	return (n + size - 1) / size
}

// page returns the posts of pg out of posts, empty past the last page.
func (pg Paging) page(posts []*Post) []*Post {
	if pg.Size <= 0 {
		return posts
	}
	lo := (max(pg.Page, 1) - 1) * pg.Size
	if lo >= len(posts) {
		return nil
	}
	return posts[lo:min(lo+pg.Size, len(posts))]
}

// pageURL returns the URL of page n of the document at base.
func (pg Paging) pageURL(base string, n int) string {
	q := url.Values{}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if pg.SizeInURL {
		q.Set("limit", strconv.Itoa(pg.Size))
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

// link is a link of a document besides its alternate, self and hub links:
// an RFC 5005 paging or archive link.
type link struct {
	rel, href string
}

// pageLinks returns the first, previous, next and last links of page pg of
// pages, in that order; none when there is only one page.
func (pg Paging) pageLinks(base string, pages int) []link {
	if pages <= 1 {
		return nil
	}
	n := max(pg.Page, 1)
	links := []link{{"first", pg.pageURL(base, 1)}}
	if n > 1 {
		links = append(links, link{"previous", pg.pageURL(base, n-1)})
	}
	if n < pages {
		links = append(links, link{"next", pg.pageURL(base, n+1)})
	}
	return append(links, link{"last", pg.pageURL(base, pages)})
}

// PageValidator returns a strong validator for page pg of f in format: its
// posts' content hashes and revision times (which show as their updated),
// the page, the page count and what the page links to, and on page 1 the
// deleted entries it shows, so that each page has its own ETag and cache
// keys and an ETag names one byte sequence.
func (s *Snapshot) PageValidator(f *Feed, format Format, pg Paging) string {
	h := sha256.New()
	b := make([]byte, 0, 128)
	b = append(b, f.seed[:]...)
	b = append(b, "page\x00"...)
	b = append(b, format.String()...)
	b = appendInts(b, pg.Size, max(pg.Page, 1), f.Pages(pg.Size), boolInt(pg.SizeInURL))
	if pg.Page <= 1 {
		m, _ := s.PrevArchive(f)
		b = appendInts(b, m.index())
		if len(f.tombstones) > 0 {
			b = append(b, f.Validator(format.String(), 0)...) // covers the deleted entries page 1 shows
		}
	}
	h.Write(b)
	writePosts(h, pg.page(f.Posts))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// RenderPage writes page pg of f in format to w. Page 1 is the feed's
// current document: it links to the other pages, to the newest archive when
// the feed has closed months, and alone shows deleted entries. A page past
// the last is ErrNotFound.
func (s *Snapshot) RenderPage(w io.Writer, f *Feed, format Format, pg Paging) error {
	return s.renderPage(w, f, format, pg, nil)
}

// RenderDelta writes the current document of f (page 1 at pg.Size posts a
// page) in format to w, showing only the posts keep accepts: an RFC 3229
// delta. Everything else is the current document's: its links, its deleted
// entries and its updated, so that a delta carrying only deletions still
// says when the feed last changed.
func (s *Snapshot) RenderDelta(w io.Writer, f *Feed, format Format, pg Paging, keep func(*Post) bool) error {
	pg.Page = 1
	return s.renderPage(w, f, format, pg, func(v *view) {
		posts, items := v.posts[:0:0], v.items[:0:0]
		for i, p := range v.posts {
			if keep(p) {
				posts, items = append(posts, p), append(items, v.items[i])
			}
		}
		v.posts, v.items = posts, items
	})
}

// renderPage writes page pg of f in format to w, after more, when not nil,
// has adjusted the view.
func (s *Snapshot) renderPage(w io.Writer, f *Feed, format Format, pg Paging, more func(*view)) error {
	if f == nil {
		return fmt.Errorf("feed: render: %w", ErrNotFound)
	}
	pages := f.Pages(pg.Size)
	if pg.Page > pages {
		return fmt.Errorf("feed: render %s page %d of %d: %w", f.Path(format), pg.Page, pages, ErrNotFound)
	}
	base := s.Site.URL + f.Path(format)
	return s.render(w, f, format, pg.page(f.Posts), func(v *view) {
		v.self = cleanText(pg.pageURL(base, max(pg.Page, 1)))
		v.links = pg.pageLinks(base, pages)
		if pg.Page > 1 {
			v.tombstones = nil // the current document alone tells of deleted entries
		} else {
			if m, ok := s.PrevArchive(f); ok {
				v.links = append(v.links, link{"prev-archive", s.Site.URL + archivePath(f, m, format)})
			}
		}
		if more != nil {
			more(v)
		}
	})
}

// appendInts appends each of vs to b as 8 bytes.
func appendInts(b []byte, vs ...int) []byte {
	for _, v := range vs {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	return b
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fhArchive is the fh:archive element that marks an RFC 5005 archive
// document, declaring its namespace itself so that other documents' root
// elements stay as they are.
type fhArchive struct {
	XMLName xml.Name `xml:"fh:archive"`
	NS      string   `xml:"xmlns:fh,attr"`
}

// fhArchive returns the archive marker of v, nil unless v is an archive.
func (v *view) fhArchive() *fhArchive {
	if !v.archive {
		return nil
	}
	return &fhArchive{NS: nsHistory}
}

// jsonHistory is the "_history" extension object of JSON Feed documents:
// RFC 5005's links, since JSON Feed itself has only next_url, and the
// archive marker. Its keys are the link relations.
type jsonHistory struct {
	About       string `json:"about"`
	Archive     bool   `json:"archive,omitempty"`
	First       string `json:"first,omitempty"`
	Previous    string `json:"previous,omitempty"`
	Next        string `json:"next,omitempty"`
	Last        string `json:"last,omitempty"`
	Current     string `json:"current,omitempty"`
	PrevArchive string `json:"prev-archive,omitempty"`
	NextArchive string `json:"next-archive,omitempty"`
}

// jsonHistory returns the "_history" object of v, nil when v has no
// paging or archive links.
func (v *view) jsonHistory() *jsonHistory {
	if len(v.links) == 0 && !v.archive {
		return nil
	}
	h := &jsonHistory{About: "https://www.rfc-editor.org/rfc/rfc5005", Archive: v.archive}
	for _, l := range v.links {
		href := cleanText(l.href)
		switch l.rel {
		case "first":
			h.First = href
		case "previous":
			h.Previous = href
		case "next":
			h.Next = href
		case "last":
			h.Last = href
		case "current":
			h.Current = href
		case "prev-archive":
			h.PrevArchive = href
		case "next-archive":
			h.NextArchive = href
		}
	}
	return h
}

// Page returns the posts of page pg of f, none past the last page.
func (f *Feed) Page(pg Paging) []*Post { return pg.page(f.Posts) }

// Page returns the posts of page pg of the month, none past the last page.
func (a *Archive) Page(pg Paging) []*Post { return pg.page(a.Posts) }

// Pages returns how many pages of size posts the month has: at least 1.
func (a *Archive) Pages(size int) int { return pageCount(len(a.Posts), size) }
