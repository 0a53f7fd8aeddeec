package fleet

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/feed"
)

const (
	// modifiedKey is the Redis sorted set of feed versions: each member a
	// feed's version (feed.Feed.Version), scored by the Unix second it was
	// first seen.
	modifiedKey = "feedwire:v1:modified:set"
	// maxModified bounds the versions Redis keeps: the most recent. A
	// version dropped while still served is only seen anew by replicas
	// started later: a later Last-Modified and a new ETag, never a wrong 304.
	maxModified = 100000
	// modifiedTimeout bounds the Redis round trip of one swap.
	modifiedTimeout = time.Second
)

// Modified records when each version of each feed was first seen, the
// Last-Modified of the feed's documents: whatever changes a feed's bytes (a
// post added, backdated, edited or removed) gives it a new version, so its
// time moves forward, and always past the time of the version it replaces.
// With Redis, the first replica to see a version records its time and
// every replica serves that time; without Redis, or while it fails, each
// replica uses its own, later for a replica that saw the change later, so
// that a replica may answer 200 where another would answer 304, never the
// reverse.
type Modified struct {
	redis redis.UniversalClient
	log   *slog.Logger

	mu      sync.Mutex
	times   map[string]time.Time       // version → first seen, the versions of the last swap
	last    map[feed.FeedRef]time.Time // each feed's time at the last swap
	unsaved map[string]time.Time       // versions seen here and not yet in Redis → their after
}

// NewModified returns the feed versions' times shared through client (nil:
// this process's own).
func NewModified(client redis.UniversalClient, log *slog.Logger) *Modified {
	return &Modified{redis: client, log: log, times: map[string]time.Time{},
		last: map[feed.FeedRef]time.Time{}, unsaved: map[string]time.Time{}}
}

// Apply returns next with each feed's Modified: the time its version was
// first seen, now for a version new here.
func (m *Modified) Apply(next *feed.Snapshot, now time.Time) *feed.Snapshot {
	if m == nil {
		return next
	}
	now = now.Truncate(time.Second)
	m.mu.Lock()
	defer m.mu.Unlock()
	feeds := next.Feeds()
	versions := make([]string, len(feeds))
	times := make(map[string]time.Time, len(feeds))
	for i, f := range feeds {
		v := f.Version()
		versions[i] = v
		if t, ok := m.times[v]; ok {
			times[v] = t
			continue
		}
		after := m.last[feed.FeedRef{Kind: f.Kind, Key: f.Key}]
		times[v] = laterOf(now, after)
		m.unsaved[v] = after
	}
	if m.redis != nil && len(m.unsaved) > 0 {
		if err := m.share(times); err != nil {
			m.log.Warn("feed versions not shared through Redis; this replica's own times are used", "err", err)
		} else {
			clear(m.unsaved)
		}
	}
	for v := range m.unsaved {
		if _, ok := times[v]; !ok {
			delete(m.unsaved, v) // no longer served: nothing to share
		}
	}
	m.times = times
	clear(m.last)
	for i, f := range feeds {
		m.last[feed.FeedRef{Kind: f.Kind, Key: f.Key}] = times[versions[i]]
	}
	return next.WithModified(times)
}

// share records the unsaved versions in Redis, keeping the time of a
// replica that saw one first, and sets their times from it.
func (m *Modified) share(times map[string]time.Time) error {
	ctx, cancel := context.WithTimeout(context.Background(), modifiedTimeout)
	defer cancel()
	stamps := make([]stamp, 0, len(m.unsaved))
	for v, after := range m.unsaved {
		if t, ok := times[v]; ok {
			stamps = append(stamps, stamp{member: v, now: t, after: after})
		}
	}
	if len(stamps) == 0 {
		return nil
	}
	pipe := m.redis.Pipeline()
	read := firstSeen(ctx, pipe, modifiedKey, maxModified, stamps)
	if _, err := pipe.Exec(ctx); err != nil {
		return err
	}
	got, err := read()
	if err != nil {
		return err
	}
	for i, s := range stamps {
		times[s.member] = got[i]
	}
	return nil
}
