package reload

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/feedwire/feedwire/feed"
)

// What set a load off, as the log line of each load names it.
const (
	TriggerStart    = "start"    // the first load
	TriggerWatch    = "watch"    // the file watch saw a change
	TriggerPoll     = "poll"     // Options.Interval passed
	TriggerStale    = "stale"    // a render found a post changed under the snapshot
	TriggerSIGHUP   = "sighup"   // a full reload asked for with SIGHUP
	TriggerSchedule = "schedule" // a held-back post came due or a tombstone expired
)

// report is what one swap changed, for its log line.
type report struct {
	posts, categories, tags int // served after the swap
	added, changed, removed int // posts, held-back ones included, by path
	problems, fresh, fixed  int // problems after the swap; new ones; gone ones
}

// compare reports what next changes from prev (nil: the first load) and
// returns the problems of next that prev did not have. Posts are matched by
// path: a post at the same path with other bytes is changed; problems by
// path, line and reason, so that one still broken is not new.
func compare(prev, next *feed.Snapshot) (report, []feed.Problem) {
	r := report{posts: len(next.Posts()), categories: len(next.Categories()), tags: len(next.Tags()), problems: len(next.Problems)}
	if prev == nil {
		r.added = len(next.AllPosts())
		r.fresh = len(next.Problems)
		return r, next.Problems
	}
	before := make(map[string]*feed.Post, len(prev.AllPosts()))
	for _, p := range prev.AllPosts() {
		before[p.Path] = p
	}
	matched := 0
	for _, p := range next.AllPosts() {
		old, ok := before[p.Path]
		switch {
		case !ok:
			r.added++
		case old != p && old.Hash != p.Hash:
			r.changed++
			matched++
		default:
			matched++
		}
	}
	r.removed = len(prev.AllPosts()) - matched
	key := func(p feed.Problem) string { return p.Path + "\x00" + strconv.Itoa(p.Line) + "\x00" + p.Reason }
	had := make(map[string]bool, len(prev.Problems))
	for _, p := range prev.Problems {
		had[key(p)] = true
	}
	var fresh []feed.Problem
	for _, p := range next.Problems {
		k := key(p)
		if had[k] {
			delete(had, k)
			continue
		}
		fresh = append(fresh, p)
	}
	r.fresh, r.fixed = len(fresh), len(had)
	return r, fresh
}

// attrs are the attributes of the one line that logs a load.
func (r report) attrs(trigger string, took time.Duration) []any {
	return []any{
		"trigger", trigger,
		"posts", r.posts, "added", r.added, "changed", r.changed, "removed", r.removed,
		"problems", r.problems, "problems_new", r.fresh, "problems_fixed", r.fixed,
		"categories", r.categories, "tags", r.tags,
		slog.Duration("duration", took),
	}
}

// freshWarnings returns the warnings of next that prev did not have, so
// that a post served with a warning is logged once, not at every reload.
func freshWarnings(prev, next *feed.Snapshot) []feed.Problem {
	if prev == nil {
		return next.Warnings
	}
	had := make(map[feed.Problem]bool, len(prev.Warnings))
	for _, p := range prev.Warnings {
		had[p] = true
	}
	var fresh []feed.Problem
	for _, p := range next.Warnings {
		if !had[p] {
			fresh = append(fresh, p)
		}
	}
	return fresh
}
