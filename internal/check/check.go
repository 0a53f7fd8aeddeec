// Package check reports what `feedwire check` finds in a Jekyll site:
// every file that is not a good post, every post served with a warning,
// and a summary, as text or as JSON lines.
package check

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/feedwire/feedwire/feed"
)

// Problem is one line of `feedwire check --json`: a file that is not a good
// post, or a warning about one served.
type Problem struct {
	Type   string `json:"type"` // "problem" or "warning"
	Path   string `json:"path"` // joined to the folder checked
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
}

// Summary is the last line of `feedwire check --json`.
type Summary struct {
	Type       string `json:"type"` // "summary"
	Dir        string `json:"dir"`
	Posts      int    `json:"posts"`
	Categories int    `json:"categories"`
	Tags       int    `json:"tags"`
	Problems   int    `json:"problems"`
	Warnings   int    `json:"warnings"`
}

// Run loads the Jekyll site at dir with the given site settings and
// size limit and reports it. As text: every problem as "path:line: reason"
// (the path joined to dir; ":line" left out when a problem has no line);
// then, when there are any, a "warnings:" line and every warning (a post
// served after a fix of its file, or with something left as written, such
// as a Liquid tag feedwire does not know) as "path:line: warning: reason";
// then one summary line "N posts, M categories, K tags, P problems" (", W
// warnings" added when there are any), then "no posts found in DIR" if
// there is none. As JSON: one Problem per problem and warning, then a
// Summary, one object a line. Warnings do not fail the check.
// Future-dated posts count as posts: nothing is held back. It returns an
// error only when dir cannot be read at all or ctx ends.
func Run(ctx context.Context, dir string, site feed.Site, maxPostBytes int64, asJSON bool, stdout io.Writer) (Summary, error) {
	snap, err := feed.Load(ctx, os.DirFS(dir), feed.LoadOptions{Site: site, MaxPostBytes: maxPostBytes})
	if err != nil {
		return Summary{}, fmt.Errorf("check %s: %w", dir, err)
	}
	sum := Summary{Type: "summary", Dir: dir, Posts: len(snap.AllPosts()), Categories: len(snap.Categories()),
		Tags: len(snap.Tags()), Problems: len(snap.Problems), Warnings: len(snap.Warnings)}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	report := func(kind, prefix string, list []feed.Problem) {
		for _, p := range list {
			p.Path = filepath.Join(dir, filepath.FromSlash(p.Path))
			if asJSON {
				enc.Encode(Problem{Type: kind, Path: p.Path, Line: p.Line, Reason: p.Reason})
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
