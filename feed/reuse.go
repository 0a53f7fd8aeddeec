package feed

import (
	"io/fs"
	"time"
)

// reuse finds the posts of a previous load that a reload can keep. A nil
// *reuse keeps nothing.
type reuse struct {
	byPath map[string]*Post
	cutoff time.Time // files modified after it are read again whatever their stamp
}

// newReuse indexes prev's posts, or returns nil when nothing of prev can be
// kept: no previous load, or other site settings (a post's URL, dates and
// author depend on them).
func newReuse(prev *Snapshot, cfg *loadConfig) *reuse {
	if prev == nil || settingsHash(prev.Site) != settingsHash(cfg.site) {
		return nil
	}
	r := &reuse{byPath: make(map[string]*Post, len(prev.all)), cutoff: prev.Loaded.Add(-time.Second)}
	for _, p := range prev.all {
		r.byPath[p.Path] = p
	}
	return r
}

// unchanged returns the previous post at path when the file's size and
// modification time are those it had, and it was not modified within a
// second before the previous load (a write in the same clock tick could
// keep both).
func (r *reuse) unchanged(fsys fs.FS, path string) *Post {
	if r == nil {
		return nil
	}
	p := r.byPath[path]
	if p == nil || p.modTime.IsZero() || !p.modTime.Before(r.cutoff) {
		return nil
	}
	info, err := fs.Stat(fsys, path)
	if err != nil || info.Size() != p.size || !info.ModTime().Equal(p.modTime) {
		return nil
	}
	return p
}

// sameContent returns the previous post at path, with the file's new stamp,
// when the file holds the same bytes it did: a checkout that rewrote it
// need not be parsed again.
func (r *reuse) sameContent(path string, data []byte, size int64, modTime time.Time) *Post {
	if r == nil {
		return nil
	}
	p := r.byPath[path]
	if p == nil || contentHash(path, data) != p.Hash {
		return nil
	}
	kept := *p
	kept.size, kept.modTime = size, modTime
	return &kept
}
