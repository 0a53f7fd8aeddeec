// Package reload keeps a server's snapshot current: it loads the posts,
// watches the posts folder, and swaps a new snapshot in on every change,
// poll, SIGHUP, stale render, post coming due and tombstone expiry.
package reload

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/feedwire/feedwire/feed"
)

// Target is the server snapshots are swapped into.
type Target interface {
	// Snapshot returns the snapshot served, nil before the first swap.
	Snapshot() *feed.Snapshot
	// Swap serves snap from now on and returns the absolute URLs of the
	// feed documents that changed.
	Swap(snap *feed.Snapshot) (changed []string, err error)
	// Stale signals when a render found a post changed under the snapshot.
	Stale() <-chan struct{}
}

// Observer records loads and reloads; *metrics.Metrics is one.
type Observer interface {
	ObserveReload(result string, d time.Duration)
	SnapshotLoaded(posts, problems int, feedsByKind map[string]int, d time.Duration, at time.Time)
}

// Reload results, as Observer.ObserveReload receives them.
const (
	ResultOK        = "ok"
	ResultUnchanged = "unchanged"
	ResultError     = "error"
)

// Source says where the posts are and how to read them.
type Source struct {
	Dir          string                         // posts root; empty: FS, which never changes
	FS           fs.FS                          // the bundled site, when Dir is empty
	Site         func(fs.FS) (feed.Site, error) // site settings of a posts tree
	MaxPostBytes int64                          // larger files are problems
}

// Load reads the posts and indexes them as of now, reusing the unchanged
// posts of prev when it is not nil; changed, when not nil, names every file
// that may differ from prev. The root's symlinks are resolved once, so that
// one load reads one revision of a git-synced tree even if the link is
// swapped meanwhile.
func (s Source) Load(ctx context.Context, now time.Time, prev *feed.Snapshot, changed []string) (*feed.Snapshot, error) {
	fsys := s.FS
	if s.Dir != "" {
		root, err := Root(s.Dir)
		if err != nil {
			return nil, err
		}
		fsys = os.DirFS(root)
	}
	site, err := s.Site(fsys)
	if err != nil {
		return nil, err
	}
	return feed.Load(ctx, fsys, feed.LoadOptions{Site: site, MaxPostBytes: s.MaxPostBytes, Now: now, Previous: prev, Changed: changed})
}

// Options are what a Loop needs besides its source and target.
type Options struct {
	Interval time.Duration // poll for changes besides the file watch; 0: off
	// Amend returns next as it should be served after prev: with the
	// revision times, tombstones and gone feeds replicas agree on. Nil: as
	// loaded.
	Amend func(prev, next *feed.Snapshot, now time.Time) *feed.Snapshot
	// NextChange returns when the served documents change with no file
	// changing (a tombstone expires), or the zero time. Nil: never.
	NextChange func() time.Time
	// Publish receives the URLs of the feeds each swap changed. Nil: none.
	Publish func(urls []string)
	// Loaded is called after each swap. Nil: nothing.
	Loaded   func()
	Observer Observer
	Log      *slog.Logger
}

// Loop loads the posts of a source into a target and keeps them current.
type Loop struct {
	src     Source
	target  Target
	o       Options
	watcher *watcher // nil for the bundled site or when watching failed
}

// New returns a loop that loads src into target.
func New(src Source, target Target, o Options) *Loop {
	if o.Amend == nil {
		o.Amend = func(_, next *feed.Snapshot, _ time.Time) *feed.Snapshot { return next }
	}
	if o.NextChange == nil {
		o.NextChange = func() time.Time { return time.Time{} }
	}
	if o.Loaded == nil {
		o.Loaded = func() {}
	}
	return &Loop{src: src, target: target, o: o}
}

// Run loads the first snapshot, retrying while the posts cannot be read at
// all, then keeps it current until ctx is done: on file changes
// (debounced), every Interval, on SIGHUP (a full reload), when a render
// finds a post changed under the snapshot, and when a held-back post comes
// due or a tombstone expires.
func (l *Loop) Run(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP) // on Windows, never sent
	defer signal.Stop(hup)
	// Watch before the first load, so that no change after it is missed.
	var changes <-chan struct{}
	var poll <-chan time.Time
	if l.src.Dir != "" { // the bundled site never changes
		w, err := newWatcher(l.src.Dir, l.o.Log)
		if err != nil {
			l.o.Log.Warn("cannot watch the posts folder; relying on polling", "err", err)
		} else {
			go w.run(ctx)
			changes = w.C
			l.watcher = w
		}
		if l.o.Interval > 0 {
			t := time.NewTicker(l.o.Interval)
			defer t.Stop()
			poll = t.C
		}
	}
	if !l.firstLoad(ctx) {
		return
	}
	l.o.Loaded()

	publish := time.NewTimer(0)
	<-publish.C
	defer publish.Stop()
	for {
		next := l.target.Snapshot().NextPublish()
		if e := l.o.NextChange(); !e.IsZero() && (next.IsZero() || e.Before(next)) {
			next = e // republish drops the expired tombstones
		}
		if !next.IsZero() {
			publish.Reset(max(time.Until(next), 0))
		}
		var swapped bool
		select {
		case <-ctx.Done():
			return
		case <-changes:
			changed, full := l.watcher.take()
			l.o.Log.Debug("posts changed", "files", len(changed), "full", full)
			if full {
				changed = nil
			}
			swapped = l.reload(ctx, TriggerWatch, true, changed)
		case <-poll:
			swapped = l.reload(ctx, TriggerPoll, true, nil)
		case <-l.target.Stale():
			swapped = l.reload(ctx, TriggerStale, true, nil)
		case <-hup:
			swapped = l.reload(ctx, TriggerSIGHUP, false, nil)
		case <-publish.C:
			swapped = l.republish()
		}
		publish.Stop()
		if swapped {
			l.o.Loaded()
		}
	}
}

