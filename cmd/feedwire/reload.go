package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/metrics"
)

// keepLoaded loads the first snapshot, retrying while the posts cannot be
// read at all, then keeps it current until ctx is done: on file changes
// (debounced), every cfg.ReloadInterval, on SIGHUP (a full reload), when a
// render finds a post changed under the snapshot, and when a held-back post
// comes due or a tombstone expires. loaded is called after every swap.
func (d *deps) keepLoaded(ctx context.Context, loaded func()) {
	if loaded == nil {
		loaded = func() {}
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	// Watch before the first load, so that no change after it is missed.
	var changes <-chan struct{}
	var poll <-chan time.Time
	if d.cfg.PostsDir != "" { // the bundled site never changes
		w, err := newWatcher(d.cfg.PostsDir, d.log)
		if err != nil {
			d.log.Warn("cannot watch the posts folder; relying on polling", "err", err)
		} else {
			go w.run(ctx)
			changes = w.C
			d.watcher = w
		}
		if d.cfg.ReloadInterval > 0 {
			t := time.NewTicker(d.cfg.ReloadInterval)
			defer t.Stop()
			poll = t.C
		}
	}
	if !d.firstLoad(ctx) {
		return
	}
	loaded()

	publish := time.NewTimer(0)
	<-publish.C
	defer publish.Stop()
	for {
		next := d.server.snapshot().NextPublish()
		if e := d.tombstones.nextExpiry(); !e.IsZero() && (next.IsZero() || e.Before(next)) {
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
			changed, full := d.watcher.take()
			d.log.Debug("posts changed", "files", len(changed), "full", full)
			if full {
				changed = nil
			}
			swapped = d.reload(ctx, true, changed)
		case <-poll:
			swapped = d.reload(ctx, true, nil)
		case <-d.server.stale:
			swapped = d.reload(ctx, true, nil)
		case <-hup:
			d.log.Info("SIGHUP: full reload")
			swapped = d.reload(ctx, false, nil)
		case <-publish.C:
			swapped = d.republish()
		}
		publish.Stop()
		if swapped {
			loaded()
		}
	}
}

// firstLoad loads until it succeeds or ctx ends, backing off between tries.
func (d *deps) firstLoad(ctx context.Context) bool {
	backoff := time.Second
	for {
		err := d.loadAndSwap(ctx, nil, nil)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		d.log.Error("posts not loaded; retrying", "err", err, "retry_in", backoff.String())
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// reload loads the posts again, reusing what did not change when
// incremental, and swaps the result in. changed, when not nil, names every
// file that changed (from the watcher): nothing else is looked at. A reload
// that cannot read the posts keeps the current snapshot: the server stays
// ready.
func (d *deps) reload(ctx context.Context, incremental bool, changed []string) bool {
	var prev *feed.Snapshot
	if incremental {
		prev = d.server.snapshot()
	}
	start := time.Now()
	err := d.loadAndSwap(ctx, prev, changed)
	switch {
	case errors.Is(err, errUnchanged):
		d.metrics.ObserveReload(metrics.ResultUnchanged, time.Since(start))
		return false
	case err != nil:
		if ctx.Err() == nil {
			d.metrics.ObserveReload(metrics.ResultError, time.Since(start))
			d.log.Error("reload failed; still serving the previous snapshot", "err", err)
		}
		return false
	}
	d.metrics.ObserveReload(metrics.ResultOK, time.Since(start))
	return true
}

// errUnchanged reports a reload that found exactly the posts already served.
var errUnchanged = errors.New("posts unchanged")

// loadAndSwap loads a snapshot (reusing prev's unchanged posts when prev is
// not nil) and swaps it in, unless it serves exactly what the current one
// does.
func (d *deps) loadAndSwap(ctx context.Context, prev *feed.Snapshot, changed []string) error {
	start := time.Now()
	snap, err := loadSnapshot(ctx, d.cfg, start, prev, changed)
	if err != nil {
		return err
	}
	if d.watcher != nil && (prev == nil || changed == nil) {
		d.watcher.sync() // folders may have come or gone
	}
	if cur := d.server.snapshot(); cur != nil && sameSnapshot(cur, snap) {
		return errUnchanged
	}
	return d.swap(snap, time.Since(start))
}

// republish re-indexes the current snapshot now that a held-back post is due.
func (d *deps) republish() bool {
	start := time.Now()
	cur := d.server.snapshot()
	if err := d.swap(cur.At(start), time.Since(start)); err != nil {
		d.log.Error("publishing held-back posts failed", "err", err)
		return false
	}
	return true
}

// swap makes snap current, then reports it: metrics, a log summary, every
// problem at warn, and hub notifications for the feeds that changed.
func (d *deps) swap(snap *feed.Snapshot, took time.Duration) error {
	old := d.server.state.Load()
	now := time.Now()
	diff := diffPosts(d.server.snapshot(), snap)
	snap = d.revisions.apply(diff, now)
	snap = d.tombstones.apply(diff, snap, now)
	if err := d.server.swap(snap); err != nil {
		return err
	}
	for _, p := range snap.Problems {
		d.log.Warn("broken post skipped", "path", p.Path, "line", p.Line, "reason", p.Reason)
	}
	kinds := map[string]int{"site": 1, "category": len(snap.Categories()), "tag": len(snap.Tags())}
	d.metrics.SnapshotLoaded(len(snap.Posts()), len(snap.Problems), kinds, took, time.Now())
	d.log.Info("posts loaded", "posts", len(snap.Posts()), "categories", len(snap.Categories()),
		"tags", len(snap.Tags()), "problems", len(snap.Problems), "duration", took.String())
	if d.hub != nil && old != nil {
		d.hub.publish(changedFeedURLs(old, d.server.state.Load()))
	}
	return nil
}

// sameSnapshot reports whether two snapshots serve the same documents: the
// same site settings (in every validator), the same visible posts with the same content, the same
// held-back posts.
func sameSnapshot(a, b *feed.Snapshot) bool {
	if !a.NextPublish().Equal(b.NextPublish()) || len(a.Problems) != len(b.Problems) {
		return false
	}
	return a.SiteFeed().Validator("snapshot", -1) == b.SiteFeed().Validator("snapshot", -1)
}
