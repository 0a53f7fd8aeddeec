package fleet

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/feed"
)

const (
	// goneKey is the Redis sorted set of feeds that lost their last post
	// and whose deleted entries expired: each member a FeedID, scored by the
	// Unix second it went.
	goneKey = "feedwire:v1:gone:set"
	// maxGone bounds the gone feeds remembered, in Redis and in memory: the
	// most recent.
	maxGone = 10000
)

// gone returns next with the feeds it answers 410 Gone for: the feeds of
// the previous snapshot that showed deleted entries alone (their last post
// was removed) and that next lacks (the entries expired), added to those
// known before, shared through Redis when configured. A feed whose last
// post broke, or moved to another feed, shows no deleted entry and is
// simply not found. It runs under t.mu.
func (t *Tombstones) gone(diff *Diff, next *feed.Snapshot, now time.Time) *feed.Snapshot {
	if diff.prev != nil {
		for _, f := range diff.prev.Feeds() {
			if f.Kind == feed.KindSite || len(f.Posts) > 0 {
				continue // only a feed of deleted entries alone goes when they expire
			}
			if _, err := next.Feed(f.Kind, f.Key); err != nil {
				ref := feed.FeedRef{Kind: f.Kind, Key: f.Key}
				if _, ok := t.goneSet[ref]; !ok {
					t.goneSet[ref] = now
				}
			}
		}
	}
	for ref := range t.goneSet {
		if _, err := next.Feed(ref.Kind, ref.Key); err == nil {
			delete(t.goneSet, ref) // back: gone anew should it go again
		}
	}
	if t.redis != nil {
		if shared, err := t.shareGone(); err != nil {
			t.log.Warn("gone feeds not shared through Redis; this replica's own are used", "err", err)
		} else {
			for ref, when := range shared {
				if _, err := next.Feed(ref.Kind, ref.Key); err != nil {
					t.goneSet[ref] = when
				}
			}
		}
	}
	if len(t.goneSet) > maxGone {
		oldest := make([]feed.FeedRef, 0, len(t.goneSet))
		for ref := range t.goneSet {
			oldest = append(oldest, ref)
		}
		sortRefs(oldest, t.goneSet)
		for _, ref := range oldest[maxGone:] {
			delete(t.goneSet, ref)
		}
	}
	if len(t.goneSet) == 0 {
		return next
	}
	list := make([]feed.FeedRef, 0, len(t.goneSet))
	for ref := range t.goneSet {
		list = append(list, ref)
	}
	return next.WithGone(list)
}

// shareGone adds this process's gone feeds to the fleet's and returns the
// fleet's.
func (t *Tombstones) shareGone() (map[feed.FeedRef]time.Time, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tombstoneTimeout)
	defer cancel()
	pipe := t.redis.TxPipeline()
	if len(t.goneSet) > 0 {
		members := make([]redis.Z, 0, len(t.goneSet))
		for ref, when := range t.goneSet {
			members = append(members, redis.Z{Score: float64(when.Unix()), Member: ref.Kind.String() + ":" + ref.Key})
		}
		pipe.ZAddNX(ctx, goneKey, members...)
		pipe.ZRemRangeByRank(ctx, goneKey, 0, -maxGone-1)
	}
	read := pipe.ZRangeWithScores(ctx, goneKey, 0, -1)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	out := make(map[feed.FeedRef]time.Time, len(read.Val()))
	for _, z := range read.Val() {
		s, _ := z.Member.(string)
		kind, key, ok := strings.Cut(s, ":")
		if !ok || key == "" {
			continue
		}
		switch kind {
		case feed.KindCategory.String():
			out[feed.FeedRef{Kind: feed.KindCategory, Key: key}] = time.Unix(int64(z.Score), 0).UTC()
		case feed.KindTag.String():
			out[feed.FeedRef{Kind: feed.KindTag, Key: key}] = time.Unix(int64(z.Score), 0).UTC()
		}
	}
	return out, nil
}

// sortRefs orders refs most recently gone first, then by kind and key.
func sortRefs(refs []feed.FeedRef, when map[feed.FeedRef]time.Time) {
	slices.SortFunc(refs, func(a, b feed.FeedRef) int {
		return cmp.Or(when[b].Compare(when[a]), cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Key, b.Key))
	})
}
