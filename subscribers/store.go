package subscribers

import (
	"container/list"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of Options.
const (
	DefaultMaxFeeds       = 100_000
	DefaultMaxAge         = 7 * 24 * time.Hour
	DefaultMaxPending     = 10_000
	DefaultRewriteAfter   = 10 * time.Minute
	DefaultFlushInterval  = time.Second
	DefaultTimeout        = 200 * time.Millisecond
	DefaultReadThrough    = 5 * time.Second
	DefaultExportInterval = 30 * time.Second
	defaultErrorLogPeriod = time.Minute
)

// MaxFeedKeyBytes bounds a feed key; Record ignores longer ones.
const MaxFeedKeyBytes = 1024

// Options configure a Store. The zero value keeps counts in memory only,
// with the defaults above.
type Options struct {
	MaxFeeds int           // distinct feed keys kept; the least recently updated go first
	MaxAge   time.Duration // a count not seen again for this long is dropped

	// Redis, when set, shares counts between replicas: Record queues a
	// write, Run sends the queue every FlushInterval, Refresh and Snapshot
	// merge what other replicas wrote. Redis failures are logged, never
	// returned to a request.
	Redis         redis.UniversalClient
	MaxPending    int           // writes queued for Redis; more are dropped until the next flush
	RewriteAfter  time.Duration // an unchanged count is written again after this, to show it is current
	FlushInterval time.Duration // how often Run writes the queue
	Timeout       time.Duration // bound of each Redis command
	ReadThrough   time.Duration // Snapshot merges from Redis when the last merge is older than this

	// Export, when set, receives the totals by aggregator (Totals) every
	// ExportInterval while Run runs, after a merge of what other replicas
	// wrote: a gauge kept current without a request.
	Export         func(totals map[string]int)
	ExportInterval time.Duration

	Logger *slog.Logger     // nil: discard
	Now    func() time.Time // nil: time.Now
}

// Count is one aggregator's latest subscriber count for a feed.
type Count struct {
	Aggregator  string
	Subscribers int
}

// FeedCounts is the latest counts of one feed.
type FeedCounts struct {
	Feed   string
	Counts []Count // by aggregator name
	Total  int
}

// Stats is every count a Store holds at one moment.
type Stats struct {
	Feeds  []FeedCounts // by feed key
	Totals []Count      // per aggregator, summed over feeds, by aggregator name
	Total  int
}

// Store keeps the latest subscriber count per aggregator and feed key. The
// feed key is any string the caller chooses, such as a feed's URL path.
// Its methods are safe for concurrent use.
type Store struct {
	opts  Options
	log   *slog.Logger
	now   func() time.Time
	write *redis.Script
	prune *redis.Script

	mu          sync.Mutex
	feeds       map[string]*list.Element // of *feedEntry
	lru         *list.List               // most recently updated first
	pending     map[string]pending       // Redis writes by field
	lastRefresh time.Time
	lastErrLog  time.Time

	refreshing sync.Mutex // one merge from Redis at a time
}

// feedEntry is the counts of one feed key.
type feedEntry struct {
	key     string
	counts  []entry // at most one per aggregator
	updated int64   // newest entry's at
}

// entry is one aggregator's count; times are Unix milliseconds.
type entry struct {
	aggregator string
	count      int
	at         int64 // when the count was last seen, here or by another replica
	written    int64 // when it was last queued for, or read from, Redis
}

// pending is a Redis write waiting to be sent.
type pending struct {
	count int
	at    int64
}

// New returns an empty Store. When o.Redis is set, call Run to send its
// writes.
func New(o Options) *Store {
	o.MaxFeeds = positive(o.MaxFeeds, DefaultMaxFeeds)
	o.MaxAge = positive(o.MaxAge, DefaultMaxAge)
	o.MaxPending = positive(o.MaxPending, DefaultMaxPending)
	o.RewriteAfter = positive(o.RewriteAfter, DefaultRewriteAfter)
	o.FlushInterval = positive(o.FlushInterval, DefaultFlushInterval)
	o.Timeout = positive(o.Timeout, DefaultTimeout)
	o.ReadThrough = positive(o.ReadThrough, DefaultReadThrough)
	o.ExportInterval = positive(o.ExportInterval, DefaultExportInterval)
	s := &Store{
		opts:    o,
		log:     o.Logger,
		now:     o.Now,
		write:   redis.NewScript(writeScript),
		prune:   redis.NewScript(pruneScript),
		feeds:   map[string]*list.Element{},
		lru:     list.New(),
		pending: map[string]pending{},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

func positive[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Observe records the count userAgent announces, if any, for feedKey. It
// does nothing, cheaply, for a User-Agent that announces no count.
func (s *Store) Observe(feedKey, userAgent string) {
	if agg, n, ok := Parse(userAgent); ok {
		s.Record(feedKey, agg, n)
	}
}

// Record sets aggregator's count for feedKey. An aggregator outside
// Aggregators counts as Other; count is clamped to [0, MaxCount]; an empty
// feed key, one longer than MaxFeedKeyBytes or one holding a NUL byte is
// ignored.
func (s *Store) Record(feedKey, aggregator string, count int) {
	if feedKey == "" || len(feedKey) > MaxFeedKeyBytes || strings.IndexByte(feedKey, 0) >= 0 {
		return
	}
	if !isKnown(aggregator) {
		aggregator = Other
	}
	count = min(max(count, 0), MaxCount)
	now := s.now().UnixMilli()

	s.mu.Lock()
	defer s.mu.Unlock()
	fe := s.touch(feedKey)
	e := fe.entry(aggregator)
	changed := e.at == 0 || e.count != count
	e.count, e.at = count, now
	fe.updated = max(fe.updated, now)
	if s.opts.Redis == nil || !changed && now-e.written < s.opts.RewriteAfter.Milliseconds() {
		return
	}
	field := feedKey + "\x00" + aggregator
	if _, queued := s.pending[field]; queued || len(s.pending) < s.opts.MaxPending {
		s.pending[field] = pending{count: count, at: now}
		e.written = now
	}
}

// touch returns the entry of key, made the most recently updated, adding
// it (and evicting the least recently updated beyond MaxFeeds) if new.
// The caller holds s.mu.
func (s *Store) touch(key string) *feedEntry {
	if el, ok := s.feeds[key]; ok {
		s.lru.MoveToFront(el)
		return el.Value.(*feedEntry)
	}
	fe := &feedEntry{key: key}
	s.feeds[key] = s.lru.PushFront(fe)
	for s.lru.Len() > s.opts.MaxFeeds {
		s.remove(s.lru.Back())
	}
	return fe
}

// remove drops a feed. The caller holds s.mu.
func (s *Store) remove(el *list.Element) {
	delete(s.feeds, el.Value.(*feedEntry).key)
	s.lru.Remove(el)
}

// entry returns the feed's entry for aggregator, adding an empty one.
func (fe *feedEntry) entry(aggregator string) *entry {
	for i := range fe.counts {
		if fe.counts[i].aggregator == aggregator {
			return &fe.counts[i]
		}
	}
	fe.counts = append(fe.counts, entry{aggregator: aggregator})
	return &fe.counts[len(fe.counts)-1]
}

// isKnown reports whether name is one of Aggregators.
func isKnown(name string) bool {
	switch name {
	case "feedly", "inoreader", "newsblur", "feedbin", "theoldreader", "bazqux",
		"feedspot", "netvibes", "bloglovin", "digg", "superfeedr", "feedwrangler",
		"overcast", "google", Other:
		return true
	}
	return false
}
