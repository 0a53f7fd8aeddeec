package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultMaxPostBytes is the default size limit of one post file.
const DefaultMaxPostBytes = 4 << 20

// LoadOptions configures Load.
type LoadOptions struct {
	// Site is the final site configuration: _config.yml defaults with
	// FEEDWIRE_* overrides applied. A nil Location means UTC; an empty
	// Permalink means Jekyll's "date" style.
	Site Site
	// MaxPostBytes is the size limit of one post file; 0 means
	// DefaultMaxPostBytes.
	MaxPostBytes int64
	// Now is the clock value the snapshot is built at: posts dated after it
	// are held back. The zero time holds nothing back (the snapshot is then
	// built at the date of its newest post, which keeps it deterministic).
	Now time.Time
	// Workers is the number of files parsed at once; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// Previous is the snapshot of the last load of the same tree, if any.
	// Its posts are reused where the file did not change: same size and
	// modification time (and not modified within a second before Previous
	// was loaded, where a later write could keep both), or else the same
	// content hash, which skips parsing a file that a checkout rewrote with
	// the same bytes. Results are the same with or without it.
	Previous *Snapshot
	// Changed, with Previous, lists every file (slash paths below the root)
	// that may have changed since Previous was loaded, as a file watcher
	// reports them: the tree is then not walked, and the other posts of
	// Previous are kept without even a stat. nil means unknown: every file
	// is checked.
	Changed []string
}

// candidate is one file that may be a post.
type candidate struct {
	path       string
	categories []string // from the folders above _posts
	inPosts    bool     // in a _posts folder
	changed    bool     // named by LoadOptions.Changed: read it, trust no stamp
}

// Load reads every post below the Jekyll site root fsys and indexes them.
// Posts are the .md, .markdown and .html files of every _posts folder (the
// folders above one are the posts' categories), or, when the tree has no
// _posts folder, every such file of the tree. _drafts and other folders
// whose names start with '_' or '.' are left out.
//
// Load returns an error only when the root cannot be read or ctx ends; a
// file that is not a valid post becomes one of Snapshot.Problems, sorted by
// path, and every other file still loads. Files are parsed in parallel but
// the result is the same whatever the order they finish in.
func Load(ctx context.Context, fsys fs.FS, opts LoadOptions) (*Snapshot, error) {
	cfg := newLoadConfig(opts)
	old := newReuse(opts.Previous, cfg, opts.Changed)
	var kept, cands = []*Post(nil), []candidate(nil)
	var problems []Problem
	var err error
	if old != nil && old.hinted {
		if _, err := fs.Stat(fsys, "."); err != nil {
			return nil, fmt.Errorf("feed: read posts root: %w", err)
		}
		kept, problems, cands = old.split(opts.Changed)
	} else if cands, problems, err = findPosts(ctx, fsys); err != nil {
		return nil, err
	}
	var keep *bodyCache // a reload keeps the files it reads: they are the ones that changed
	if opts.Previous != nil {
		keep = opts.Previous.bodies
	}
	posts, fileProblems, err := parseAll(ctx, fsys, cands, cfg, opts.Workers, old, keep)
	if err != nil {
		return nil, err
	}
	posts = append(kept, posts...)
	posts, warnings := renderLiquidPosts(ctx, fsys, cfg, posts)
	for _, p := range posts {
		warnings = append(warnings, p.notes...)
	}
	slices.SortStableFunc(warnings, func(a, b Problem) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("feed: load: %w", err)
	}
	problems = append(problems, fileProblems...)
	slices.SortFunc(problems, compareProblems)
	now := opts.Now
	if now.IsZero() {
		for _, p := range posts {
			if p.Date.After(now) {
				now = p.Date
			}
		}
	}
	snap := NewSnapshot(cfg.site, fsys, posts, problems, now)
	snap.Warnings = warnings
	if keep != nil {
		snap.bodies = keep
	}
	if old != nil {
		// Kept posts are the same *Post under the same settings: their
		// processed items stay valid, and a reload does not start cold.
		snap.items = opts.Previous.items
	}
	return snap, nil
}

// loadConfig is LoadOptions with defaults applied.
type loadConfig struct {
	site        Site
	pattern     string
	maxBytes    int64
	markdownExt []string // extensions rendered as Markdown, with the dot, lower case
}

// isMarkdown reports whether a post file with extension ext is Markdown,
// per the site's markdown_ext (case-insensitive, as Jekyll compares them).
func (c *loadConfig) isMarkdown(ext string) bool {
	return slices.Contains(c.markdownExt, strings.ToLower(ext))
}

func newLoadConfig(opts LoadOptions) *loadConfig {
	c := &loadConfig{site: opts.Site, maxBytes: opts.MaxPostBytes}
	if c.site.Location == nil {
		c.site.Location = time.UTC
	}
	if c.site.Permalink == "" {
		c.site.Permalink = DefaultPermalink
	}
	c.site.URL = strings.TrimRight(c.site.URL, "/")
	c.pattern = permalinkPattern(c.site.Permalink)
	exts := c.site.MarkdownExt
	if exts == "" {
		exts = DefaultMarkdownExt
	}
	for _, e := range strings.Split(exts, ",") {
		if e = strings.TrimSpace(e); e != "" {
			c.markdownExt = append(c.markdownExt, "."+strings.ToLower(strings.TrimPrefix(e, ".")))
		}
	}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxPostBytes
	}
	return c
}

