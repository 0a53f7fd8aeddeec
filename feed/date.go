package feed

import (
	"errors"
	"regexp"
	"strconv"
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
		return lenientDate(s, loc)
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
	return lenientDate(s, loc)
}

// splitFileName splits a post file name (without folders) into its date,
// slug and extension, following Jekyll's YYYY-M-D-slug.ext (month and day
// with or without a leading zero). ok is false when the name has no valid
// date; slug is then the name without extension. Trailing dots leave the
// slug, as in Jekyll.
func splitFileName(name string, loc *time.Location) (date time.Time, slug, ext string, ok bool) {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name, ext = name[:i], name[i:]
	}
	if d, rest, found := cutFileDate(name); found {
		if t, err := time.ParseInLocation("2006-1-2", d, loc); err == nil && t.Year() >= minYear {
			return t, strings.TrimRight(rest, "."), ext, true
		}
	}
	return time.Time{}, strings.TrimRight(name, "."), ext, false
}

// cutFileDate splits "2017-2-5-slug" into "2017-2-5" and "slug": four
// digits, then one or two, then one or two, each followed by '-'.
func cutFileDate(name string) (date, rest string, ok bool) {
	i := 0
	for n, width := range []int{4, 2, 2} {
		start := i
		for i < len(name) && i-start < width && name[i] >= '0' && name[i] <= '9' {
			i++
		}
		if i == start || n == 0 && i-start != 4 || i >= len(name) || name[i] != '-' {
			return "", "", false
		}
		i++
	}
	return name[:i-1], name[i:], true
}

// lenientDate reads a date the strict forms refuse the way Ruby's
// Time.parse, which Jekyll uses, does for the common slips: a date, then an
// optional time, then an optional offset anywhere after it, other words
// ignored ("2023-01-29 18:30:22 2023 -0800").
func lenientDate(s string, loc *time.Location) (time.Time, error) {
	m := lenientDateRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, errNoDate
	}
	num := func(v string) int { n, _ := strconv.Atoi(v); return n }
	zone := loc
	if z := lenientZoneRe.FindStringSubmatch(s[len(m[0]):]); z != nil {
		switch {
		case z[1] == "Z" || z[1] == "UTC" || z[1] == "GMT":
			zone = time.UTC
		default:
			off := (num(z[4])*60 + num(z[5])) * 60
			if z[3] == "-" {
				off = -off
			}
			zone = time.FixedZone("", off)
			if off == 0 {
				zone = time.UTC
			}
		}
	}
	t := time.Date(num(m[1]), time.Month(num(m[2])), num(m[3]), num(m[4]), num(m[5]), num(m[6]), 0, zone)
	if t.Month() != time.Month(num(m[2])) || t.Day() != num(m[3]) || num(m[4]) > 23 || num(m[5]) > 59 || num(m[6]) > 60 {
		return time.Time{}, errNoDate
	}
	return t, nil
}

var (
	lenientDateRe = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?`)
	lenientZoneRe = regexp.MustCompile(`(?:^|\s)((Z|UTC|GMT)|([+-])(\d{2}):?(\d{2}))(?:\s|$)`)
)
