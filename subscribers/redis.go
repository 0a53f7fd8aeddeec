package subscribers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RedisKey is the Redis hash holding every replica's counts: field
// "<feed key>\x00<aggregator>", value "<count>:<Unix milliseconds seen>".
// One key keeps a merge to one HSCAN and every script on one Cluster slot.
const RedisKey = "feedwire:v1:subscribers"

// Batch sizes of Redis commands.
const (
	writeBatch = 256  // fields per write script
	scanCount  = 1000 // HSCAN COUNT hint
	pruneBatch = 256  // fields per prune script
)

// writeScript sets each field (ARGV: field, count, at, ...) unless Redis
// holds a count seen later, so a slow replica never overwrites a newer
// count with an older one.
const writeScript = `
local n = 0
for i = 1, #ARGV, 3 do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  local oldAt = (old and tonumber(string.match(old, ':(%d+)$'))) or -1
  if oldAt < tonumber(ARGV[i+2]) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i+1] .. ':' .. ARGV[i+2])
    n = n + 1
  end
end
return n`

// pruneScript deletes each field (ARGV[2:]) still seen no later than
// ARGV[1], leaving one another replica renewed since it was read.
const pruneScript = `
local n = 0
for i = 2, #ARGV do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  local oldAt = (old and tonumber(string.match(old, ':(%d+)$'))) or -1
  if oldAt <= tonumber(ARGV[1]) then
    n = n + redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return n`

// finalFlushTimeout bounds the last write Run makes when it stops.
const finalFlushTimeout = time.Second

// exportRefreshTimeout bounds the merge from Redis before each export.
const exportRefreshTimeout = 2 * time.Second

// Run writes queued counts to Redis every FlushInterval and exports the
// totals every ExportInterval until ctx is done, then writes once more
// within finalFlushTimeout. With neither Redis nor Export it returns at
// once.
func (s *Store) Run(ctx context.Context) {
	if s.opts.Redis == nil && s.opts.Export == nil {
		return
	}
	var flush, export <-chan time.Time
	if s.opts.Redis != nil {
		t := time.NewTicker(s.opts.FlushInterval)
		defer t.Stop()
		flush = t.C
	}
	if s.opts.Export != nil {
		t := time.NewTicker(s.opts.ExportInterval)
		defer t.Stop()
		export = t.C
	}
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finalFlushTimeout)
			_ = s.Flush(fctx) // logged by Flush
			cancel()
			return
		case <-flush:
			_ = s.Flush(ctx)
		case <-export:
			rctx, cancel := context.WithTimeout(ctx, exportRefreshTimeout)
			_ = s.Refresh(rctx) // logged by the store
			cancel()
			s.opts.Export(s.Totals())
		}
	}
}

// Flush writes the queued counts to Redis now. On failure the writes stay
// queued, as room allows, for the next flush.
func (s *Store) Flush(ctx context.Context) error {
	if s.opts.Redis == nil {
		return nil
	}
	s.mu.Lock()
	batch := s.pending
	s.pending = make(map[string]pending, len(batch))
	s.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	fields := make([]string, 0, len(batch))
	for f := range batch {
		fields = append(fields, f)
	}
	for start := 0; start < len(fields); start += writeBatch {
		chunk := fields[start:min(start+writeBatch, len(fields))]
		args := make([]any, 0, 3*len(chunk))
		for _, f := range chunk {
			args = append(args, f, batch[f].count, batch[f].at)
		}
		cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
		err := s.write.Run(cctx, s.opts.Redis, []string{RedisKey}, args...).Err()
		cancel()
		if err != nil {
			s.requeue(fields[start:], batch)
			return s.fail("write", err)
		}
	}
	return nil
}

// requeue puts back writes that failed unless a newer one was queued.
func (s *Store) requeue(fields []string, batch map[string]pending) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fields {
		if _, newer := s.pending[f]; !newer && len(s.pending) < s.opts.MaxPending {
			s.pending[f] = batch[f]
		}
	}
}

