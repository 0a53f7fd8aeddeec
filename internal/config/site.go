package config

import (
	"fmt"
	"io/fs"
	"net"
	"time"
	_ "time/tzdata" // the container image has no zoneinfo of its own

	"github.com/feedwire/feedwire/feed"
)

// Site merges the site's _config.yml in fsys with the FEEDWIRE_* overrides
// of c, and fills what neither names.
func (c Config) Site(fsys fs.FS) (feed.Site, error) {
	site, err := feed.ReadSiteConfig(fsys)
	if err != nil {
		return feed.Site{}, err
	}
	override := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	override(&site.URL, c.SiteURL)
	override(&site.Title, c.SiteTitle)
	override(&site.Description, c.SiteDescription)
	override(&site.Lang, c.SiteLang)
	override(&site.Permalink, c.Permalink)
	override(&site.WebSubHub, c.WebSubHub)
	if c.Timezone != "" {
		loc, err := time.LoadLocation(c.Timezone)
		if err != nil {
			return feed.Site{}, fmt.Errorf("config: %s_TIMEZONE: %w", Prefix, err)
		}
		site.Location = loc
	}
	if site.Location == nil {
		site.Location = time.UTC
	}
	if site.URL == "" {
		site.URL = defaultSiteURL(c.Addr)
	}
	if site.Title == "" {
		site.Title = "feedwire"
	}
	site.FullContent = c.FullContent
	site.SummaryRunes = c.SummaryRunes
	site.TrustHTML = !c.Sanitize
	return site, nil
}

// defaultSiteURL is the base URL of a site that names none: the listen
// address itself, so that links work for a local run.
func defaultSiteURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
