package fleet

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/feed"
)

const (
	// tombstoneKey is the Redis sorted set of the fleet's tombstones: each
	// member a tombstone without its time, scored by the Unix second it was
	// first noticed.
	tombstoneKey = "feedwire:v1:tombstone:set"
	// maxTombstones bounds the tombstones kept, in Redis and in memory.
	maxTombstones = 10000
	// tombstoneTimeout bounds the Redis round trips of one swap.
	tombstoneTimeout = time.Second
)

// Tombstones decides which removed posts the feeds show as RFC 6721 deleted
// entries. A post is removed when it was visible in the previous snapshot
// and no loaded post of the next one has its ID; a post that now fails to
// load is a problem to fix, not a retraction, and gets none. With Redis, the
// first replica to notice a removal records its time (ZADD NX) and every
// replica renders the set Redis holds, so that documents agree fleet-wide;
// without Redis, or while it fails, the set is this process's own and a
// restart forgets it.
type Tombstones struct {
	ttl   time.Duration // zero: no tombstones
	redis redis.UniversalClient
	log   *slog.Logger

	mu      sync.Mutex
	set     map[string]feed.Tombstone  // by ID: the tombstones last applied
	goneSet map[feed.FeedRef]time.Time // feeds that lost their last post and then their deleted entries → when
}

// NewTombstones returns the tombstones of removed posts, kept for days (0:
// none), shared through client (nil: this process's own).
func NewTombstones(days int, client redis.UniversalClient, log *slog.Logger) *Tombstones {
	return &Tombstones{ttl: time.Duration(days) * 24 * time.Hour, redis: client, log: log, set: map[string]feed.Tombstone{},
		goneSet: map[feed.FeedRef]time.Time{}}
}

// Apply returns next (the snapshot diff led to, or one with the same
// posts) with the tombstones it shows as of now: the posts diff removed,
// added to those already known, without the expired ones or those whose
// post is back. A category or tag whose last post was removed keeps a feed
// of its tombstones; once they expire, it is gone (410).
func (t *Tombstones) Apply(diff *Diff, next *feed.Snapshot, now time.Time) *feed.Snapshot {
	if t == nil {
		return next
	}
	now = now.Truncate(time.Second)
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.gone(diff, t.apply(diff, next, now), now)
}

// apply is Apply without the gone feeds, under t.mu.
func (t *Tombstones) apply(diff *Diff, next *feed.Snapshot, now time.Time) *feed.Snapshot {
	if t.ttl <= 0 {
		return next
	}
	for _, ts := range removedPosts(diff, now) {
		if _, ok := t.set[ts.ID]; !ok {
			t.set[ts.ID] = ts
		}
	}
	for id, ts := range t.set {
		if !now.Before(ts.When.Add(t.ttl)) {
			delete(t.set, id)
		}
	}
	// A post that comes back is one the reload read. (A tombstone from
	// Redis of a post this replica still has is left out of the documents
	// by WithTombstones, until this replica's reload removes the post too.)
	loaded := map[string]bool{}
	for _, p := range diff.added {
		if _, ok := t.set[p.ItemID()]; ok {
			loaded[p.ItemID()] = true
			delete(t.set, p.ItemID())
		}
	}
	if t.redis != nil {
		if shared, err := t.share(now, loaded); err != nil {
			t.log.Warn("tombstones not shared through Redis; this replica's own are shown", "err", err)
		} else {
			t.set = shared
		}
	}
	if len(t.set) > maxTombstones {
		list := sortedTombstones(t.set)
		for _, ts := range list[maxTombstones:] {
			delete(t.set, ts.ID)
		}
	}
	if len(t.set) == 0 && len(next.Tombstones()) == 0 {
		return next
	}
	return next.WithTombstones(sortedTombstones(t.set))
}

