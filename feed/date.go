package feed

import (
	"errors"
	"strings"
	"time"
)

// errNoDate reports a value that is not a date in any accepted form.
var errNoDate = errors.New("feed: not a date")

// Date layouts accepted in front matter, with and without an offset.
const (
	layoutDateTimeOffset      = "2006-01-02 15:04:05 -0700"
	layoutDateTimeColonOffset = "2006-01-02 15:04:05 -07:00"
	layoutDateTime            = "2006-01-02 15:04:05"
	layoutDateMinuteOffset    = "2006-01-02 15:04 -0700"
	layoutDateMinute          = "2006-01-02 15:04"
	layoutDate                = "2006-01-02"
	layoutLocalRFC3339        = "2006-01-02T15:04:05"
)

// parseDate reads a front matter date: "2021-12-29 07:52:46 +0800",
// "2021-12-29 07:52:46", "2021-12-29" or RFC 3339 (fractional seconds
// allowed). A value without an offset is the wall clock of loc. A value with
// an offset keeps it as a fixed zone (UTC for +0000), never the machine's
// local zone, so that the result is the same on every machine.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	t, err := parseDateForms(strings.TrimSpace(s), loc)
	if err != nil || t.Year() < minYear {
		return time.Time{}, errNoDate
	}
	return t, nil
}

// minYear is the earliest year taken as a real post date; 0001-01-01 and the
// like are placeholders, not dates.
const minYear = 1000

// parseDateForms tries each accepted form in turn.
func parseDateForms(s string, loc *time.Location) (time.Time, error) {
	if len(s) < len(layoutDate) || s[4] != '-' || s[7] != '-' {
		return time.Time{}, errNoDate
	}
	if len(s) > len(layoutDate) && s[10] == 'T' {
		if t, err := time.ParseInLocation(time.RFC3339Nano, s, time.UTC); err == nil {
			return t, nil
		}
		if t, err := time.ParseInLocation(layoutLocalRFC3339, s, loc); err == nil {
			return t, nil
		}
		return time.Time{}, errNoDate
	}
	for _, layout := range []string{layoutDateTimeOffset, layoutDateTimeColonOffset, layoutDateMinuteOffset} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{layoutDateTime, layoutDateMinute, layoutDate} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errNoDate
}

// splitFileName splits a post file name (without folders) into its date,
// slug and extension, following Jekyll's YYYY-MM-DD-slug.ext. ok is false
// when the name has no valid date; slug is then the name without extension.
func splitFileName(name string, loc *time.Location) (date time.Time, slug, ext string, ok bool) {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name, ext = name[:i], name[i:]
	}
	if len(name) > len(layoutDate)+1 && name[len(layoutDate)] == '-' {
		if t, err := time.ParseInLocation(layoutDate, name[:len(layoutDate)], loc); err == nil && t.Year() >= minYear {
			return t, name[len(layoutDate)+1:], ext, true
		}
	}
	return time.Time{}, name, ext, false
}
