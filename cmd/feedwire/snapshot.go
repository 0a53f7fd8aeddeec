package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"time"
	_ "time/tzdata" // the container image has no zoneinfo of its own

	"github.com/feedwire/feedwire/example"
	"github.com/feedwire/feedwire/feed"
)

// postsFS opens the configured posts tree, or the bundled example site. The
// root's symlinks are resolved once, so that one load reads one revision of
// a git-synced tree even if the link is swapped meanwhile.
func postsFS(cfg Config) (fs.FS, error) {
	if cfg.PostsDir == "" {
		return example.FS(), nil
	}
	root, err := resolveRoot(cfg.PostsDir)
	if err != nil {
		return nil, fmt.Errorf("posts folder: %w", err)
	}
	return os.DirFS(root), nil
}

// siteSettings merges the site's _config.yml with FEEDWIRE_* overrides.
func siteSettings(cfg Config, fsys fs.FS) (feed.Site, error) {
	site, err := feed.ReadSiteConfig(fsys)
	if err != nil {
		return feed.Site{}, err
	}
	override := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	override(&site.URL, cfg.SiteURL)
	override(&site.Title, cfg.SiteTitle)
	override(&site.Description, cfg.SiteDescription)
	override(&site.Lang, cfg.SiteLang)
	override(&site.Permalink, cfg.Permalink)
	override(&site.WebSubHub, cfg.WebSubHub)
	if cfg.Timezone != "" {
		loc, err := time.LoadLocation(cfg.Timezone)
		if err != nil {
			return feed.Site{}, fmt.Errorf("config: FEEDWIRE_TIMEZONE: %w", err)
		}
		site.Location = loc
	}
	if site.Location == nil {
		site.Location = time.UTC
	}
	if site.URL == "" {
		site.URL = defaultSiteURL(cfg.Addr)
	}
	if site.Title == "" {
		site.Title = "feedwire"
	}
	site.FullContent = cfg.FullContent
	site.SummaryRunes = cfg.SummaryRunes
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

// loadSnapshot reads the posts and indexes them as of now, reusing the
// unchanged posts of prev when it is not nil; changed, when not nil, names
// every file that may differ from prev.
func loadSnapshot(ctx context.Context, cfg Config, now time.Time, prev *feed.Snapshot, changed []string) (*feed.Snapshot, error) {
	fsys, err := postsFS(cfg)
	if err != nil {
		return nil, err
	}
	site, err := siteSettings(cfg, fsys)
	if err != nil {
		return nil, err
	}
	return feed.Load(ctx, fsys, feed.LoadOptions{Site: site, MaxPostBytes: cfg.MaxPostBytes, Now: now, Previous: prev, Changed: changed})
}

// check runs `feedwire check [DIR]`: every problem of DIR (default
// FEEDWIRE_POSTS_DIR) and a summary; exit code 1 if there is any problem.
func check(ctx context.Context, cfg Config, args []string, stdout io.Writer) (int, error) {
	if len(args) == 1 {
		cfg.PostsDir = args[0]
	}
	dir := cfg.PostsDir
	if dir == "" {
		return 2, errors.New("check: name a directory, or set FEEDWIRE_POSTS_DIR")
	}
	site, err := siteSettings(cfg, os.DirFS(dir))
	if err != nil {
		return 1, err
	}
	problems, err := runCheck(ctx, dir, site, cfg.MaxPostBytes, stdout)
	if err != nil {
		return 1, err
	}
	if problems > 0 {
		return 1, nil
	}
	return 0, nil
}
