package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/config"
)

// check runs `feedwire check [DIR]`: every problem of DIR (default
// FEEDWIRE_POSTS_DIR) and a summary; exit code 1 if there is any problem.
func check(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) (int, error) {
	if len(args) == 1 {
		cfg.PostsDir = args[0]
	}
	dir := cfg.PostsDir
	if dir == "" {
		return 2, errors.New("check: name a directory, or set FEEDWIRE_POSTS_DIR")
	}
	site, err := cfg.Site(os.DirFS(dir))
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

// runCheck loads the Jekyll site at dir with the given site settings and
// size limit, prints every problem as "path:line: reason" (the path joined
// to dir; ":line" left out when a problem has no line), then, under a
// "warnings:" line, every post served only after a fix of its file, in the
// same form, then one summary line "N posts, M categories, K tags, P
// problems" (", W warnings" added when there are any). Future-dated posts
// count as posts: nothing is held back. It returns the number of problems
// (warnings are not problems: the posts are served), and an error only when
// dir cannot be read at all or ctx ends.
func runCheck(ctx context.Context, dir string, site feed.Site, maxPostBytes int64, stdout io.Writer) (int, error) {
	snap, err := feed.Load(ctx, os.DirFS(dir), feed.LoadOptions{Site: site, MaxPostBytes: maxPostBytes})
	if err != nil {
		return 0, fmt.Errorf("check %s: %w", dir, err)
	}
	w := bufio.NewWriter(stdout)
	for _, p := range snap.Problems {
		p.Path = filepath.Join(dir, filepath.FromSlash(p.Path))
		fmt.Fprintln(w, p.String())
	}
	if len(snap.Warnings) > 0 {
		fmt.Fprintln(w, "warnings:")
		for _, p := range snap.Warnings {
			p.Path = filepath.Join(dir, filepath.FromSlash(p.Path))
			fmt.Fprintln(w, p.String())
		}
	}
	fmt.Fprintf(w, "%d posts, %d categories, %d tags, %d problems",
		len(snap.AllPosts()), len(snap.Categories()), len(snap.Tags()), len(snap.Problems))
	if len(snap.Warnings) > 0 {
		fmt.Fprintf(w, ", %d warnings", len(snap.Warnings))
	}
	fmt.Fprintln(w)
	if err := w.Flush(); err != nil {
		return len(snap.Problems), fmt.Errorf("check: write report: %w", err)
	}
	return len(snap.Problems), nil
}
