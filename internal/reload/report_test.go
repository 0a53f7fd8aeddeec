package reload

import (
	"context"
	"io/fs"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// fakeTarget serves whatever is swapped in.
type fakeTarget struct{ snap *feed.Snapshot }

func (f *fakeTarget) Snapshot() *feed.Snapshot { return f.snap }
func (f *fakeTarget) Swap(s *feed.Snapshot) ([]string, error) {
	f.snap = s
	return nil, nil
}
func (f *fakeTarget) Stale() <-chan struct{} { return nil }

type nopObserver struct{}

func (nopObserver) ObserveReload(string, time.Duration) {}
func (nopObserver) SnapshotLoaded(int, int, map[string]int, time.Duration, time.Time) {
}

// records is a slog handler that keeps every record.
type records struct {
	mu  sync.Mutex
	all []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

// take returns the records logged since the last take.
func (r *records) take() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	all := r.all
	r.all = nil
	return all
}

// attrs returns a record's attributes as strings, durations included.
func attrs(rec slog.Record) map[string]string {
	m := map[string]string{}
	rec.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.String()
		return true
	})
	return m
}

const broken = "---\ntitle: \"unclosed\n---\nbody\n"

func TestReloadLogsOneLine(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a.md", "甲", "2026-10-01 08:00:00", "jiabao", "甲报")
	s.Post("2026-10-02-b.md", "乙", "2026-10-02 08:00:00", "yibao", "乙报")
	s.Write("_posts/2026-10-03-bad.md", broken)
	site := func(fsys fs.FS) (feed.Site, error) { return feed.ReadSiteConfig(fsys) }
	log := &records{}
	l := New(Source{Dir: s.Root, Site: site}, &fakeTarget{}, Options{Observer: nopObserver{}, Log: slog.New(log)})
	ctx := context.Background()

	if !l.firstLoad(ctx) {
		t.Fatal("first load failed")
	}
	first := log.take()
	if len(first) != 2 || first[0].Level != slog.LevelWarn || first[1].Message != "posts loaded" {
		t.Fatalf("first load logged %v; want the broken post at warn, then one line", first)
	}
	if a := attrs(first[1]); a["trigger"] != "start" || a["posts"] != "2" || a["problems"] != "1" || a["problems_new"] != "1" {
		t.Errorf("first load line %v", a)
	}

	steps := []struct {
		name    string
		trigger string
		full    bool // a full reload, as SIGHUP asks
		change  func()
		message string
		level   slog.Level
		want    map[string]string // attributes of the one line
		warns   int               // new problems, each at warn before the line
	}{
		{"unchanged poll", TriggerPoll, false, func() {}, "posts unchanged", slog.LevelDebug,
			map[string]string{"trigger": "poll"}, 0},
		{"unchanged SIGHUP", TriggerSIGHUP, true, func() {}, "posts unchanged", slog.LevelInfo,
			map[string]string{"trigger": "sighup"}, 0},
		{"add, change, remove; old problem kept", TriggerWatch, false, func() {
			s.Post("2026-10-04-c.md", "丙", "2026-10-04 08:00:00", "jiabao", "甲报")
			s.Post("2026-10-01-a.md", "甲（更正）", "2026-10-01 08:00:00", "jiabao", "甲报")
			s.Remove("_posts/2026-10-02-b.md")
		}, "posts reloaded", slog.LevelInfo,
			map[string]string{"trigger": "watch", "posts": "2", "added": "1", "changed": "1", "removed": "1",
				"problems": "1", "problems_new": "0", "problems_fixed": "0"}, 0},
		{"a new problem", TriggerPoll, false, func() {
			s.Write("_posts/2026-10-05-bad2.md", broken)
		}, "posts reloaded", slog.LevelInfo,
			map[string]string{"posts": "2", "added": "0", "problems": "2", "problems_new": "1", "problems_fixed": "0"}, 1},
		{"a problem that changes", TriggerPoll, false, func() {
			s.Write("_posts/2026-10-05-bad2.md", "---\ntitle: never closed\n")
		}, "posts reloaded", slog.LevelInfo,
			map[string]string{"added": "0", "changed": "0", "removed": "0", "problems": "2", "problems_new": "1", "problems_fixed": "1"}, 1},
		{"a problem fixed, in a full reload", TriggerSIGHUP, true, func() {
			s.Post("2026-10-03-bad.md", "修好", "2026-10-03 08:00:00", "yibao", "乙报")
		}, "posts reloaded", slog.LevelInfo,
			map[string]string{"trigger": "sighup", "posts": "3", "added": "1", "changed": "0", "removed": "0",
				"problems": "1", "problems_new": "0", "problems_fixed": "1"}, 0},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.change()
			l.reload(ctx, st.trigger, !st.full, nil)
			got := log.take()
			if len(got) != st.warns+1 {
				t.Fatalf("%d log lines, want %d: %v", len(got), st.warns+1, got)
			}
			for _, w := range got[:st.warns] {
				if w.Level != slog.LevelWarn || w.Message != "broken post skipped" {
					t.Errorf("want a new problem at warn, got %v", w)
				}
			}
			line := got[st.warns]
			if line.Message != st.message || line.Level != st.level {
				t.Errorf("logged %s %q, want %s %q", line.Level, line.Message, st.level, st.message)
			}
			a := attrs(line)
			for k, v := range st.want {
				if a[k] != v {
					t.Errorf("%s=%s, want %s (line %v)", k, a[k], v, a)
				}
			}
			if _, ok := a["duration"]; !ok {
				t.Errorf("no duration in %v", a)
			}
		})
	}
}

func TestRootNamesThePath(t *testing.T) {
	s := sitetest.New(t)
	s.Write("file.txt", "not a folder")
	tests := []struct {
		dir, want string
	}{
		{s.Root + "/none", "posts folder " + s.Root + "/none does not exist"},
		{s.Root + "/file.txt", "posts folder " + s.Root + "/file.txt is not a directory"},
		{s.Root + "/file.txt/below", "posts folder " + s.Root + "/file.txt/below is not a directory (a part of its path is a file)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := Root(tt.dir)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Root(%s) = %v, want %s", tt.dir, err, tt.want)
			}
		})
	}
	if _, err := Root(s.Root); err != nil {
		t.Errorf("Root of a folder: %v", err)
	}
}

func TestEmptyFolderWarns(t *testing.T) {
	dir := t.TempDir()
	log := &records{}
	site := func(fsys fs.FS) (feed.Site, error) { return feed.ReadSiteConfig(fsys) }
	l := New(Source{Dir: dir, Site: site}, &fakeTarget{}, Options{Observer: nopObserver{}, Log: slog.New(log)})
	if !l.firstLoad(context.Background()) {
		t.Fatal("first load failed")
	}
	got := log.take()
	if len(got) != 2 || got[0].Message != "no posts found" || got[0].Level != slog.LevelWarn || attrs(got[0])["dir"] != dir {
		t.Errorf("logged %v; want a warning naming %s, then the load", got, dir)
	}
}
