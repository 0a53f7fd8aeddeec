package reload

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Debounce bounds: a burst of events becomes one reload, at most
// maxDebounce after its first event however long the burst goes on.
const (
	debounce    = 150 * time.Millisecond
	maxDebounce = 600 * time.Millisecond
)

// watcher turns changes below the posts root into reload signals on C,
// bursts debounced. It watches every folder of the tree (inotify is not
// recursive) and the root's parent, where git-sync publishes a revision by
// swapping a symlink.
type watcher struct {
	C       chan struct{}
	root    string // as configured; may be a symlink
	fsw     *fsnotify.Watcher
	log     *slog.Logger
	watched map[string]bool // folders watched, by absolute path

	mu       sync.Mutex
	resolved string          // root with symlinks resolved at the last sync
	changed  map[string]bool // files changed since the last take, slash paths below the root
	full     bool            // something happened that file paths cannot describe
}

// newWatcher starts watching root. Call sync after each load so that new
// folders and a swapped symlink target are watched too.
func newWatcher(root string, log *slog.Logger) (*watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{C: make(chan struct{}, 1), root: filepath.Clean(root), fsw: fsw, log: log,
		watched: map[string]bool{}, changed: map[string]bool{}}
	if err := fsw.Add(filepath.Dir(w.root)); err != nil {
		log.Warn("cannot watch the posts folder's parent; symlink swaps are seen by polling only", "err", err)
	}
	w.sync()
	return w, nil
}

// sync watches every folder of the tree as it is now and forgets folders
// that are gone.
func (w *watcher) sync() {
	resolved, err := filepath.EvalSymlinks(w.root)
	if err != nil {
		return
	}
	w.mu.Lock()
	w.resolved = resolved
	w.mu.Unlock()
	want := map[string]bool{}
	filepath.WalkDir(resolved, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p != resolved && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir // .git and friends
		}
		want[p] = true
		return nil
	})
	for p := range w.watched {
		if !want[p] {
			w.fsw.Remove(p)
			delete(w.watched, p)
		}
	}
	for p := range want {
		if w.watched[p] {
			continue
		}
		if err := w.fsw.Add(p); err != nil {
			w.log.Warn("cannot watch folder; its changes are seen by polling only", "path", p, "err", err)
			continue
		}
		w.watched[p] = true
	}
}

// run forwards debounced events to C until ctx is done.
func (w *watcher) run(ctx context.Context) {
	defer w.fsw.Close()
	var quiet, deadline <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if !w.relevant(ev) {
				continue
			}
			w.note(ev)
			if deadline == nil {
				deadline = time.After(maxDebounce)
			}
			quiet = time.After(debounce)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			// An overflow loses events: reload anyway, the load compares
			// every file.
			w.log.Warn("file watch error; reloading", "err", err)
			w.mu.Lock()
			w.full = true
			w.mu.Unlock()
			if errors.Is(err, fsnotify.ErrEventOverflow) && deadline == nil {
				deadline = time.After(0)
			}
		case <-quiet:
			quiet, deadline = nil, nil
			w.signal()
		case <-deadline:
			quiet, deadline = nil, nil
			w.signal()
		}
	}
}

// relevant drops events that cannot change the posts: in the parent folder,
// anything but the root's own name.
func (w *watcher) relevant(ev fsnotify.Event) bool {
	if filepath.Dir(ev.Name) == filepath.Dir(w.root) && ev.Name != w.root {
		return false
	}
	return !ev.Has(fsnotify.Chmod)
}

// note records what an event changed: a file below the root by its path;
// anything else (the root's link swapped, a folder created, removed or
// renamed) as a change that needs a full look.
func (w *watcher) note(ev fsnotify.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	rel, err := filepath.Rel(w.resolved, ev.Name)
	switch {
	case w.resolved == "" || err != nil || rel == "." || strings.HasPrefix(rel, ".."+string(filepath.Separator)):
		w.full = true // the root itself, or its link in the parent folder
	case w.watched[ev.Name]:
		w.full = true // a watched folder was removed or renamed
	case ev.Has(fsnotify.Create) && isDir(ev.Name):
		w.full = true // a new folder: its files may predate its watch
	default:
		w.changed[filepath.ToSlash(rel)] = true
	}
}

// take returns the files changed since the last take, or full when the
// changes cannot be described by file paths; then it starts afresh.
func (w *watcher) take() (changed []string, full bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	full = w.full
	if !full {
		changed = make([]string, 0, len(w.changed))
		for p := range w.changed {
			changed = append(changed, p)
		}
	}
	w.changed, w.full = map[string]bool{}, false
	return changed, full
}

func isDir(p string) bool {
	info, err := os.Lstat(p)
	return err == nil && info.IsDir()
}

func (w *watcher) signal() {
	select {
	case w.C <- struct{}{}:
	default:
	}
}
