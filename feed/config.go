package feed

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ConfigFile is the name of the Jekyll site configuration in the posts root.
const ConfigFile = "_config.yml"

// ReadSiteConfig reads the site defaults from the Jekyll _config.yml at the
// root of fsys: url (joined with baseurl), title, description, lang,
// timezone, permalink, author, and how Markdown is converted (markdown,
// highlighter, kramdown). Without a _config.yml it returns a Site
// with only Location set to UTC. A config that cannot be read or parsed, or
// names an unknown time zone, is an error naming the file.
func ReadSiteConfig(fsys fs.FS) (Site, error) {
	site := Site{Location: time.UTC}
	data, err := fs.ReadFile(fsys, ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return site, nil
	}
	if err != nil {
		return site, fmt.Errorf("feed: read %s: %w", ConfigFile, err)
	}
	var doc yaml.Node
	if err := safeUnmarshal(data, &doc); err != nil {
		return site, fmt.Errorf("feed: parse %s: %w", ConfigFile, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return site, nil
	}
	root := deref(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return site, nil
	}
	if root.Kind != yaml.MappingNode {
		return site, fmt.Errorf("feed: parse %s: not a mapping of keys to values", ConfigFile)
	}
	var baseURL, tz string
	for i := 0; i+1 < len(root.Content); i += 2 {
		v := deref(root.Content[i+1])
		switch scalar(root.Content[i]) {
		case "url":
			site.URL = scalar(v)
		case "baseurl":
			baseURL = scalar(v)
		case "title":
			site.Title = scalar(v)
		case "description":
			site.Description = scalar(v)
		case "lang":
			site.Lang = scalar(v)
		case "timezone":
			tz = scalar(v)
		case "permalink":
			site.Permalink = scalar(v)
		case "author":
			site.Author = person(v)
		case "markdown", "highlighter", "kramdown":
			site.Markdown.read(scalar(root.Content[i]), v)
		case "excerpt_separator":
			site.ExcerptSeparator = scalar(v)
		case "markdown_ext":
			site.MarkdownExt = scalar(v)
		}
	}
	site.URL = joinSiteURL(site.URL, baseURL)
	if tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return site, fmt.Errorf("feed: %s: timezone %q: %w", ConfigFile, tz, err)
		}
		site.Location = loc
	}
	return site, nil
}

// joinSiteURL joins Jekyll's url and baseurl without a trailing slash.
func joinSiteURL(u, base string) string {
	u = strings.TrimRight(u, "/")
	base = strings.Trim(base, "/")
	if base != "" {
		u += "/" + base
	}
	return u
}
