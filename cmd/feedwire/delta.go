package main

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

// deltaVersion is an earlier version of a feed at the default limit: the
// validators its documents had, per format ("" where a format's document is
// still current), and the content hashes of its items. A delta from it
// holds the current items whose hash it lacks: new posts, and posts whose
// content changed.
type deltaVersion struct {
	feed       string // kind and key of the feed
	validators [len(formats)]string
	hashes     []uint64 // first 8 bytes of each item's content hash
	dropped    bool     // no longer indexed
}

// deltaStore remembers earlier versions of every feed, a few per feed and a
// bounded number in all, in memory and, when configured, in Redis, so that
// a replica that never served a version can still answer a delta from it.
// Redis failing only means a full document instead of a delta.
type deltaStore struct {
	redis   redis.UniversalClient // nil: memory only
	ttl     time.Duration
	timeout time.Duration
	log     *slog.Logger

	mu          sync.Mutex
	byValidator map[string]*deltaVersion
	perFeed     map[string][]*deltaVersion // oldest first
	queue       []*deltaVersion            // every indexed version, oldest first, and some dropped
	count       int                        // versions indexed
}

func newDeltaStore(client redis.UniversalClient, ttl, timeout time.Duration, log *slog.Logger) *deltaStore {
	return &deltaStore{
		redis: client, ttl: ttl, timeout: timeout, log: log,
		byValidator: map[string]*deltaVersion{},
		perFeed:     map[string][]*deltaVersion{},
	}
}

// feedID names a feed across snapshots.
func feedID(f *feed.Feed) string { return f.Kind.String() + ":" + f.Key }

// remember records, for every feed of next whose documents at the default
// limit differ from prev's, the version prev served.
func (d *deltaStore) remember(prev, next *state, limit int) {
	if d == nil || prev == nil {
		return
	}
	var written []*deltaVersion
	for _, f := range next.all {
		of, err := lookupFeed(prev.snap, f)
		if err != nil {
			continue // a new feed: no earlier version
		}
		om, nm := prev.feeds[of], next.feeds[f]
		if om == nil || nm == nil {
			continue
		}
		v := &deltaVersion{feed: feedID(f)}
		changed := false
		for i := range formats {
			if om.docs[i].validator != nm.docs[i].validator {
				v.validators[i] = om.docs[i].validator
				changed = true
			}
		}
		if !changed {
			continue
		}
		for _, p := range of.Limit(limit) {
			v.hashes = append(v.hashes, binary.BigEndian.Uint64(p.Hash[:8]))
		}
		if d.add(v) && len(written) < maxDeltaWritesPerSwap {
			written = append(written, v)
		}
	}
	d.write(written)
}

// lookupFeed finds in snap the feed of f's kind and key.
func lookupFeed(snap *feed.Snapshot, f *feed.Feed) (*feed.Feed, error) {
	switch f.Kind {
	case feed.KindCategory:
		return snap.Category(f.Key)
	case feed.KindTag:
		return snap.Tag(f.Key)
	}
	return snap.SiteFeed(), nil
}

// add indexes v unless one of its validators is already known; it reports
// whether it did.
func (d *deltaStore) add(v *deltaVersion) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, val := range v.validators {
		if _, ok := d.byValidator[val]; ok && val != "" {
			return false
		}
	}
	list := d.perFeed[v.feed]
	if len(list) == deltaVersionsPerFeed {
		d.dropLocked(list[0])
		list = list[1:]
	}
	d.perFeed[v.feed] = append(list, v)
	for _, val := range v.validators {
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
		d.perFeed[oldest.feed] = d.perFeed[oldest.feed][1:]
		if len(d.perFeed[oldest.feed]) == 0 {
			delete(d.perFeed, oldest.feed)
		}
		d.dropLocked(oldest)
	}
	if len(d.queue) > 2*maxDeltaVersions {
		live := make([]*deltaVersion, 0, d.count)
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
func (d *deltaStore) dropLocked(v *deltaVersion) {
	for _, val := range v.validators {
		if val != "" && d.byValidator[val] == v {
			delete(d.byValidator, val)
		}
	}
	v.dropped = true
	d.count--
}

// hashes returns the item hashes of the version of feed f whose document in
// format (an index of formats) had validator, from memory or else Redis.
func (d *deltaStore) hashes(ctx context.Context, f *feed.Feed, format int, validator string) ([]uint64, bool) {
	if d == nil || validator == "" {
		return nil, false
	}
	d.mu.Lock()
	v := d.byValidator[validator]
	d.mu.Unlock()
	if v != nil {
		return v.hashes, v.feed == feedID(f) && v.validators[format] == validator
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
	return hashes, ok && id == feedID(f) && fmtIndex == format
}

// write stores versions in Redis, one key per validator, with the TTL.
func (d *deltaStore) write(versions []*deltaVersion) {
	if d.redis == nil || len(versions) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), deltaWriteTimeout)
	defer cancel()
	pipe := d.redis.Pipeline()
	for _, v := range versions {
		for i, val := range v.validators {
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
func encodeDeltaValue(v *deltaVersion, i int) []byte {
	b := make([]byte, 0, 2+len(v.feed)+8*len(v.hashes))
	b = append(b, byte(i))
	b = append(b, v.feed...)
	b = append(b, 0)
	for _, h := range v.hashes {
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
