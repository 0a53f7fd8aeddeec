package feed

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// DefaultPermalink is Jekyll's default permalink style, "date".
const DefaultPermalink = "date"

// permalinkPattern returns the pattern of a Jekyll named style, or style
// itself when it is already a pattern.
func permalinkPattern(style string) string {
	switch style {
	case "", "date":
		return "/:categories/:year/:month/:day/:title:output_ext"
	case "pretty":
		return "/:categories/:year/:month/:day/:title/"
	case "ordinal":
		return "/:categories/:year/:y_day/:title:output_ext"
	case "weekdate":
		return "/:categories/:year/W:week/:short_day/:title:output_ext"
	case "none":
		return "/:categories/:title:output_ext"
	}
	return style
}

// urlParts are the values a permalink pattern draws from.
type urlParts struct {
	categories []string  // front matter spelling; lowercased in URLs as Jekyll does
	date       time.Time // in the post's own offset
	slug       string    // from the file name or front matter
	outputExt  string    // ".html"
}

// expandPermalink fills the Jekyll placeholders of pattern, each value
// escaped as Jekyll's URL.escape_path does (the pattern's own text is
// not), and returns the URL path cleaned as Jekyll does: no empty or dot
// segments, a leading slash, a trailing slash kept.
func expandPermalink(pattern string, u urlParts) string {
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c != ':' {
			b.WriteByte(c)
			i++
			continue
		}
		j := i + 1
		for j < len(pattern) && (pattern[j] == '_' || pattern[j] >= 'a' && pattern[j] <= 'z') {
			j++
		}
		name, val, ok := longestPlaceholder(pattern[i+1:j], u)
		if !ok {
			b.WriteByte(c)
			i++
			continue
		}
		b.WriteString(escapePath(val))
		i += 1 + len(name)
	}
	return cleanURLPath(b.String())
}

// longestPlaceholder finds the longest known placeholder that word starts with.
func longestPlaceholder(word string, u urlParts) (name, val string, ok bool) {
	for n := len(word); n > 0; n-- {
		if v, ok := placeholder(word[:n], u); ok {
			return word[:n], v, true
		}
	}
	return "", "", false
}

// placeholder returns the value of one Jekyll permalink placeholder.
func placeholder(name string, u urlParts) (string, bool) {
	d := u.date
	switch name {
	case "categories":
		seen := make([]string, 0, len(u.categories))
		for _, c := range u.categories {
			seen = appendName(seen, strings.ToLower(c))
		}
		return strings.Join(seen, "/"), true
	case "year":
		return d.Format("2006"), true
	case "short_year":
		return d.Format("06"), true
	case "month":
		return d.Format("01"), true
	case "i_month":
		return strconv.Itoa(int(d.Month())), true
	case "short_month":
		return d.Format("Jan"), true
	case "long_month":
		return d.Format("January"), true
	case "day":
		return d.Format("02"), true
	case "i_day":
		return strconv.Itoa(d.Day()), true
	case "y_day":
		return d.Format("002"), true
	case "week":
		_, w := d.ISOWeek()
		return twoDigits(w), true
	case "short_day":
		return d.Format("Mon"), true
	case "long_day":
		return d.Format("Monday"), true
	case "hour":
		return d.Format("15"), true
	case "minute":
		return d.Format("04"), true
	case "second":
		return d.Format("05"), true
	case "title":
		return slugify(u.slug, true, true), true
	case "slug":
		return slugify(u.slug, false, false), true
	case "output_ext":
		return u.outputExt, true
	}
	return "", false
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// slugify follows Jekyll's Utils.slugify: runs of characters other than
// letters and digits (in "pretty" mode also ._~!$&'()+,;=@) become one
// hyphen, leading and trailing hyphens go, and unless cased the result is
// lower case.
func slugify(s string, pretty, cased bool) string {
	var b strings.Builder
	hyphen := false
	for _, r := range s {
		keep := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		if !keep && pretty && strings.ContainsRune("._~!$&'()+,;=@", r) {
			keep = true
		}
		if !keep {
			hyphen = b.Len() > 0
			continue
		}
		if hyphen {
			b.WriteByte('-')
			hyphen = false
		}
		if !cased {
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanURLPath collapses repeated slashes, drops "." and ".." segments and
// makes the path absolute, keeping a trailing slash.
func cleanURLPath(p string) string {
	trailing := strings.HasSuffix(p, "/")
	parts := strings.Split(p, "/")
	out := parts[:0]
	for _, s := range parts {
		if s != "" && s != "." && s != ".." {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "/"
	}
	r := "/" + strings.Join(out, "/")
	if trailing {
		r += "/"
	}
	return r
}

// escapePath percent-encodes a URL path so that it is ASCII: everything but
// RFC 3986 unreserved characters, sub-delimiters, ':', '@' and '/' is
// encoded, as Jekyll's URL.escape_path does.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// postID returns Jekyll's document id for a post with URL path urlPath: the
// folder of the URL joined with the slug, which jekyll-feed uses as the
// entry id. It stays the same whatever the output extension.
func postID(urlPath, slug string) string {
	dir := strings.TrimSuffix(urlPath, "/")
	if i := strings.LastIndexByte(dir, '/'); i >= 0 {
		dir = dir[:i]
	}
	return cleanURLPath(dir + "/" + slug)
}

// PermalinkPlaceholders are the placeholders a permalink pattern may use.
var PermalinkPlaceholders = []string{
	"categories", "year", "short_year", "month", "i_month", "short_month", "long_month",
	"day", "i_day", "y_day", "week", "short_day", "long_day", "hour", "minute", "second",
	"title", "slug", "output_ext",
}

// UnknownPlaceholder returns the first word after a ':' in a permalink
// style or pattern that no placeholder starts (":nonsense"), which
// expandPermalink would leave in every URL as it stands; "" when there is
// none. Named styles and patterns without placeholders have none.
func UnknownPlaceholder(style string) string {
	pattern := permalinkPattern(style)
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != ':' {
			continue
		}
		j := i + 1
		for j < len(pattern) && (pattern[j] == '_' || pattern[j] >= 'a' && pattern[j] <= 'z') {
			j++
		}
		if j == i+1 {
			continue // a lone ':' is kept as it is
		}
		name, _, ok := longestPlaceholder(pattern[i+1:j], urlParts{})
		if !ok {
			return pattern[i:j]
		}
		i += len(name)
	}
	return ""
}
