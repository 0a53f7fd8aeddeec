package feed

import (
	"time"
	"unicode/utf8"

	"github.com/gorilla/feeds"
)

// encodeJSONItem appends ji to b as appendJSON encodes it: compact, without
// HTML escaping. Items of the shape newJSONItem makes are written directly,
// in encoding/json's field order and escaping, since reflecting over them and
// escaping kilobytes of content rune by rune was most of a JSON render; any
// other shape (no embedded item, an author, attachments, a time JSON cannot
// hold) goes through encoding/json.
func encodeJSONItem(b []byte, ji *jsonItem) ([]byte, error) {
	if out, ok := appendJSONItem(b, ji); ok {
		return out, nil
	}
	return appendJSON(b, ji)
}

// appendJSONItem appends ji to b, or reports false, with b unchanged in
// content, when ji has a field it does not write.
func appendJSONItem(b []byte, ji *jsonItem) ([]byte, bool) {
	it := ji.JSONItem
	if it == nil || it.Author != nil || len(it.Attachments) > 0 {
		return b, false
	}
	start := len(b)
	b = append(b, `{"id":`...)
	b = appendJSONString(b, it.Id)
	b = appendJSONField(b, "url", it.Url)
	b = appendJSONField(b, "external_url", it.ExternalUrl)
	b = appendJSONField(b, "title", it.Title)
	b = appendJSONField(b, "summary", it.Summary)
	b = appendJSONField(b, "image", it.Image)
	b = appendJSONField(b, "banner_", it.BannerImage)
	for _, d := range []struct {
		key string
		t   *time.Time
	}{{"date_published", it.PublishedDate}, {"date_modified", it.ModifiedDate}} {
		if d.t == nil {
			continue
		}
		var ok bool
		if b, ok = appendJSONTime(append(append(append(b, ",\""...), d.key...), "\":"...), *d.t); !ok {
			return b[:start], false
		}
	}
	if len(it.Authors) > 0 {
		b = append(b, `,"authors":[`...)
		for i, a := range it.Authors {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONAuthor(b, a)
		}
		b = append(b, ']')
	}
	if len(it.Tags) > 0 {
		b = append(b, `,"tags":[`...)
		for i, t := range it.Tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, t)
		}
		b = append(b, ']')
	}
	b = appendJSONField(b, "content_html", ji.ContentHTML)
	if ji.ContentText != nil { // jsonItem's, which hides gorilla's
		b = appendJSONString(append(b, `,"content_text":`...), *ji.ContentText)
	}
	b = appendJSONField(b, "language", ji.Language)
	return append(b, '}'), true
}

// appendJSONField appends a string member, unless s is empty (omitempty).
func appendJSONField(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendJSONString(b, s)
}

// appendJSONAuthor appends a JSON Feed author object, or null.
func appendJSONAuthor(b []byte, a *feeds.JSONAuthor) []byte {
	if a == nil {
		return append(b, "null"...)
	}
	n := len(b)
	b = append(b, '{')
	b = appendJSONField(b, "name", a.Name)
	b = appendJSONField(b, "url", a.Url)
	b = appendJSONField(b, "avatar", a.Avatar)
	if len(b) > n+1 {
		b = append(b[:n+1], b[n+2:]...) // the first member's comma
	}
	return append(b, '}')
}

// appendJSONTime appends t as time.Time's MarshalJSON does, or reports false
// when MarshalJSON fails: a year outside [0,9999] or a zone offset of a day
// or more.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	n := len(b)
	b = t.AppendFormat(b, time.RFC3339Nano)
	if len(b) < n+len("2006-01-02T15:04:05Z") || b[n+len("2006")] != '-' {
		return b, false
	}
	if b[len(b)-1] != 'Z' {
		zone := b[len(b)-len("-07:00"):]
		if c := zone[0]; c != '+' && c != '-' || 10*(zone[1]-'0')+(zone[2]-'0') >= 24 {
			return b, false
		}
	}
	return append(b, '"'), true
}

// jsonClass classifies bytes for appendJSONString: 0 is copied as it is, 1
// is an ASCII byte to escape, 2 starts a three-byte sequence that needs no
// escaping when well formed (U+1000–U+1FFF, U+3000–U+CFFF, U+E000–U+FFFF),
// 3 starts any other multi-byte sequence (or is not UTF-8).
var jsonClass = func() (t [256]byte) {
	for c := range 256 {
		switch {
		case c < 0x20 || c == '"' || c == '\\':
			t[c] = 1
		case c < utf8.RuneSelf:
			t[c] = 0
		case c == 0xE1 || c >= 0xE3 && c <= 0xEC || c == 0xEE || c == 0xEF:
			t[c] = 2
		default:
			t[c] = 3
		}
	}
	return t
}()

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it without HTML escaping: quotes, backslashes and control
// characters escaped (\b \f \n \r \t, else \u00XX), each byte that is not
// UTF-8 as \ufffd, and U+2028 and U+2029 as \u2028 and \u2029.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	last := 0
	for i := 0; i < len(s); {
		switch c := s[i]; jsonClass[c] {
		case 0:
			i++
			continue
		case 1:
			b = append(b, s[last:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			last = i
			continue
		case 2:
			j := i
			for j+2 < len(s) && jsonClass[s[j]] == 2 && s[j+1]&0xC0 == 0x80 && s[j+2]&0xC0 == 0x80 {
				j += 3
			}
			if j > i {
				i = j
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, s[last:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[last:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += n
			continue
		}
		i += n
		last = i
	}
	b = append(b, s[last:]...)
	return append(b, '"')
}