// findPosts walks fsys in lexical order and returns the post files, and a
// problem for each folder that could not be read.
func findPosts(ctx context.Context, fsys fs.FS) ([]candidate, []Problem, error) {
	var all, inPosts []candidate
	var problems []Problem
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			problems = append(problems, Problem{Path: p, Reason: "cannot read folder: " + reason(err) + "."})
			return fs.SkipDir
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && name != "_posts" && (name[0] == '_' || name[0] == '.') {
				return fs.SkipDir
			}
			return nil
		}
		c := newCandidate(p)
		if !c.isPost(name) {
			return nil
		}
		if c.inPosts {
			inPosts = append(inPosts, c)
		} else {
			all = append(all, c)
		}
		return nil
	})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, fmt.Errorf("feed: load: %w", ctxErr)
		}
		return nil, nil, fmt.Errorf("feed: read posts root: %w", err)
	}
	if len(inPosts) > 0 {
		return inPosts, problems, nil
	}
	return all, problems, nil
}

// newCandidate describes the post file at p: whether it is in a _posts
// folder, and the categories the folders above that give it.
func newCandidate(p string) candidate {
	dirs := strings.Split(path.Dir(p), "/")
	i := slices.Index(dirs, "_posts")
	if i < 0 {
		return candidate{path: p}
	}
	cats := slices.DeleteFunc(slices.Clone(dirs[:i]), func(s string) bool { return s == "." })
	return candidate{path: p, categories: cats, inPosts: true}
}

// isPost reports whether the file of c, named name, may be a post: a
// post file (isPostFile), or in a _posts folder any file with an extension
// but YAML, which Jekyll reads as a post when it has front matter.
func (c candidate) isPost(name string) bool {
	if isPostFile(name) {
		return true
	}
	if !c.inPosts || name == "" || strings.ContainsRune("._#", rune(name[0])) || strings.HasSuffix(name, "~") {
		return false
	}
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case "", ".", ".yml", ".yaml":
		return false
	}
	return true
}

// isPostFile reports whether a file name is a post: .md, .markdown or
// .html, and not hidden, underscored or a backup, as Jekyll filters them.
func isPostFile(name string) bool {
	if name == "" || strings.ContainsRune("._#", rune(name[0])) || strings.HasSuffix(name, "~") {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".html":
		return true
	}
	return false
}

// parseAll reads and parses the candidates with a pool of workers. Results
// are stored by index, so their order is the candidates' order.
func parseAll(ctx context.Context, fsys fs.FS, cands []candidate, cfg *loadConfig, workers int, old *reuse, keep *bodyCache) ([]*Post, []Problem, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(cands)))
	posts := make([]*Post, len(cands))
	probs := make([]*Problem, len(cands))
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for range workers {
		wg.Go(func() {
			var buf []byte
			for i := range next {
				if p := old.unchanged(fsys, cands[i]); p != nil {
					posts[i] = p
					continue
				}
				posts[i], probs[i], buf = loadFile(fsys, cands[i], cfg, buf, old, keep)
			}
		})
	}
	for i := range cands {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("feed: load: %w", err)
	}
	out := make([]*Post, 0, len(cands))
	for _, p := range posts {
		if p != nil {
			out = append(out, p)
		}
	}
	var problems []Problem
	for _, p := range probs {
		if p != nil {
			problems = append(problems, *p)
		}
	}
	return out, problems, nil
}

// loadFile reads one candidate into buf (reused between files) and parses
// it. A nil post and nil problem means the file is deliberately left out.
func loadFile(fsys fs.FS, c candidate, cfg *loadConfig, buf []byte, old *reuse, keep *bodyCache) (*Post, *Problem, []byte) {
	data, size, modTime, err := readLimited(fsys, c.path, cfg.maxBytes, buf)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, buf // deleted since it was listed
	}
	if err != nil {
		var tooBig *tooLargeError
		if errors.As(err, &tooBig) {
			return nil, &Problem{Path: c.path, Reason: fmt.Sprintf(
				"file is %d bytes, larger than the limit of %d bytes.", tooBig.size, cfg.maxBytes)}, buf
		}
		return nil, &Problem{Path: c.path, Reason: "cannot read file: " + reason(err) + "."}, buf
	}
	if p := old.sameContent(c.path, data, size, modTime); p != nil {
		return p, nil, data[:0]
	}
	post, prob := parsePost(c, data, cfg)
	if post != nil && keep != nil {
		keep.put(post.Hash, bytes.Clone(data))
	}
	if post != nil {
		post.size, post.modTime = size, modTime
	}
	return post, prob, data[:0]
}

// tooLargeError reports a file over the size limit.
type tooLargeError struct{ size int64 }

func (e *tooLargeError) Error() string { return fmt.Sprintf("file is %d bytes", e.size) }

// readLimited reads the file at name into buf, refusing files larger than
// limit, and returns its size and modification time.
func readLimited(fsys fs.FS, name string, limit int64, buf []byte) ([]byte, int64, time.Time, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	if info.IsDir() {
		return nil, 0, time.Time{}, errors.New("is a folder")
	}
	if info.Size() > limit {
		return nil, 0, time.Time{}, &tooLargeError{size: info.Size()}
	}
	want := int(info.Size()) + 1
	if cap(buf) < want {
		buf = make([]byte, 0, want+want/4)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, 0, time.Time{}, &tooLargeError{size: int64(len(buf))}
		}
		if err == io.EOF || (n > 0 && len(buf) < cap(buf) && int64(len(buf)) >= info.Size()) {
			// A short read past the size Stat gave is the end of the file:
			// this saves the read that would only return EOF. A file that
			// grew meanwhile fails the content hash check later.
			break
		}
		if err != nil {
			return nil, 0, time.Time{}, err
		}
	}
	return buf, int64(len(buf)), info.ModTime(), nil
}

// reason returns the cause of a file system error without the path, which a
// Problem already carries.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}
