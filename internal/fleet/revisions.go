package fleet

import (
	"context"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/feed"
)

const (
	// revisionKey is the Redis sorted set of content revisions: each member
	// the hex content hash of a post as changed, scored by the Unix second
	// the change was first noticed.
	revisionKey = "feedwire:v1:revision:set"
	// maxRevisions bounds the revisions kept, in Redis and in memory: the
	// most recent.
	maxRevisions = 10000
	// revisionTimeout bounds the Redis round trip of one swap.
	revisionTimeout = time.Second
)

// Revisions gives a post whose content changed under the same ID a new
// updated: the time the change was first noticed, unless its front matter
// says later (last_modified_at), and always later than the updated the post
// showed before, so that updated never moves backwards, not even when a
// correction is reverted and made again. With Redis, the first replica to
// notice records the time and every replica applies the set Redis holds, so
// documents agree fleet-wide, replicas started after the change included;
// without Redis the time is this process's own, and a replica that never
// saw the earlier content shows the post's own updated.
type Revisions struct {
	redis redis.UniversalClient
	log   *slog.Logger

	mu      sync.Mutex
	set     map[[32]byte]time.Time // content hash → first noticed
	unsaved map[[32]byte]time.Time // noticed here, not yet written to Redis → the updated it replaced
}

// NewRevisions returns the revisions shared through client (nil: this
// process's own).
func NewRevisions(client redis.UniversalClient, log *slog.Logger) *Revisions {
	return &Revisions{redis: client, log: log, set: map[[32]byte]time.Time{}, unsaved: map[[32]byte]time.Time{}}
}

// Apply returns diff's next snapshot with the revision times of its posts:
// an added post whose ID a removed one had, with other content, is dated
// now (or just after the removed one's updated, when that is not earlier);
// the others keep what was noticed before.
func (r *Revisions) Apply(diff *Diff, now time.Time) *feed.Snapshot {
	next := diff.next
	if r == nil {
		return next
	}
	now = now.Truncate(time.Second)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(diff.gone) > 0 && len(diff.added) > 0 {
		before := make(map[string]*feed.Post, len(diff.gone))
		for _, p := range diff.gone {
			before[p.ItemID()] = p
		}
		for _, p := range diff.added {
			old, ok := before[p.ItemID()]
			if !ok || old.Hash == p.Hash {
				continue
			}
			// Content seen before (a correction reverted, or made again)
			// keeps its time only while that follows what it replaces.
			if t, known := r.set[p.Hash]; !known || !t.After(old.Updated) {
				r.set[p.Hash] = laterOf(now, old.Updated)
				r.unsaved[p.Hash] = old.Updated
			}
		}
	}
	if r.redis != nil {
		// What Redis did not take is offered again at the next swap, so
		// that a revision noticed while Redis was down still reaches the
		// replicas started later.
		if shared, err := r.share(); err != nil {
			r.log.Warn("revisions not shared through Redis; this replica's own are used", "err", err)
		} else {
			r.set = shared
			clear(r.unsaved)
		}
	}
	// Forget the revisions of content the reload dropped (changed again, or
	// removed); what Redis holds beyond that is bounded there.
	if len(r.set) > 0 && len(diff.gone) > 0 {
		kept := make(map[[32]byte]bool, len(diff.added))
		for _, p := range diff.added {
			kept[p.Hash] = true
		}
		for _, p := range diff.gone {
			if !kept[p.Hash] {
				delete(r.set, p.Hash)
				delete(r.unsaved, p.Hash)
			}
		}
	}
	if len(r.set) == 0 {
		return next
	}
	return next.WithRevisions(r.set)
}

// share adds the revisions noticed here and not yet written to the fleet's
// (keeping an earlier time when another replica noticed first, unless that
// time does not follow the content it replaced) and returns the fleet's
// set.
func (r *Revisions) share() (map[[32]byte]time.Time, error) {
	ctx, cancel := context.WithTimeout(context.Background(), revisionTimeout)
	defer cancel()
	pipe := r.redis.TxPipeline()
	if len(r.unsaved) > 0 {
		stamps := make([]stamp, 0, len(r.unsaved))
		for h, after := range r.unsaved {
			stamps = append(stamps, stamp{member: hex.EncodeToString(h[:]), now: r.set[h], after: after})
		}
		firstSeen(ctx, pipe, revisionKey, maxRevisions, stamps)
	}
	read := pipe.ZRangeWithScores(ctx, revisionKey, 0, -1)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	shared := make(map[[32]byte]time.Time, len(read.Val()))
	for _, z := range read.Val() {
		s, _ := z.Member.(string)
		var h [32]byte
		if b, err := hex.DecodeString(s); err == nil && len(b) == len(h) {
			copy(h[:], b)
			shared[h] = time.Unix(int64(z.Score), 0).UTC()
		}
	}
	return shared, nil
}
