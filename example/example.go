// Package example holds the bundled example site that feedwire serves when no posts
// directory is configured.
//
// The site is a few weeks of fictional local-newspaper finance news in the shape of
// the sites feedwire is made for: one Markdown file per article under _posts, YAML
// front matter with a quoted title, a date with or without an offset, one pinyin
// newspaper slug as category and Chinese tags, then an HTML body ending in an
// autolink and protocol-relative and relative back links.
package example

import (
	"embed"
	"io/fs"
)

//go:embed all:site
var files embed.FS

// FS returns the example site root (the folder holding _config.yml and _posts).
func FS() fs.FS {
	sub, err := fs.Sub(files, "site")
	if err != nil {
		// "site" is a valid path embedded at build time; Sub cannot fail.
		panic(err)
	}
	return sub
}
