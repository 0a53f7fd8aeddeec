package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/feedwire/feedwire/feed"
)

// SettingError is a setting that cannot work: the variable, the value it
// has, and what it should be. Its message is one line.
type SettingError struct {
	Name    string // the variable, FEEDWIRE_ prefix included
	Value   string // as set (secrets masked)
	Problem string // what is wrong, when the expectation alone does not say
	Want    string // what the variable should hold
}

func (e *SettingError) Error() string {
	if e.Problem != "" {
		return fmt.Sprintf("config: %s=%q: %s; want %s", e.Name, e.Value, e.Problem, e.Want)
	}
	return fmt.Sprintf("config: %s=%q: want %s", e.Name, e.Value, e.Want)
}

// What each kind of setting expects, for messages.
const (
	wantByteSize = "a byte size such as 4194304, 512KB or 64MiB (KB = 1000 bytes, KiB = 1024)"
	wantDuration = "a duration such as 500ms, 30s, 5m or 1h30m"
	wantBool     = "true or false"
	wantInt      = "a whole number"
	wantHTTPURL  = "an absolute http:// or https:// URL such as https://news.example.org"
	wantAddr     = "a listen address host:port such as :8080 or localhost:8080"
	wantZone     = "an IANA time zone such as UTC, Asia/Shanghai or America/New_York"
)

// wantPermalink lists the permalink styles and placeholders.
var wantPermalink = "a Jekyll permalink style (date, pretty, ordinal, weekdate, none) or a pattern of :" +
	strings.Join(feed.PermalinkPlaceholders, ", :")

// wants are the expectations of settings with a range or a grammar, by
// variable name without the prefix: a value that does not even parse
// gets the same message as one out of range.
var wants = map[string]string{
	"ADDR":               wantAddr,
	"METRICS_ADDR":       "empty, or " + wantAddr + " other than FEEDWIRE_ADDR's",
	"SITE_URL":           wantHTTPURL,
	"WEBSUB_HUB":         wantHTTPURL,
	"TIMEZONE":           wantZone,
	"PERMALINK":          wantPermalink,
	"MAX_POST_BYTES":     wantByteSize + ", at least 1",
	"MEMORY_CACHE_BYTES": wantByteSize,
	"SUMMARY_RUNES":      "a whole number of runes, 0 (not cut) or more",
	"JEKYLL_FEED_URLS":   "auto, on or off",
	"FEED_LIMIT":         "a whole number of items, at least 1",
	"MAX_LIMIT":          "a whole number of items, at least FEEDWIRE_FEED_LIMIT",
	"MAX_AGE":            "a whole number of seconds, 0 or more",
	"TOMBSTONE_DAYS":     "a whole number of days, 0 (off) or more",
	"RENDER_TIMEOUT":     "a duration above 0 such as 10s",
	"SHUTDOWN_TIMEOUT":   wantDuration + ", 0 or more",
	"RELOAD_INTERVAL":    wantDuration + ", or 0 (off)",
	"REDIS_TTL":          wantDuration + ", 0 or more",
	"REDIS_TIMEOUT":      "a duration above 0 such as 50ms",
	"HUB_LEASE_MIN":      "a duration above 0 such as 1h",
	"HUB_LEASE":          "a duration from FEEDWIRE_HUB_LEASE_MIN to FEEDWIRE_HUB_LEASE_MAX",
	"HUB_LEASE_MAX":      "a duration of at least FEEDWIRE_HUB_LEASE",
	"HUB_MAX_PER_HOST":   "a whole number, at least 1",
	"HUB_MAX_PENDING":    "a whole number, at least 1",
	"HUB_RATE":           "a whole number of requests a minute, at least 1",
	"HUB_WORKERS":        "a whole number, at least 1",
	"HUB_RETRY_FOR":      "a duration above 0 such as 1h",
	"STATS":              "main, metrics or off",
	"LOG_FORMAT":         "auto, json or text",
	"LOG_LEVEL":          "debug, info, warn or error",
}

