package feed

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"gopkg.in/yaml.v3"
)

// JekyllFeed is the jekyll-feed configuration of a site's _config.yml:
// whether the plugin is on, and the paths its documents have.
type JekyllFeed struct {
	Enabled    bool     // plugins (or the older gems) lists jekyll-feed
	Path       string   // feed.path: the site feed, default /feed.xml
	Categories []string // feed.categories: one feed each, at /feed/<category>.xml
	Tags       bool     // feed.tags: one feed per tag, at TagsPath<tag>.xml
	TagsOnly   []string // feed.tags.only: the tags that have one, nil for all
	TagsExcept []string // feed.tags.except
	TagsPath   string   // feed.tags.path, default /feed/by_tag/
}

// HasTag reports whether jekyll-feed writes a feed for tag: a tag in the
// configured set made only of ASCII letters, digits and '_'.
func (j JekyllFeed) HasTag(tag string) bool {
	if !j.Tags || tag == "" || slices.Contains(j.TagsExcept, tag) {
		return false
	}
	if j.TagsOnly != nil && !slices.Contains(j.TagsOnly, tag) {
		return false
	}
	for i := 0; i < len(tag); i++ {
		if c := tag[i]; !isASCIILetter(c) && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// ReadJekyllFeed reads the jekyll-feed settings of the _config.yml at the
// root of fsys. Without a _config.yml, jekyll-feed is off.
func ReadJekyllFeed(fsys fs.FS) (JekyllFeed, error) {
	j := JekyllFeed{Path: "/feed.xml", TagsPath: "/feed/by_tag/"}
	data, err := fs.ReadFile(fsys, ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return j, fmt.Errorf("feed: read %s: %w", ConfigFile, err)
	}
	var cfg struct {
		Plugins []string `yaml:"plugins"`
		Gems    []string `yaml:"gems"`
		Feed    struct {
			Path       string    `yaml:"path"`
			Categories []string  `yaml:"categories"`
			Tags       yaml.Node `yaml:"tags"`
		} `yaml:"feed"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return j, fmt.Errorf("feed: parse %s: jekyll-feed settings: %w", ConfigFile, err)
	}
	j.Enabled = slices.Contains(cfg.Plugins, "jekyll-feed") || slices.Contains(cfg.Gems, "jekyll-feed")
	if cfg.Feed.Path != "" {
		j.Path = "/" + trimSlashes(cfg.Feed.Path)
	}
	j.Categories = cfg.Feed.Categories
	switch tags := &cfg.Feed.Tags; tags.Kind {
	case yaml.ScalarNode:
		var on bool
		j.Tags = tags.Decode(&on) == nil && on
	case yaml.MappingNode:
		var m struct {
			Only   *[]string `yaml:"only"`
			Except []string  `yaml:"except"`
			Path   string    `yaml:"path"`
		}
		if err := tags.Decode(&m); err != nil {
			return j, fmt.Errorf("feed: parse %s: feed.tags: %w", ConfigFile, err)
		}
		j.Tags = true
		if m.Only != nil {
			j.TagsOnly = append([]string{}, *m.Only...)
		}
		j.TagsExcept = m.Except
		if m.Path != "" {
			j.TagsPath = "/" + trimSlashes(m.Path) + "/"
		}
	}
	return j, nil
}

// trimSlashes removes leading and trailing slashes.
func trimSlashes(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
