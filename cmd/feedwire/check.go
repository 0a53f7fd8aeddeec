package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/reload"
)

// Exit codes of `feedwire check`.
const (
	checkClean    = 0 // every file a good post
	checkBroken   = 1 // a broken post, or no post at all
	checkCannotDo = 2 // the folder cannot be read, bad settings, bad command line
)

var errCheckUsage = errors.New("usage: feedwire check [--json] [DIR]")

// check runs `feedwire check [--json] [DIR]`: every problem of DIR
// (default FEEDWIRE_POSTS_DIR) and a summary, as text or as JSON lines;
// see the exit codes above.
func check(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	flags := flag.NewFlagSet("check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	asJSON := flags.Bool("json", false, "print one JSON object per line: each problem, then a summary")
	flags.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\n", errCheckUsage)
		flags.PrintDefaults()
	}
	var dirs []string
	for {
		if err := flags.Parse(args); errors.Is(err, flag.ErrHelp) {
			return checkClean, nil
		} else if err != nil {
			return checkCannotDo, errCheckUsage
		}
		if flags.NArg() == 0 {
			break
		}
		dirs = append(dirs, flags.Arg(0))
		args = flags.Args()[1:]
	}
	if len(dirs) > 1 {
		return checkCannotDo, errCheckUsage
	}
	fail := func(err error) (int, error) {
		if *asJSON {
			json.NewEncoder(stdout).Encode(map[string]string{"type": "error", "error": err.Error()})
		}
		return checkCannotDo, err
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return fail(err)
	}
	for _, u := range config.Unknown(os.Environ()) {
		fmt.Fprintf(stderr, "feedwire: warning: unknown setting %s ignored; the closest is %s\n", u.Name, u.Closest)
	}
	dir := cfg.PostsDir
	if len(dirs) == 1 {
		dir = dirs[0]
	}
	if dir == "" {
		return fail(errors.New("check: name a directory, or set FEEDWIRE_POSTS_DIR"))
	}
	root, err := reload.Root(dir)
	if err != nil {
		return fail(err)
	}
	site, err := cfg.Site(os.DirFS(root))
	if err != nil {
		return fail(fmt.Errorf("check %s: %w", dir, err))
	}
	sum, err := runCheck(ctx, dir, site, int64(cfg.MaxPostBytes), *asJSON, stdout)
	if err != nil {
		return fail(err)
	}
	if sum.Problems > 0 || sum.Posts == 0 {
		return checkBroken, nil
	}
	return checkClean, nil
}

// checkProblem is one line of `check --json`: a file that is not a good
// post, or a warning about one served.
type checkProblem struct {
	Type   string `json:"type"` // "problem" or "warning"
	Path   string `json:"path"` // joined to the folder checked
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
}

// checkSummary is the last line of `check --json`.
type checkSummary struct {
	Type       string `json:"type"` // "summary"
	Dir        string `json:"dir"`
	Posts      int    `json:"posts"`
	Categories int    `json:"categories"`
	Tags       int    `json:"tags"`
	Problems   int    `json:"problems"`
	Warnings   int    `json:"warnings"`
}

// runCheck loads the Jekyll site at dir with the given site settings and
// size limit and reports it. As text: every problem as "path:line: reason"
// (the path joined to dir; ":line" left out when a problem has no line);
// then, when there are any, a "warnings:" line and every warning (a post
// served after a fix of its file, or with something left as written, such
// as a Liquid tag feedwire does not know) as "path:line: warning: reason";
// then one summary line "N posts, M categories, K tags, P problems" (", W
// warnings" added when there are any), then "no posts found in DIR" if
// there is none. As JSON: one checkProblem per problem and warning, then a
// checkSummary, one object a line. Warnings do not fail the check.
// Future-dated posts count as posts: nothing is held back. It returns an
// error only when dir cannot be read at all or ctx ends.
func runCheck(ctx context.Context, dir string, site feed.Site, maxPostBytes int64, asJSON bool, stdout io.Writer) (checkSummary, error) {
	snap, err := feed.Load(ctx, os.DirFS(dir), feed.LoadOptions{Site: site, MaxPostBytes: maxPostBytes})
	if err != nil {
		return checkSummary{}, fmt.Errorf("check %s: %w", dir, err)
	}
	sum := checkSummary{Type: "summary", Dir: dir, Posts: len(snap.AllPosts()), Categories: len(snap.Categories()),
		Tags: len(snap.Tags()), Problems: len(snap.Problems), Warnings: len(snap.Warnings)}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	report := func(kind, prefix string, list []feed.Problem) {
		for _, p := range list {
			p.Path = filepath.Join(dir, filepath.FromSlash(p.Path))
			if asJSON {
				enc.Encode(checkProblem{Type: kind, Path: p.Path, Line: p.Line, Reason: p.Reason})
				continue
			}
			p.Reason = prefix + p.Reason
			fmt.Fprintln(w, p.String())
		}
	}
	report("problem", "", snap.Problems)
	if len(snap.Warnings) > 0 && !asJSON {
		fmt.Fprintln(w, "warnings:")
	}
	report("warning", "warning: ", snap.Warnings)
	if asJSON {
		enc.Encode(sum)
	} else {
		fmt.Fprintf(w, "%d posts, %d categories, %d tags, %d problems", sum.Posts, sum.Categories, sum.Tags, sum.Problems)
		if sum.Warnings > 0 {
			fmt.Fprintf(w, ", %d warnings", sum.Warnings)
		}
		fmt.Fprintln(w)
		if sum.Posts == 0 {
			fmt.Fprintf(w, "no posts found in %s\n", dir)
		}
	}
	if err := w.Flush(); err != nil {
		return sum, fmt.Errorf("check: write report: %w", err)
	}
	return sum, nil
}