// Validate rejects settings that cannot work, with a *SettingError naming
// the first such variable.
func (c Config) Validate() error {
	bad := func(name string, value any) error {
		return &SettingError{Name: Prefix + "_" + name, Value: fmt.Sprint(value), Want: wants[name]}
	}
	if err := checkAddr(c.Addr); err != nil {
		return bad("ADDR", c.Addr)
	}
	if c.MetricsAddr != "" && (checkAddr(c.MetricsAddr) != nil || sameListener(c.Addr, c.MetricsAddr)) {
		return bad("METRICS_ADDR", c.MetricsAddr)
	}
	if err := checkHTTPURL(Prefix+"_SITE_URL", c.SiteURL); err != nil {
		return err
	}
	if err := checkHTTPURL(Prefix+"_WEBSUB_HUB", c.WebSubHub); err != nil {
		return err
	}
	if c.Timezone != "" {
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			return &SettingError{Name: Prefix + "_TIMEZONE", Value: c.Timezone, Problem: "no such time zone", Want: wantZone}
		}
	}
	if err := checkPermalink(Prefix+"_PERMALINK", c.Permalink); err != nil {
		return err
	}
	switch {
	case c.Stats != StatsMain && c.Stats != StatsMetrics && c.Stats != StatsOff:
		return bad("STATS", c.Stats)
	case c.Stats == StatsMetrics && c.MetricsAddr == "":
		return &SettingError{Name: Prefix + "_STATS", Value: c.Stats, Problem: Prefix + "_METRICS_ADDR is not set", Want: "main or off, or metrics with " + Prefix + "_METRICS_ADDR set"}
	}
	if c.Hub != "" && c.Hub != HubBuiltin {
		if err := checkHTTPURL(Prefix+"_HUB", c.Hub); err != nil {
			return &SettingError{Name: Prefix + "_HUB", Value: c.Hub, Want: "builtin, or an absolute http:// or https:// URL of an external hub"}
		}
	}
	if c.Hub != "" && c.WebSubHub != "" && c.Hub != c.WebSubHub {
		return &SettingError{Name: Prefix + "_HUB", Value: c.Hub, Problem: Prefix + "_WEBSUB_HUB names another hub", Want: "one of the two set, or both equal"}
	}
	if c.BuiltinHub() {
		switch {
		case c.HubLeaseMin <= 0:
			return bad("HUB_LEASE_MIN", c.HubLeaseMin)
		case c.HubLease < c.HubLeaseMin:
			return bad("HUB_LEASE", c.HubLease)
		case c.HubLeaseMax < c.HubLease:
			return bad("HUB_LEASE_MAX", c.HubLeaseMax)
		case c.HubMaxPerHost < 1:
			return bad("HUB_MAX_PER_HOST", c.HubMaxPerHost)
		case c.HubMaxPending < 1:
			return bad("HUB_MAX_PENDING", c.HubMaxPending)
		case c.HubRate < 1:
			return bad("HUB_RATE", c.HubRate)
		case c.HubWorkers < 1:
			return bad("HUB_WORKERS", c.HubWorkers)
		case c.HubRetryFor <= 0:
			return bad("HUB_RETRY_FOR", c.HubRetryFor)
		}
	}
	switch {
	case c.MaxPostBytes < 1:
		return bad("MAX_POST_BYTES", c.MaxPostBytes)
	case c.MemoryCacheBytes < 0:
		return bad("MEMORY_CACHE_BYTES", c.MemoryCacheBytes)
	case c.SummaryRunes < 0:
		return bad("SUMMARY_RUNES", c.SummaryRunes)
	case c.JekyllFeedURLs != "auto" && c.JekyllFeedURLs != "on" && c.JekyllFeedURLs != "off":
		return bad("JEKYLL_FEED_URLS", c.JekyllFeedURLs)
	case c.FeedLimit < 1:
		return bad("FEED_LIMIT", c.FeedLimit)
	case c.MaxLimit < c.FeedLimit:
		return bad("MAX_LIMIT", c.MaxLimit)
	case c.MaxAge < 0:
		return bad("MAX_AGE", c.MaxAge)
	case c.RenderTimeout <= 0:
		return bad("RENDER_TIMEOUT", c.RenderTimeout)
	case c.ShutdownTimeout < 0:
		return bad("SHUTDOWN_TIMEOUT", c.ShutdownTimeout)
	case c.RedisTTL < 0:
		return bad("REDIS_TTL", c.RedisTTL)
	case c.RedisTimeout <= 0:
		return bad("REDIS_TIMEOUT", c.RedisTimeout)
	case c.ReloadInterval < 0:
		return bad("RELOAD_INTERVAL", c.ReloadInterval)
	case c.TombstoneDays < 0:
		return bad("TOMBSTONE_DAYS", c.TombstoneDays)
	case c.LogFormat != "auto" && c.LogFormat != "json" && c.LogFormat != "text":
		return bad("LOG_FORMAT", c.LogFormat)
	case !validLevel(c.LogLevel):
		return bad("LOG_LEVEL", c.LogLevel)
	}
	return nil
}

// validLevel reports whether level names a log level.
func validLevel(level string) bool {
	switch strings.ToLower(level) {
	case "debug", "info", "warn", "error":
		return true
	}
	return false
}

// checkAddr checks a listen address: host:port with a numeric port.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return err
	}
	return nil
}

// sameListener reports whether two listen addresses would compete for one
// port: the same port, on the same host or on all interfaces. Port 0 picks
// a free port each time, so it never competes.
func sameListener(a, b string) bool {
	ha, pa, _ := net.SplitHostPort(a)
	hb, pb, _ := net.SplitHostPort(b)
	na, _ := net.LookupPort("tcp", pa)
	nb, _ := net.LookupPort("tcp", pb)
	if na != nb || na == 0 {
		return false
	}
	wildcard := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return ha == hb || wildcard(ha) || wildcard(hb)
}

// checkHTTPURL checks a base URL setting named name: empty, or an absolute
// http or https URL with a host and no spaces.
func checkHTTPURL(name, v string) error {
	if v == "" {
		return nil
	}
	bad := func(problem string) error {
		return &SettingError{Name: name, Value: redactURL(v), Problem: problem, Want: wantHTTPURL}
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return bad("it holds a space or control character")
	}
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return bad("it does not parse as a URL")
	case u.Scheme == "":
		return bad("it has no scheme")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("scheme " + u.Scheme + " is not http or https")
	case u.Host == "" || u.Hostname() == "":
		return bad("it has no host")
	}
	return nil
}

// checkPermalink checks a permalink style or pattern setting named name.
func checkPermalink(name, v string) error {
	if p := feed.UnknownPlaceholder(v); p != "" {
		return &SettingError{Name: name, Value: v, Problem: p + " is not a placeholder", Want: wantPermalink}
	}
	return nil
}

// redactURL hides the password of a URL, if it has one, even in a URL
// that does not parse.
func redactURL(v string) string {
	if u, err := url.Parse(v); err == nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
		return v
	}
	_, rest, ok := strings.Cut(v, "://")
	if !ok {
		return v
	}
	authority, _, _ := strings.Cut(rest, "/")
	userinfo, _, ok := strings.Cut(authority, "@")
	if !ok {
		return v
	}
	user, _, ok := strings.Cut(userinfo, ":")
	if !ok {
		return v
	}
	start := len(v) - len(rest) + len(user) + 1
	return v[:start] + masked + v[start+len(userinfo)-len(user)-1:]
}
