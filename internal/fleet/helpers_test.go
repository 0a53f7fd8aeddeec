package fleet

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/redistest"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// quietLog is the logger of tests that do not look at the log.
func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// logRecorder is a slog.Handler that keeps the messages it is given, for
// tests that check what was logged.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string // "LEVEL message"
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Level.String()+" "+rec.Message)
	return nil
}

func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }

// warned reports whether a warning containing substr was logged.
func (r *logRecorder) warned(substr string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if strings.HasPrefix(m, "WARN ") && strings.Contains(m, substr) {
			return true
		}
	}
	return false
}

// failFastClient returns a client of srv set up as production sets its
// own (cache.NewRedisClient): context deadlines bound every command and
// neither commands nor dials are retried. Closed when the test ends.
func failFastClient(t *testing.T, srv *redistest.Server) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:                  srv.Addr(),
		ContextTimeoutEnabled: true,
		MaxRetries:            -1,
		DialerRetries:         1,
		DialTimeout:           time.Second,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// flushRedis empties the Redis database of c.
func flushRedis(t *testing.T, c redis.UniversalClient) {
	t.Helper()
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("FLUSHDB: %v", err)
	}
}

// fleetSite is a Jekyll site on disk whose posts are dated relative to the
// clock the test started at, loaded as a replica would load it.
type fleetSite struct {
	*sitetest.Site
	t     *testing.T
	clock time.Time // the test's start, to the second
}

// newFleetSite returns an empty site.
func newFleetSite(t *testing.T) *fleetSite {
	t.Helper()
	return &fleetSite{Site: sitetest.New(t), t: t, clock: time.Now().Truncate(time.Second)}
}

// siteZone is the offset sitetest writes post dates in.
var siteZone = time.FixedZone("CST", 8*3600)

// post writes (or rewrites) the post named name dated days before the
// clock (negative: after it), and returns its path below the root.
func (s *fleetSite) post(name, title string, daysAgo int, category, tag string) string {
	s.t.Helper()
	date := s.clock.AddDate(0, 0, -daysAgo).In(siteZone)
	file := date.Format(time.DateOnly) + "-" + name + ".md"
	s.Post(file, title, date.Format(time.DateTime), category, tag)
	return "_posts/" + file
}

// loadNow is the clock a load runs at: an hour after the files were
// written, so that a reload trusts the files' stamps and keeps the posts
// it need not read again (as a long-running replica does).
func (s *fleetSite) loadNow() time.Time { return s.clock.Add(time.Hour) }

// at returns a time hours after the clock: the now of an Apply, later than
// every load and every post of the past.
func (s *fleetSite) at(hours int) time.Time { return s.loadNow().Add(time.Duration(hours) * time.Hour) }

// load loads the site, as a reload of prev when prev is not nil.
func (s *fleetSite) load(prev *feed.Snapshot) *feed.Snapshot {
	s.t.Helper()
	snap, err := feed.Load(context.Background(), os.DirFS(s.Root), feed.LoadOptions{Now: s.loadNow(), Previous: prev})
	if err != nil {
		s.t.Fatal(err)
	}
	return snap
}

// postByPath returns the post of snap at path, or ends the test.
func postByPath(t *testing.T, snap *feed.Snapshot, path string) *feed.Post {
	t.Helper()
	for _, p := range snap.AllPosts() {
		if p.Path == path {
			return p
		}
	}
	t.Fatalf("no post %s in the snapshot", path)
	return nil
}
