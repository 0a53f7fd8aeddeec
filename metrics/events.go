package metrics

import (
	"time"
)

// formats are the document formats a render may be labelled with.
func formats() []string { return []string{"rss", "atom", "json", "opml", "html"} }

// feedKinds are the kinds of feed a snapshot holds.
func feedKinds() []string { return []string{"site", "category", "tag"} }

// CacheRequest counts one cache lookup in tier (TierMemory or TierRedis)
// with result ResultHit, ResultMiss, ResultError or ResultSkip (Redis skipped
// while its circuit breaker is open).
func (m *Metrics) CacheRequest(tier, result string) {
	if c, ok := m.cacheCounters[cacheKey{tier, result}]; ok {
		c.Inc() // every request takes a lookup: no label hashing for the known pairs
		return
	}
	m.cacheRequests.WithLabelValues(
		oneOf(tier, TierMemory, TierRedis),
		oneOf(result, ResultHit, ResultMiss, ResultError, ResultSkip),
	).Inc()
}

// cacheKey names one series of feedwire_cache_requests_total.
type cacheKey struct{ tier, result string }

// SetCacheBytes records that tier now holds n bytes. Only TierMemory is
// recorded: what one replica wrote says little of what a shared Redis
// holds, which the Redis server reports itself (INFO memory, or
// redis_exporter's redis_memory_used_bytes).
func (m *Metrics) SetCacheBytes(tier string, n int64) {
	if tier != TierMemory {
		return
	}
	m.cacheBytes.WithLabelValues(TierMemory).Set(float64(n))
}

// ObserveRender counts one rendered document in format ("rss", "atom",
// "json", "opml" or "html") and records how long it took.
func (m *Metrics) ObserveRender(format string, d time.Duration) {
	format = oneOf(format, formats()...)
	m.renders.WithLabelValues(format).Inc()
	m.renderDuration.WithLabelValues(format).Observe(d.Seconds())
}

// SetRedisUp records whether Redis commands succeed.
func (m *Metrics) SetRedisUp(up bool) {
	m.redisUp.Set(boolFloat(up))
}

// SnapshotLoaded records a newly served snapshot: its number of posts, the
// number of problems its load reported, its feeds by kind ("site",
// "category", "tag"; other keys are summed under Other), how long the load
// took and when it finished.
func (m *Metrics) SnapshotLoaded(posts, problems int, feedsByKind map[string]int, d time.Duration, at time.Time) {
	m.posts.Set(float64(posts))
	m.postProblems.Set(float64(problems))
	other, hasOther := 0, false
	for kind, n := range feedsByKind {
		if oneOf(kind, feedKinds()...) == Other {
			other += n
			hasOther = true
		}
	}
	for _, kind := range feedKinds() {
		m.feeds.WithLabelValues(kind).Set(float64(feedsByKind[kind]))
	}
	if hasOther {
		m.feeds.WithLabelValues(Other).Set(float64(other))
	}
	m.snapshotLoad.Set(d.Seconds())
	m.snapshotLoadedTime.Set(float64(at.UnixNano()) / 1e9)
}

// ObserveReload counts one snapshot reload with result ResultOK,
// ResultUnchanged or ResultError, and records how long it took.
func (m *Metrics) ObserveReload(result string, d time.Duration) {
	m.reloads.WithLabelValues(oneOf(result, ResultOK, ResultUnchanged, ResultError)).Inc()
	m.reloadDuration.Observe(d.Seconds())
}

// WebSubPing counts one notification sent to the WebSub hub, with result
// ResultOK or ResultError, or one feed URL dropped from the full queue
// (ResultDropped).
func (m *Metrics) WebSubPing(result string) {
	m.websubPings.WithLabelValues(oneOf(result, ResultOK, ResultError, ResultDropped)).Inc()
}

// SetWebSubQueueLength records how many hub notifications are waiting.
func (m *Metrics) SetWebSubQueueLength(n int) {
	m.websubQueue.Set(float64(n))
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
