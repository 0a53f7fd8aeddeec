package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/feedwire/feedwire/internal/check"
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

// checkCommand runs `feedwire check [--json] [DIR]`: every problem of DIR
// (default FEEDWIRE_POSTS_DIR) and a summary, as text or as JSON lines;
// see the exit codes above.
func checkCommand(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
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
	sum, err := check.Run(ctx, dir, site, int64(cfg.MaxPostBytes), *asJSON, stdout)
	if err != nil {
		return fail(err)
	}
	if sum.Problems > 0 || sum.Posts == 0 {
		return checkBroken, nil
	}
	return checkClean, nil
}
