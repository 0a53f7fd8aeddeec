package feed

import (
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"
)

// reuse finds the posts of a previous load that a reload can keep. A nil
// *reuse keeps nothing.
type reuse struct {
	prev   *Snapshot
	byPath map[string]*Post
	cutoff time.Time // files modified after it are read again whatever their stamp
	hinted bool      // the caller named every changed file: the rest is kept as it is
}

// newReuse indexes prev's posts, or returns nil when nothing of prev can be
// kept: no previous load, or other site settings (a post's URL, dates and
// author depend on them). With changed (not nil), only the previous posts
// at those paths are indexed: the others are kept without a look.
func newReuse(prev *Snapshot, cfg *loadConfig, changed []string) *reuse {
	if prev == nil || settingsHash(prev.Site) != settingsHash(cfg.site) {
		return nil
	}
	r := &reuse{prev: prev, cutoff: prev.Loaded.Add(-time.Second), hinted: changed != nil}
	if r.hinted {
		r.byPath = make(map[string]*Post, len(changed))
		for _, c := range changed {
			r.byPath[c] = nil
		}
		for _, p := range prev.all {
			if _, ok := r.byPath[p.Path]; ok {
				r.byPath[p.Path] = p
			}
		}
		return r
	}
	r.byPath = make(map[string]*Post, len(prev.all))
	for _, p := range prev.all {
		r.byPath[p.Path] = p
	}
	return r
}

// unchanged returns the previous post at path when the file's size and
// modification time are those it had, and it was not modified within a
// second before the previous load (a write in the same clock tick could
// keep both).
func (r *reuse) unchanged(fsys fs.FS, c candidate) *Post {
	if r == nil || c.changed {
		return nil
	}
	p := r.byPath[c.path]
	if p == nil || p.modTime.IsZero() || !p.modTime.Before(r.cutoff) {
		return nil
	}
	info, err := fs.Stat(fsys, c.path)
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
	if p == nil || contentHash(path, data) != p.fileHash() {
		return nil
	}
	kept := *p
	kept.size, kept.modTime = size, modTime
	return &kept
}

// split divides a hinted reload: the previous posts and problems that no
// changed path touches are kept as they are; the changed paths that are post
// files are the candidates to read (a deleted one simply fails to load and
// is dropped). Problems not about a post file (an unreadable folder) are
// kept too.
func (r *reuse) split(changed []string) (kept []*Post, problems []Problem, cands []candidate) {
	kept = make([]*Post, 0, len(r.prev.all)+len(changed))
	for _, p := range r.prev.all {
		if _, ok := r.byPath[p.Path]; !ok {
			kept = append(kept, p)
		}
	}
	for _, pr := range r.prev.Problems {
		if _, ok := r.byPath[pr.Path]; !ok {
			problems = append(problems, pr)
		}
	}
	postsOnly := slices.ContainsFunc(r.prev.all, func(p *Post) bool { return newCandidate(p.Path).inPosts })
	for _, p := range slices.Sorted(maps.Keys(r.byPath)) {
		c := newCandidate(p)
		if !c.isPost(path.Base(p)) || hiddenPath(p) || (postsOnly && !c.inPosts) {
			continue
		}
		c.changed = true
		cands = append(cands, c)
	}
	return kept, problems, cands
}

// hiddenPath reports whether a folder on the path is one Load leaves out:
// a name starting with '_' or '.', other than _posts.
func hiddenPath(p string) bool {
	dirs := strings.Split(path.Dir(p), "/")
	for _, d := range dirs {
		if d != "." && d != "_posts" && d != "" && (d[0] == '_' || d[0] == '.') {
			return true
		}
	}
	return false
}
