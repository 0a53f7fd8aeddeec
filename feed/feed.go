// Package feed turns a Jekyll-style posts tree into an immutable, indexed
// Snapshot and renders its feeds as RSS 2.0, Atom 1.0, JSON Feed 1.1 and OPML.
//
// The package is pure: it reads posts through fs.FS, writes documents through
// io.Writer, takes its clock as a value, and knows nothing of HTTP, caches or
// metrics.
package feed

import (
	"errors"
	"fmt"
	"time"
)

// RendererVersion is mixed into every validator. Bump it whenever a change to
// the renderers changes the bytes they produce, so that caches keyed by
// validator never serve a document made by an older renderer.
const RendererVersion = "5"

// ErrChanged is returned when a post's file no longer holds the bytes it held
// when the snapshot was loaded; a reload is due.
var ErrChanged = errors.New("feed: post changed since it was loaded")

// ErrNotFound is returned when a category or tag is not in the snapshot.
var ErrNotFound = errors.New("feed: no such feed")

// Site holds the site-wide settings that every feed of a snapshot carries.
type Site struct {
	URL          string          // absolute base URL without a trailing slash
	Title        string          // site title
	Description  string          // site description
	Lang         string          // BCP 47 language tag, e.g. zh-CN
	Author       string          // default author of posts
	Permalink    string          // Jekyll permalink pattern or style name
	Location     *time.Location  // zone for dates written without an offset
	FullContent  bool            // publish full HTML content, not only summaries
	SummaryRunes int             // summary length in runes; 0 leaves it whole
	WebSubHub    string          // WebSub hub URL, empty when none
	Markdown     MarkdownOptions // how Markdown bodies become HTML (_config.yml)
	TrustHTML    bool            // publish post HTML as written, without sanitizing it

	ExcerptSeparator string // _config.yml excerpt_separator; empty means Jekyll's "\n\n"
	MarkdownExt      string // _config.yml markdown_ext; empty means DefaultMarkdownExt
}

// DefaultMarkdownExt is Jekyll's markdown_ext: the extensions of the post
// files rendered as Markdown.
const DefaultMarkdownExt = "markdown,mkdown,mkdn,mkd,md"

// Kind is the kind of a feed: the whole site, one category or one tag.
type Kind uint8

// The kinds of feed.
const (
	KindSite Kind = iota
	KindCategory
	KindTag
)

// String returns the kind's name as used in URLs and metrics.
func (k Kind) String() string {
	switch k {
	case KindSite:
		return "site"
	case KindCategory:
		return "category"
	case KindTag:
		return "tag"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Post is one loaded post. Its body is not held in memory: Snapshot.Content
// reads it again from the snapshot's file system when a document needs it.
type Post struct {
	Path             string    // slash-separated path below the posts root
	Slug             string    // from the file name, or front matter slug
	Title            string    // never empty
	Date             time.Time // publication time, in the post's own offset
	Updated          time.Time // last_modified_at, else Date
	Categories       []string  // display spellings, in front-matter order
	Tags             []string  // display spellings, in front-matter order
	Author           string    // post author, else the site author
	Description      string    // front matter description or excerpt, raw
	ExcerptSeparator string    // front matter excerpt_separator, if any
	Image            string    // absolute image URL, if any
	Lang             string    // post language, if set
	URL              string    // absolute permalink, ASCII (percent-encoded)
	ID               string    // permanent item ID, an ASCII IRI
	Hash             [32]byte  // content hash: path and file bytes, and the Liquid output if any

	catKeys   []string      // Fold of each of Categories, computed once at load
	tagKeys   []string      // Fold of each of Tags
	markdown  bool          // body is Markdown, rendered on demand
	bodyStart int           // byte offset of the body in the file
	size      int64         // file size at load time
	modTime   time.Time     // file modification time at load time
	revised   time.Time     // when this content of the post was first seen, set by WithRevisions
	liquid    *liquidSource // front matter and body of a post whose body holds Liquid
	rendered  *liquidOutput // the body and excerpt after Liquid, when liquid is set
	notes     []Problem     // warnings about the post's file, made at parse time
}

// Problem is one post that could not be loaded, or a file that looked like a
// post and was not one. A Snapshot's Warnings are Problems too: each is a
// post served after the loader fixed something its author should fix.
type Problem struct {
	Path   string // slash-separated path below the posts root
	Line   int    // 1-based line, 0 when the problem is not tied to a line
	Reason string // one sentence
}

// String formats the problem as path:line: reason.
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Reason)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Reason)
}
