package feed

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Format is a feed document format.
type Format uint8

// The feed formats.
const (
	RSS  Format = iota // RSS 2.0
	Atom               // Atom 1.0
	JSON               // JSON Feed 1.1
)

// ErrFormat is returned by ParseFormat for a file name that names no format.
var ErrFormat = errors.New("feed: unknown format")

// String returns the format's short name: "rss", "atom" or "json".
func (f Format) String() string {
	switch f {
	case RSS:
		return "rss"
	case Atom:
		return "atom"
	case JSON:
		return "json"
	}
	return fmt.Sprintf("format(%d)", uint8(f))
}

// ContentType returns the media type of the format's documents, with charset.
func (f Format) ContentType() string {
	switch f {
	case RSS:
		return "application/rss+xml; charset=utf-8"
	case Atom:
		return "application/atom+xml; charset=utf-8"
	case JSON:
		return "application/feed+json; charset=utf-8"
	}
	return "application/octet-stream"
}

// mediaType returns the format's media type without parameters.
func (f Format) mediaType() string {
	t, _, _ := strings.Cut(f.ContentType(), ";")
	return t
}

// FileName returns the last path segment of the format's feed URLs:
// "feed.xml", "atom.xml" or "feed.json".
func (f Format) FileName() string {
	switch f {
	case RSS:
		return "feed.xml"
	case Atom:
		return "atom.xml"
	case JSON:
		return "feed.json"
	}
	return ""
}

// ParseFormat returns the format whose FileName is name, or ErrFormat.
func ParseFormat(name string) (Format, error) {
	for f := RSS; f <= JSON; f++ {
		if f.FileName() == name {
			return f, nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrFormat, name)
}

// HomePath returns the URL path of the feed's HTML page: "/" for the site,
// "/categories/{name}/" or "/tags/{name}/" otherwise, with the URL name
// (the oldest post's spelling, which later posts never change) percent-encoded
// as one path segment.
func (f *Feed) HomePath() string {
	switch f.Kind {
	case KindCategory:
		return "/categories/" + url.PathEscape(f.URLName) + "/"
	case KindTag:
		return "/tags/" + url.PathEscape(f.URLName) + "/"
	}
	return "/"
}

// Path returns the URL path of the feed's document in format, such as
// "/feed.xml" or "/tags/%E6%96%B0%E9%97%BB/atom.xml".
func (f *Feed) Path(format Format) string {
	return f.HomePath() + format.FileName()
}
