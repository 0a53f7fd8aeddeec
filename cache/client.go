package cache

import (
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisTimeout is the dial, read and write timeout used when
// NewRedisClient is given zero, and the per-command bound of Redis.
const DefaultRedisTimeout = 50 * time.Millisecond

// Pool settings of NewRedisClient: a few connections per node suffice for
// small GETs and SETs with short timeouts.
const (
	poolSize        = 16
	maxIdleConns    = 8
	connMaxIdleTime = 5 * time.Minute
)

// NewRedisClient returns a go-redis client for FEEDWIRE_REDIS_URL-style
// settings. A non-empty url (redis:// or rediss://, password and database
// in the URL) gives a single-node client; otherwise addrs gives a Redis
// Cluster client when it holds several addresses, a Sentinel-backed client
// when masterName is set, and a single-node client for one address.
// The client fails fast: timeout (DefaultRedisTimeout when zero) bounds
// dialling, reading and writing, commands are not retried and the pool is
// small. The caller closes the client.
func NewRedisClient(url string, addrs []string, masterName string, timeout time.Duration) (redis.UniversalClient, error) {
	if timeout <= 0 {
		timeout = DefaultRedisTimeout
	}
	if url != "" {
		if len(addrs) > 0 {
			return nil, errors.New("cache: redis: set a URL or addresses, not both")
		}
		o, err := redis.ParseURL(url)
		if err != nil {
			return nil, fmt.Errorf("cache: redis: parse URL: %w", err)
		}
		o.DialTimeout = dialTimeout(timeout)
		o.ReadTimeout = timeout
		o.WriteTimeout = timeout
		o.PoolTimeout = timeout
		o.ContextTimeoutEnabled = true
		o.MaxRetries = -1 // no retries: the breaker and local rendering cover failures
		o.DialerRetries = 1
		o.PoolSize = poolSize
		o.MaxIdleConns = maxIdleConns
		o.ConnMaxIdleTime = connMaxIdleTime
		return redis.NewClient(o), nil
	}
	if len(addrs) == 0 {
		return nil, errors.New("cache: redis: no URL and no addresses")
	}
	for _, a := range addrs {
		if a == "" {
			return nil, errors.New("cache: redis: empty address")
		}
	}
	u := &redis.UniversalOptions{Addrs: addrs, MasterName: masterName}
	failFast(u, timeout)
	return redis.NewUniversalClient(u), nil
}

// dialTimeout bounds dialling. Commands carry their own deadline (the
// command timeout, longer for the breaker's probe), which bounds the dial
// they wait for too; this outer bound only lets a probe's dial take as
// long as the probe may.
func dialTimeout(timeout time.Duration) time.Duration {
	return max(probeTimeoutFactor*timeout, minProbeTimeout)
}

// failFast sets the timeouts and pool settings of an accelerator that is
// never worth waiting for.
func failFast(u *redis.UniversalOptions, timeout time.Duration) {
	u.DialTimeout = dialTimeout(timeout)
	u.ReadTimeout = timeout
	u.WriteTimeout = timeout
	u.PoolTimeout = timeout
	u.ContextTimeoutEnabled = true
	u.MaxRetries = -1
	u.DialerRetries = 1
	u.PoolSize = poolSize
	u.MaxIdleConns = maxIdleConns
	u.ConnMaxIdleTime = connMaxIdleTime
	if len(u.Addrs) > 1 && u.MasterName == "" {
		u.MaxRedirects = 3
	}
}
