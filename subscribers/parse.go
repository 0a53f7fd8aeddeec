// Package subscribers reads the subscriber counts that feed aggregators
// announce in their User-Agent ("Feedly/1.0 (+http://www.feedly.com/fetcher.html;
// 42 subscribers; like FeedFetcher-Google)") and keeps the latest count per
// aggregator and feed, in memory and, when configured, in Redis shared by
// every replica.
//
// Aggregator names are drawn from a fixed list plus Other, so they are safe
// as metric label values. Package subscribers imports no other feedwire
// package.
package subscribers

// MaxCount is the largest count Parse reports: larger claims are capped to
// it, so that one absurd User-Agent cannot dwarf every real count.
const MaxCount = 100_000_000

// MaxUserAgentBytes bounds the User-Agent Parse reads; longer ones are not
// aggregators' and yield nothing.
const MaxUserAgentBytes = 1024

// Other is the aggregator of a count announced by a User-Agent that names
// none of the known aggregators.
const Other = "other"

// maxDigits bounds the digits of a count (thousands separators aside):
// more is an overflow, not a count.
const maxDigits = 18

// Aggregators returns the names Parse can report, Other last. Every name is
// lower-case ASCII; the list never changes while the program runs.
func Aggregators() []string {
	return []string{
		"feedly", "inoreader", "newsblur", "feedbin", "theoldreader", "bazqux",
		"feedspot", "netvibes", "bloglovin", "digg", "superfeedr", "feedwrangler",
		"overcast", "google", Other,
	}
}

// Parse reads the subscriber count a User-Agent announces: the first
// "<N> subscribers" (or "subscriber", "subscriber(s)", "readers", "reader"),
// in any case, with N a whole number at a word boundary, optionally with
// thousands separators. aggregator is one of Aggregators, chosen by a
// product token in the User-Agent, or Other. A count above MaxCount is
// reported as MaxCount; a negative or overflowing count, or none, gives
// ok false. Parse never panics and allocates nothing.
func Parse(userAgent string) (aggregator string, count int, ok bool) {
	if len(userAgent) > MaxUserAgentBytes {
		return "", 0, false
	}
	count, ok = parseCount(userAgent)
	if !ok {
		return "", 0, false
	}
	return aggregatorOf(userAgent), count, true
}

// parseCount finds the first number followed by a subscriber word.
func parseCount(ua string) (int, bool) {
	for i := 0; i < len(ua); {
		if !isDigit(ua[i]) {
			i++
			continue
		}
		start := i
		for i < len(ua) && (isDigit(ua[i]) || ua[i] == ',' && i+1 < len(ua) && isDigit(ua[i+1])) {
			i++
		}
		if start > 0 && !isBoundary(ua[:start]) {
			continue // part of a version, an ID or a word: "v2", "1.5", "feed-7"
		}
		if !subscriberWordAt(ua, i) {
			continue
		}
		if start > 0 && ua[start-1] == '-' {
			return 0, false // "-5 subscribers"
		}
		return number(ua[start:i])
	}
	return 0, false
}

// number parses digits with optional commas, capped at MaxCount.
func number(s string) (int, bool) {
	n, digits := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			continue
		}
		if digits == 0 && s[i] == '0' {
			continue // leading zeros count for nothing
		}
		digits++
		if digits > maxDigits {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return min(n, MaxCount), true
}

// subscriberWordAt reports whether ua[i:] is up to three blanks and then
// "subscriber" or "reader" (any case), with an optional "s" or "(s)", ending
// at a word boundary.
func subscriberWordAt(ua string, i int) bool {
	for blanks := 0; i < len(ua) && (ua[i] == ' ' || ua[i] == '\t') && blanks < 3; blanks++ {
		i++
	}
	switch {
	case hasPrefixFold(ua[i:], "subscriber"):
		i += len("subscriber")
	case hasPrefixFold(ua[i:], "reader"):
		i += len("reader")
	default:
		return false
	}
	switch {
	case hasPrefixFold(ua[i:], "(s)"):
		i += 3
	case i < len(ua) && (ua[i] == 's' || ua[i] == 'S'):
		i++
	}
	return i == len(ua) || !isLetter(ua[i])
}

// aggregatorOf names the aggregator whose product token ua carries. The
// order matters: Feedly's User-Agent says "like FeedFetcher-Google", NewsBlur's
// carries a site URL that may say anything.
func aggregatorOf(ua string) string {
	switch {
	case containsFold(ua, "feedly"):
		return "feedly"
	case containsFold(ua, "newsblur"):
		return "newsblur"
	case containsFold(ua, "inoreader"):
		return "inoreader"
	case containsFold(ua, "feedbin"):
		return "feedbin"
	case containsFold(ua, "theoldreader"), containsFold(ua, "the old reader"):
		return "theoldreader"
	case containsFold(ua, "bazqux"):
		return "bazqux"
	case containsFold(ua, "feedspot"):
		return "feedspot"
	case containsFold(ua, "netvibes"):
		return "netvibes"
	case containsFold(ua, "bloglovin"):
		return "bloglovin"
	case containsFold(ua, "digg feed fetcher"), containsFold(ua, "digg.com"):
		return "digg"
	case containsFold(ua, "superfeedr"):
		return "superfeedr"
	case containsFold(ua, "feedwrangler"), containsFold(ua, "feed wrangler"):
		return "feedwrangler"
	case containsFold(ua, "overcast"):
		return "overcast"
	case containsFold(ua, "feedfetcher-google"):
		return "google"
	}
	return Other
}

// containsFold reports whether s contains lower, a lower-case ASCII word,
// in any ASCII case.
func containsFold(s, lower string) bool {
	for i := 0; i+len(lower) <= len(s); i++ {
		if hasPrefixFold(s[i:], lower) {
			return true
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with lower, a lower-case ASCII
// string, in any ASCII case.
func hasPrefixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isBoundary reports whether a number may start after before: not inside a
// word, a version ("2.4", "BazQux/2") or an identifier ("feed_1",
// "feed-1"). A minus sign after a blank is a boundary: the number is
// negative.
func isBoundary(before string) bool {
	c := before[len(before)-1]
	if c == '-' {
		return len(before) == 1 || !isLetter(before[len(before)-2]) && !isDigit(before[len(before)-2])
	}
	return !isLetter(c) && !isDigit(c) && c != '.' && c != '_' && c != '/'
}
