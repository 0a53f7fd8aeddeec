// Package cache stores rendered documents as bytes under string keys in two
// tiers: a bounded in-process LRU (Memory) in front of an optional shared
// Redis (Redis), composed by Tiered, which renders each key at most once at a
// time across goroutines and, through a short Redis lock, across processes.
//
// The package knows nothing of feeds, HTTP or metrics: it reports what
// happens through an Observer that the caller adapts to its metrics.
package cache

import "errors"

// Tier names passed to Observer methods.
const (
	TierMemory = "memory"
	TierRedis  = "redis"
)

// Results passed to Observer.Request.
const (
	// ResultHit means the tier held the key.
	ResultHit = "hit"
	// ResultMiss means the tier answered and did not hold the key.
	ResultMiss = "miss"
	// ResultError means a Redis command (read, write or lock) failed.
	ResultError = "error"
	// ResultSkip means a Redis read was not attempted because the
	// circuit breaker is open.
	ResultSkip = "skip"
)

// ErrMiss is returned by Get when the tier does not hold the key.
var ErrMiss = errors.New("cache: miss")

// ErrUnavailable is returned by Redis operations skipped because the
// circuit breaker is open (or the tier is closed).
var ErrUnavailable = errors.New("cache: redis unavailable")

// Observer receives cache events. Methods are called synchronously, some
// while a lock is held: they must be fast and must not call back into the
// cache. Implementations must be safe for concurrent use.
type Observer interface {
	// Request counts one lookup (or, for result ResultError, one failed
	// Redis command of any kind) in tier.
	Request(tier, result string)
	// Bytes reports the bytes currently held by tier (only TierMemory;
	// it is a gauge, not a counter).
	Bytes(tier string, n int64)
	// RedisUp reports whether Redis commands succeed: false at
	// construction, true once a command has succeeded, false when the
	// circuit breaker opens, true when it closes again.
	RedisUp(up bool)
}

// NopObserver is an Observer that ignores every event.
type NopObserver struct{}

// Request implements Observer.
func (NopObserver) Request(string, string) {}

// Bytes implements Observer.
func (NopObserver) Bytes(string, int64) {}

// RedisUp implements Observer.
func (NopObserver) RedisUp(bool) {}