// Refresh drops counts older than MaxAge and, with Redis, merges the
// counts other replicas wrote: a count seen later than the one in memory
// replaces it. It reads at most 4×MaxFeeds fields and deletes those older
// than MaxAge. Another Refresh already running makes it return at once.
func (s *Store) Refresh(ctx context.Context) error {
	s.dropOld()
	if s.opts.Redis == nil || !s.refreshing.TryLock() {
		return nil
	}
	defer s.refreshing.Unlock()
	cutoff := s.cutoff()
	var stale []string
	var cursor uint64
	for scanned := 0; ; {
		cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
		kv, next, err := s.opts.Redis.HScan(cctx, RedisKey, cursor, "", scanCount).Result()
		cancel()
		if err != nil {
			return s.fail("read", err)
		}
		stale = s.merge(kv, cutoff, stale)
		scanned += len(kv) / 2
		if cursor = next; cursor == 0 || scanned >= 4*s.opts.MaxFeeds {
			break
		}
	}
	s.mu.Lock()
	s.lastRefresh = s.now()
	s.mu.Unlock()
	for start := 0; start < len(stale); start += pruneBatch {
		chunk := stale[start:min(start+pruneBatch, len(stale))]
		args := append(make([]any, 0, len(chunk)+1), cutoff)
		for _, f := range chunk {
			args = append(args, f)
		}
		cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
		err := s.prune.Run(cctx, s.opts.Redis, []string{RedisKey}, args...).Err()
		cancel()
		if err != nil {
			return s.fail("prune", err)
		}
	}
	return nil
}

// merge takes one HSCAN page (field, value, ...) into memory and returns
// stale with the fields older than cutoff appended (at most MaxPending).
// Malformed fields are skipped.
func (s *Store) merge(kv []string, cutoff int64, stale []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i+1 < len(kv); i += 2 {
		feed, agg, ok := strings.Cut(kv[i], "\x00")
		count, at, ok2 := parseValue(kv[i+1])
		if !ok || !ok2 || !isKnown(agg) || feed == "" || len(feed) > MaxFeedKeyBytes {
			continue
		}
		if at <= cutoff {
			if len(stale) < s.opts.MaxPending {
				stale = append(stale, kv[i])
			}
			continue
		}
		s.mergeOne(feed, agg, count, at)
	}
	return stale
}

// mergeOne takes a count another replica saw at at, unless memory holds a
// later one, or the feed is new, memory full and the count older than the
// least recently updated feed. The caller holds s.mu.
func (s *Store) mergeOne(feed, agg string, count int, at int64) {
	var fe *feedEntry
	if el, ok := s.feeds[feed]; ok {
		fe = el.Value.(*feedEntry)
	} else {
		if s.lru.Len() >= s.opts.MaxFeeds && s.lru.Back().Value.(*feedEntry).updated >= at {
			return
		}
		fe = s.touch(feed)
	}
	e := fe.entry(agg)
	if e.at >= at {
		return
	}
	e.count, e.at, e.written = count, at, at
	fe.updated = max(fe.updated, at)
}

// parseValue reads "<count>:<at>".
func parseValue(v string) (count int, at int64, ok bool) {
	c, a, found := strings.Cut(v, ":")
	if !found {
		return 0, 0, false
	}
	n, err := strconv.Atoi(c)
	if err != nil || n < 0 || n > MaxCount {
		return 0, 0, false
	}
	at, err = strconv.ParseInt(a, 10, 64)
	if err != nil || at <= 0 {
		return 0, 0, false
	}
	return n, at, true
}

// fail logs a Redis failure at most once per defaultErrorLogPeriod and
// returns it wrapped.
func (s *Store) fail(op string, err error) error {
	err = fmt.Errorf("subscribers: redis %s: %w", op, err)
	now := s.now()
	s.mu.Lock()
	quiet := now.Sub(s.lastErrLog) < defaultErrorLogPeriod
	if !quiet {
		s.lastErrLog = now
	}
	s.mu.Unlock()
	if !quiet {
		s.log.Warn("subscriber counts: redis unavailable; serving counts from memory", "err", err)
	}
	return err
}