// NextExpiry returns when the first tombstone expires, or the zero time.
func (t *Tombstones) NextExpiry() time.Time {
	if t == nil {
		return time.Time{}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var first time.Time
	for _, ts := range t.set {
		if e := ts.When.Add(t.ttl); first.IsZero() || e.Before(first) {
			first = e
		}
	}
	return first
}

// removedPosts returns a tombstone dated now for each post diff removed
// that was visible and whose ID no added post has, unless its file is now a
// problem.
func removedPosts(diff *Diff, now time.Time) []feed.Tombstone {
	if len(diff.gone) == 0 {
		return nil
	}
	ids := make(map[string]bool, len(diff.added))
	for _, p := range diff.added {
		ids[p.ItemID()] = true
	}
	broken := make(map[string]bool, len(diff.next.Problems))
	for _, pr := range diff.next.Problems {
		broken[pr.Path] = true
	}
	var out []feed.Tombstone
	for _, p := range diff.gone {
		if !ids[p.ItemID()] && !broken[p.Path] && !p.Date.After(diff.prevLoaded) {
			out = append(out, feed.TombstoneOf(p, now))
		}
	}
	return out
}

// sortedTombstones lists set most recent first, then by ID.
func sortedTombstones(set map[string]feed.Tombstone) []feed.Tombstone {
	list := make([]feed.Tombstone, 0, len(set))
	for _, ts := range set {
		list = append(list, ts)
	}
	slices.SortFunc(list, func(a, b feed.Tombstone) int {
		return cmp.Or(b.When.Compare(a.When), strings.Compare(a.ID, b.ID))
	})
	return list
}

// tombstoneMember is a tombstone in Redis, without its time (the score), so
// that ZADD NX keeps the first replica's time.
type tombstoneMember struct {
	ID         string   `json:"id"`
	Categories []string `json:"c,omitempty"`
	Tags       []string `json:"t,omitempty"`
}

// share adds this process's tombstones to the fleet's (keeping the earlier
// time of each), drops the expired and those whose post is back, and
// returns the fleet's set.
func (t *Tombstones) share(now time.Time, loaded map[string]bool) (map[string]feed.Tombstone, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tombstoneTimeout)
	defer cancel()
	expired := strconv.FormatInt(now.Add(-t.ttl).Unix(), 10)
	pipe := t.redis.TxPipeline()
	if len(t.set) > 0 {
		members := make([]redis.Z, 0, len(t.set))
		for _, ts := range t.set {
			b, err := json.Marshal(tombstoneMember{ID: ts.ID, Categories: ts.Categories, Tags: ts.Tags})
			if err != nil {
				return nil, err
			}
			members = append(members, redis.Z{Score: float64(ts.When.Unix()), Member: string(b)})
		}
		pipe.ZAddNX(ctx, tombstoneKey, members...)
	}
	pipe.ZRemRangeByScore(ctx, tombstoneKey, "-inf", expired)
	pipe.ZRemRangeByRank(ctx, tombstoneKey, 0, -maxTombstones-1) // the oldest beyond the bound
	pipe.Expire(ctx, tombstoneKey, t.ttl)
	read := pipe.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: tombstoneKey, Start: "(" + expired, Stop: "+inf", ByScore: true})
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	shared := map[string]feed.Tombstone{}
	var back []any
	for _, z := range read.Val() {
		s, _ := z.Member.(string)
		var m tombstoneMember
		if err := json.Unmarshal([]byte(s), &m); err != nil || m.ID == "" {
			continue
		}
		if loaded[m.ID] {
			back = append(back, s)
			continue
		}
		ts := feed.Tombstone{ID: m.ID, When: time.Unix(int64(z.Score), 0).UTC(), Categories: m.Categories, Tags: m.Tags}
		// Replicas that saw other feeds for one ID: the earliest record wins,
		// by time then by bytes, so every replica picks the same one.
		if old, ok := shared[m.ID]; !ok || ts.When.Before(old.When) {
			shared[m.ID] = ts
		}
	}
	if len(back) > 0 {
		// Restored posts: their tombstones go, so that a later removal is
		// dated anew.
		t.redis.ZRem(ctx, tombstoneKey, back...)
	}
	return shared, nil
}
