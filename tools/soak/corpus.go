package main

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// corpus returns the root of a generated site of n posts, generating it
// once under c.corpora (the convention of bench/load.sh: corpus-N-seed1
// with a .complete marker).
func corpus(ctx context.Context, c config, n int) (string, error) {
	dir := filepath.Join(c.corpora, fmt.Sprintf("corpus-%d-seed1", n))
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir, nil
	}
	if c.gencorpus == "" {
		return "", errors.New("no -gencorpus binary to generate " + dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	fmt.Fprintf(c.log, "soak: generating %d posts in %s\n", n, dir)
	cmd := exec.CommandContext(ctx, c.gencorpus, "-n", fmt.Sprint(n), "-seed", "1", "-out", dir)
	cmd.Stderr = c.log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("gencorpus: %w", err)
	}
	return dir, os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644)
}

// copyTree copies a site to dst, for scenarios that change posts.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// formats are the file names of one feed in each format.
var formats = []string{"feed.xml", "atom.xml", "feed.json"}

// feedPaths lists the path of every feed the replica's OPML names (site,
// categories, tags), in every format.
func feedPaths(base string) ([]string, error) {
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(base + "/opml.xml")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("opml: %s", resp.Status)
	}
	d := xml.NewDecoder(resp.Body)
	seen := map[string]bool{}
	var paths []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("opml: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "outline" {
			continue
		}
		for _, a := range se.Attr {
			if a.Name.Local != "xmlUrl" {
				continue
			}
			u, err := url.Parse(a.Value)
			if err != nil {
				return nil, fmt.Errorf("opml: %w", err)
			}
			dir := u.EscapedPath()[:strings.LastIndexByte(u.EscapedPath(), '/')+1]
			if seen[dir] {
				continue
			}
			seen[dir] = true
			for _, f := range formats {
				paths = append(paths, dir+f)
			}
		}
	}
	if len(paths) == 0 {
		return nil, errors.New("opml lists no feeds")
	}
	return paths, nil
}

// categoryPaths keeps the site and category feeds of paths: the feeds with
// many posts, where renders cost the most.
func categoryPaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		if !strings.HasPrefix(p, "/tags/") {
			out = append(out, p)
		}
	}
	return out
}