// firstLoad loads until it succeeds or ctx ends, backing off between tries.
func (l *Loop) firstLoad(ctx context.Context) bool {
	backoff := time.Second
	for {
		start := time.Now()
		rep, err := l.loadAndSwap(ctx, nil, nil)
		if err == nil {
			l.o.Log.Info("posts loaded", rep.attrs(TriggerStart, time.Since(start))...)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		l.o.Log.Error("posts not loaded; retrying", "err", err, slog.Duration("retry_in", backoff))
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// reload loads the posts again, reusing what did not change when
// incremental, swaps the result in, and logs one line saying what
// changed and what set it off (trigger). changed, when not nil, names
// every file that changed (from the watcher): nothing else is looked at.
// A reload that cannot read the posts keeps the current snapshot: the
// server stays ready.
func (l *Loop) reload(ctx context.Context, trigger string, incremental bool, changed []string) bool {
	var prev *feed.Snapshot
	if incremental {
		prev = l.target.Snapshot()
	}
	start := time.Now()
	rep, err := l.loadAndSwap(ctx, prev, changed)
	took := time.Since(start)
	switch {
	case errors.Is(err, errUnchanged):
		l.o.Observer.ObserveReload(ResultUnchanged, took)
		level := slog.LevelDebug // a poll that finds nothing new is no news
		if trigger == TriggerSIGHUP {
			level = slog.LevelInfo // whoever sent it wants to know
		}
		l.o.Log.Log(ctx, level, "posts unchanged", "trigger", trigger, slog.Duration("duration", took))
		return false
	case err != nil:
		if ctx.Err() == nil {
			l.o.Observer.ObserveReload(ResultError, took)
			l.o.Log.Error("reload failed; still serving the previous snapshot", "trigger", trigger, "err", err, slog.Duration("duration", took))
		}
		return false
	}
	l.o.Observer.ObserveReload(ResultOK, took)
	l.o.Log.Info("posts reloaded", rep.attrs(trigger, took)...)
	return true
}

// errUnchanged reports a reload that found exactly the posts already served.
var errUnchanged = errors.New("posts unchanged")

// loadAndSwap loads a snapshot (reusing prev's unchanged posts when prev is
// not nil) and swaps it in, unless it serves exactly what the current one
// does.
func (l *Loop) loadAndSwap(ctx context.Context, prev *feed.Snapshot, changed []string) (report, error) {
	start := time.Now()
	snap, err := l.src.Load(ctx, start, prev, changed)
	if err != nil {
		return report{}, err
	}
	if l.watcher != nil && (prev == nil || changed == nil) {
		l.watcher.sync() // folders may have come or gone
	}
	if cur := l.target.Snapshot(); cur != nil && sameSnapshot(cur, snap) {
		return report{}, errUnchanged
	}
	return l.swap(snap, time.Since(start))
}

// republish re-indexes the current snapshot now that a held-back post is
// due or a tombstone expired.
func (l *Loop) republish() bool {
	start := time.Now()
	cur := l.target.Snapshot()
	rep, err := l.swap(cur.At(start), time.Since(start))
	if err != nil {
		l.o.Log.Error("publishing held-back posts failed", "err", err)
		return false
	}
	l.o.Log.Info("posts republished", rep.attrs(TriggerSchedule, time.Since(start))...)
	return true
}

// swap amends snap, makes it current, then reports it: metrics, each
// problem the served snapshot did not have at warn, a warning when no
// post is left, the feeds that changed to Publish, and what changed to
// the caller, which logs it.
func (l *Loop) swap(snap *feed.Snapshot, took time.Duration) (report, error) {
	prev := l.target.Snapshot()
	snap = l.o.Amend(prev, snap, time.Now())
	changed, err := l.target.Swap(snap)
	if err != nil {
		return report{}, err
	}
	rep, fresh := compare(prev, snap)
	for _, p := range fresh {
		l.o.Log.Warn("broken post skipped", "path", p.Path, "line", p.Line, "reason", p.Reason)
	}
	if len(snap.AllPosts()) == 0 && (prev == nil || len(prev.AllPosts()) > 0) {
		l.o.Log.Warn("no posts found", "dir", l.src.Dir, "problems", len(snap.Problems))
	}
	for _, p := range freshWarnings(prev, snap) {
		l.o.Log.Warn("post served with a warning", "path", p.Path, "line", p.Line, "reason", p.Reason)
	}
	kinds := map[string]int{"site": 1, "category": len(snap.Categories()), "tag": len(snap.Tags())}
	l.o.Observer.SnapshotLoaded(len(snap.Posts()), len(snap.Problems), kinds, took, time.Now())
	if l.o.Publish != nil && prev != nil {
		l.o.Publish(changed)
	}
	return rep, nil
}

// sameSnapshot reports whether two snapshots serve the same documents: the
// same site settings (in every validator), the same visible posts with the
// same content, the same held-back posts, the same problems.
func sameSnapshot(a, b *feed.Snapshot) bool {
	if !a.NextPublish().Equal(b.NextPublish()) || !slices.Equal(a.Problems, b.Problems) {
		return false
	}
	return a.SiteFeed().Validator("snapshot", -1) == b.SiteFeed().Validator("snapshot", -1)
}
