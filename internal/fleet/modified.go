package fleet

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// modifiedKey is the Redis sorted set of served documents' validators,
	// each scored by the Unix second it was first seen in its current
	// incarnation.
	modifiedKey = "feedwire:v1:modified:set"
	// maxModified bounds the validators Redis keeps: the most recent. One
	// dropped while still served is only seen anew by replicas started
	// later: a later Last-Modified, never a wrong 304.
	maxModified = 100000
	// modifiedTimeout bounds the Redis round trip of one swap.
	modifiedTimeout = time.Second
)

// Doc is a document served at every swap, by the place it is served at
// (a feed in a format, the OPML list, the index page), with its validator.
type Doc struct {
	Slot      string
	Validator string
}

// Modified records when each validator a slot serves was first seen: the
// Last-Modified of its document. Whatever changes a document's bytes (a
// post added, backdated, edited or removed) changes its validator, so its
// time moves forward, always past the time of the validator it replaces,
// even when that validator was served before (an edit reverted). The
// ETag stays a hash of the bytes alone, equal on every replica; the time
// is not in the bytes. With Redis, the first replica to see a validator
// records its time and every replica serves that time; without Redis, or
// while it fails, each replica uses its own, later for a replica that saw
// the change later, so that a replica may answer 200 where another would
// answer 304, never the reverse.
type Modified struct {
	redis redis.UniversalClient
	log   *slog.Logger

	mu      sync.Mutex
	served  map[string]seen // slot → what it served at the last swap
	unsaved map[string]bool // validators timed here and not yet in Redis
}

// seen is a validator and when it was first seen.
type seen struct {
	validator string
	at        time.Time
	after     time.Time // the time of the validator it replaced
}

// NewModified returns the documents' times shared through client (nil:
// this process's own).
func NewModified(client redis.UniversalClient, log *slog.Logger) *Modified {
	return &Modified{redis: client, log: log, served: map[string]seen{}, unsaved: map[string]bool{}}
}

// Times returns when each of docs' validators was first seen, in order:
// now for a validator new to its slot.
func (m *Modified) Times(docs []Doc, now time.Time) []time.Time {
	out := make([]time.Time, len(docs))
	if m == nil {
		return out
	}
	now = now.Truncate(time.Second)
	m.mu.Lock()
	defer m.mu.Unlock()
	served := make(map[string]seen, len(docs))
	for _, d := range docs {
		prev, ok := m.served[d.Slot]
		if ok && prev.validator == d.Validator {
			served[d.Slot] = prev
			continue
		}
		s := seen{validator: d.Validator, at: laterOf(now, prev.at), after: prev.at}
		served[d.Slot] = s
		m.unsaved[d.Validator] = true
	}
	m.served = served
	if len(m.unsaved) > 0 {
		validators := make(map[string]bool, len(served))
		for _, s := range served {
			validators[s.validator] = true
		}
		for v := range m.unsaved {
			if !validators[v] {
				delete(m.unsaved, v) // no longer served: nothing to share
			}
		}
	}
	if m.redis != nil && len(m.unsaved) > 0 {
		if err := m.share(); err != nil {
			m.log.Warn("documents' times not shared through Redis; this replica's own are used", "err", err)
		} else {
			clear(m.unsaved)
		}
	}
	for i, d := range docs {
		out[i] = m.served[d.Slot].at
	}
	return out
}

// share records the unsaved validators in Redis, keeping the time of a
// replica that saw one first, and takes their times from it.
func (m *Modified) share() error {
	ctx, cancel := context.WithTimeout(context.Background(), modifiedTimeout)
	defer cancel()
	var stamps []stamp
	var slots []string
	for slot, s := range m.served {
		if m.unsaved[s.validator] {
			stamps = append(stamps, stamp{member: s.validator, now: s.at, after: s.after})
			slots = append(slots, slot)
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
	for i, slot := range slots {
		s := m.served[slot]
		s.at = got[i]
		m.served[slot] = s
	}
	return nil
}
