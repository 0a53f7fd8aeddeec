package main

import (
	"io/fs"
	"os"

	"github.com/feedwire/feedwire/example"
	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/config"
)

// jekyllFeedURLs returns the jekyll-feed paths the server answers too, or
// nil: with FEEDWIRE_JEKYLL_FEED_URLS=on always, with auto when the site's
// _config.yml lists the jekyll-feed plugin, with off never.
func jekyllFeedURLs(cfg config.Config) (*feed.JekyllFeed, error) {
	if cfg.JekyllFeedURLs == "off" {
		return nil, nil
	}
	var fsys fs.FS = example.FS()
	if cfg.PostsDir != "" {
		fsys = os.DirFS(cfg.PostsDir)
	}
	j, err := feed.ReadJekyllFeed(fsys)
	if err != nil {
		return nil, err
	}
	if !j.Enabled && cfg.JekyllFeedURLs != "on" {
		return nil, nil
	}
	return &j, nil
}
