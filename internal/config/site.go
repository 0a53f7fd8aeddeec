package config

import (
	"fmt"
	"io/fs"
	"net"
	"strings"
	"time"
	_ "time/tzdata" // the container image has no zoneinfo of its own

	"github.com/feedwire/feedwire/feed"
)

// Site merges the site's _config.yml in fsys with the FEEDWIRE_* overrides
// of c, and fills what neither names. A url or permalink in _config.yml
// that cannot work is an error, as it would be in a variable.
func (c Config) Site(fsys fs.FS) (feed.Site, error) {
	site, _, err := c.site(fsys)
	return site, err
}

// SiteWarnings returns what a site's settings allow but an operator should
// hear about: no public URL anywhere, so that every link points at the
// listen address.
func (c Config) SiteWarnings(fsys fs.FS) ([]string, error) {
	site, localURL, err := c.site(fsys)
	if err != nil || !localURL {
		return nil, err
	}
	return []string{fmt.Sprintf("no %s_SITE_URL and no url in %s: every link points at %s/; set %s_SITE_URL to the public address",
		Prefix, feed.ConfigFile, site.URL, Prefix)}, nil
}

// site is Site, and whether the URL is the listen address for want of one.
func (c Config) site(fsys fs.FS) (site feed.Site, localURL bool, err error) {
	site, err = feed.ReadSiteConfig(fsys)
	if err != nil {
		return feed.Site{}, false, err
	}
	// What the variables set was checked by Validate; what they leave to
	// _config.yml is checked here.
	if c.SiteURL == "" {
		if err := checkHTTPURL(feed.ConfigFile+" url", site.URL); err != nil {
			return feed.Site{}, false, err
		}
	}
	if c.Permalink == "" {
		if err := checkPermalink(feed.ConfigFile+" permalink", site.Permalink); err != nil {
			return feed.Site{}, false, err
		}
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
	override(&site.WebSubHub, c.ExternalHub())
	if c.Timezone != "" {
		loc, err := time.LoadLocation(c.Timezone)
		if err != nil {
			return feed.Site{}, false, fmt.Errorf("config: %s_TIMEZONE: %w", Prefix, err)
		}
		site.Location = loc
	}
	if site.Location == nil {
		site.Location = time.UTC
	}
	if site.URL == "" {
		site.URL, localURL = LocalURL(c.Addr), true
	}
	if c.BuiltinHub() {
		site.WebSubHub = strings.TrimSuffix(site.URL, "/") + "/websub"
	}
	if site.Title == "" {
		site.Title = "feedwire"
	}
	site.FullContent = c.FullContent
	site.SummaryRunes = c.SummaryRunes
	site.TrustHTML = !c.Sanitize
	return site, localURL, nil
}

// LocalURL is the URL of a listen address as a browser on the same machine
// opens it, with no trailing slash; it is also the base URL of a site that
// names none, so that links work for a local run.
func LocalURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
