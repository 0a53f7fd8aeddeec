package fleet

import (
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/feed"
)

const (
	// deltaVersionsPerFeed is how many earlier versions of a feed a delta
	// can start from.
	deltaVersionsPerFeed = 8
	// maxDeltaVersions bounds the versions held in memory across feeds
	// (each a few hundred bytes): the oldest go first.
	maxDeltaVersions = 20000
	// maxDeltaWritesPerSwap bounds the versions one swap writes to Redis.
	maxDeltaWritesPerSwap = 2000
	// deltaKeyPrefix prefixes the Redis key of a version, by validator.
	deltaKeyPrefix = "feedwire:v1:delta:"
	// deltaWriteTimeout bounds the Redis writes of one swap.
	deltaWriteTimeout = time.Second
)

// Formats is the number of feed formats a Version holds a validator for,
// in the server's order: RSS, Atom, JSON Feed.
const Formats = 3

// Version is an earlier version of a feed at the default limit: the
// validators its documents had, per format ("" where a format's document is
// still current), and the content hashes of its items. A delta from it
// holds the current items whose hash it lacks: new posts, and posts whose
// content changed.
type Version struct {
	Feed       string // FeedID of the feed
	Validators [Formats]string
	Hashes     []uint64 // first 8 bytes of each item's content hash
	dropped    bool     // no longer indexed
}

// Versions remembers earlier versions of every feed, a few per feed and a
// bounded number in all, in memory and, when configured, in Redis, so that
// a replica that never served a version can still answer a delta from it.
// Redis failing only means a full document instead of a delta.
type Versions struct {
	redis   redis.UniversalClient // nil: memory only
	ttl     time.Duration
	timeout time.Duration
	log     *slog.Logger

	mu          sync.Mutex
	byValidator map[string]*Version
	perFeed     map[string][]*Version // oldest first
	queue       []*Version            // every indexed version, oldest first, and some dropped
	count       int                   // versions indexed
}

// NewVersions returns a store that keeps versions in memory and, when
// client is not nil, in Redis for ttl, each command bounded by timeout.
func NewVersions(client redis.UniversalClient, ttl, timeout time.Duration, log *slog.Logger) *Versions {
	return &Versions{
		redis: client, ttl: ttl, timeout: timeout, log: log,
		byValidator: map[string]*Version{},
		perFeed:     map[string][]*Version{},
	}
}

// FeedID names a feed across snapshots.
func FeedID(f *feed.Feed) string { return f.Kind.String() + ":" + f.Key }

// Remember records versions that a new snapshot replaced, a few per feed;
// a version with a validator already known is left out.
func (d *Versions) Remember(versions []*Version) {
	var written []*Version
	for _, v := range versions {
		if d.add(v) && len(written) < maxDeltaWritesPerSwap {
			written = append(written, v)
		}
	}
	d.write(written)
}

// add indexes v unless one of its validators is already known; it reports
// whether it did.
func (d *Versions) add(v *Version) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, val := range v.Validators {
		if _, ok := d.byValidator[val]; ok && val != "" {
			return false
		}
	}
	list := d.perFeed[v.Feed]
	if len(list) == deltaVersionsPerFeed {
		d.dropLocked(list[0])
		list = list[1:]
	}
	d.perFeed[v.Feed] = append(list, v)
	for _, val := range v.Validators {
		if val != "" {
			d.byValidator[val] = v
		}
	}
	d.queue = append(d.queue, v)
	d.count++
	for d.count > maxDeltaVersions {
		oldest := d.queue[0]
		d.queue = d.queue[1:]
		if oldest.dropped {
			continue
		}
		// The oldest version of all is the oldest of its feed.
		d.perFeed[oldest.Feed] = d.perFeed[oldest.Feed][1:]
		if len(d.perFeed[oldest.Feed]) == 0 {
			delete(d.perFeed, oldest.Feed)
		}
		d.dropLocked(oldest)
	}
	if len(d.queue) > 2*maxDeltaVersions {
		live := make([]*Version, 0, d.count)
		for _, q := range d.queue {
			if !q.dropped {
				live = append(live, q)
			}
		}
		d.queue = live
	}
	return true
}

// dropLocked removes v from the validator index.
func (d *Versions) dropLocked(v *Version) {
	for _, val := range v.Validators {
		if val != "" && d.byValidator[val] == v {
			delete(d.byValidator, val)
		}
	}
	v.dropped = true
	d.count--
}

// Hashes returns the item hashes of the version of the feed named feedID
// whose document in format (an index below Formats) had validator, from
// memory or else Redis.
func (d *Versions) Hashes(ctx context.Context, feedID string, format int, validator string) ([]uint64, bool) {
	if validator == "" {
		return nil, false
	}
	d.mu.Lock()
	v := d.byValidator[validator]
	d.mu.Unlock()
	if v != nil {
		return v.Hashes, v.Feed == feedID && v.Validators[format] == validator
	}
	if d.redis == nil {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	b, err := d.redis.Get(ctx, deltaKeyPrefix+validator).Bytes()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			d.log.Debug("delta version not read from Redis", "err", err)
		}
		return nil, false
	}
	id, fmtIndex, hashes, ok := decodeDeltaValue(b)
	return hashes, ok && id == feedID && fmtIndex == format
}

// write stores versions in Redis, one key per validator, with the TTL.
func (d *Versions) write(versions []*Version) {
	if d.redis == nil || len(versions) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), deltaWriteTimeout)
	defer cancel()
	pipe := d.redis.Pipeline()
	for _, v := range versions {
		for i, val := range v.Validators {
			if val != "" {
				pipe.Set(ctx, deltaKeyPrefix+val, encodeDeltaValue(v, i), d.ttl)
			}
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		d.log.Warn("delta versions not written to Redis", "versions", len(versions), "err", err)
	}
}

// encodeDeltaValue is the Redis value of v's document in format i: the
// format index, the feed ID, a zero byte, then 8 bytes per item hash.
func encodeDeltaValue(v *Version, i int) []byte {
	b := make([]byte, 0, 2+len(v.Feed)+8*len(v.Hashes))
	b = append(b, byte(i))
	b = append(b, v.Feed...)
	b = append(b, 0)
	for _, h := range v.Hashes {
		b = binary.BigEndian.AppendUint64(b, h)
	}
	return b
}

// decodeDeltaValue reads a value encodeDeltaValue made.
func decodeDeltaValue(b []byte) (id string, format int, hashes []uint64, ok bool) {
	if len(b) < 2 {
		return "", 0, nil, false
	}
	format = int(b[0])
	b = b[1:]
	end := -1
	for i, c := range b {
		if c == 0 {
			end = i
			break
		}
	}
	if end < 0 || (len(b)-end-1)%8 != 0 {
		return "", 0, nil, false
	}
	id = string(b[:end])
	for rest := b[end+1:]; len(rest) > 0; rest = rest[8:] {
		hashes = append(hashes, binary.BigEndian.Uint64(rest))
	}
	return id, format, hashes, true
}
