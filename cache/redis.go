package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisOptions configures Redis. Zero fields take the defaults shown.
type RedisOptions struct {
	// TTL of every value written (24h).
	TTL time.Duration
	// Timeout bounds each Redis command (DefaultRedisTimeout, 50ms).
	Timeout time.Duration
	// BreakerFailures is how many consecutive failed commands open the
	// circuit breaker (5).
	BreakerFailures int
	// BreakerCooldown is how long the breaker stays open before letting
	// one probe through (5s).
	BreakerCooldown time.Duration
	// MaxPendingWrites bounds asynchronous writes in flight; more are
	// dropped (64).
	MaxPendingWrites int
	// Logger receives rate-limited error lines and breaker transitions
	// (discarded when nil).
	Logger *slog.Logger
	// LogInterval is the least time between two error lines (10s).
	LogInterval time.Duration
	// Observer receives events (NopObserver when nil).
	Observer Observer
	// Now is the clock of the breaker and the log limiter (time.Now).
	Now func() time.Time
}

// RedisStats counts what Redis did since it was created.
type RedisStats struct {
	// Errors is the number of failed commands.
	Errors int64
	// Skipped is the number of commands not sent because the breaker
	// was open.
	Skipped int64
	// Writes is the number of values written.
	Writes int64
	// Dropped is the number of asynchronous writes (and lock releases)
	// not started because MaxPendingWrites were in flight, the breaker
	// was open or the tier was closed.
	Dropped int64
}

// unlockScript deletes a lock only if it still holds the caller's token.
const unlockScript = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`

// Redis is the shared cache tier: values with a TTL in Redis, commands
// bounded by a short timeout and guarded by a circuit breaker, errors
// counted and logged at a bounded rate. It is safe for concurrent use.
type Redis struct {
	client redis.UniversalClient
	opts   RedisOptions
	br     *breaker
	log    *rateLog
	unlock *redis.Script

	mu      sync.Mutex
	cond    *sync.Cond // signalled when pending drops to zero
	pending int
	closed  bool

	errs, skipped, writes, dropped atomic.Int64
}

// NewRedis returns a Redis tier over client, which the caller owns and
// closes after Close.
func NewRedis(client redis.UniversalClient, opts RedisOptions) *Redis {
	if opts.TTL <= 0 {
		opts.TTL = 24 * time.Hour
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultRedisTimeout
	}
	if opts.BreakerFailures <= 0 {
		opts.BreakerFailures = 5
	}
	if opts.BreakerCooldown <= 0 {
		opts.BreakerCooldown = 5 * time.Second
	}
	if opts.MaxPendingWrites <= 0 {
		opts.MaxPendingWrites = 64
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.LogInterval <= 0 {
		opts.LogInterval = 10 * time.Second
	}
	if opts.Observer == nil {
		opts.Observer = NopObserver{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Redis{
		client: client,
		opts:   opts,
		log:    &rateLog{log: opts.Logger, now: opts.Now, every: opts.LogInterval},
		unlock: redis.NewScript(unlockScript),
	}
	r.cond = sync.NewCond(&r.mu)
	r.br = &breaker{
		now:       opts.Now,
		threshold: opts.BreakerFailures,
		cooldown:  opts.BreakerCooldown,
		onChange: func(up bool) {
			opts.Observer.RedisUp(up)
			if up {
				opts.Logger.Info("cache: redis reachable again, circuit breaker closed")
			} else {
				opts.Logger.Warn("cache: redis failing, circuit breaker open",
					slog.Int("failures", opts.BreakerFailures),
					slog.Duration("cooldown", opts.BreakerCooldown))
			}
		},
	}
	opts.Observer.RedisUp(false) // until a command succeeds
	return r
}

// Get returns the value stored under key, ErrMiss when Redis does not
// hold it, ErrUnavailable when the breaker is open, or the command's error.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, error) {
	val, err := r.get(ctx, key)
	switch {
	case err == nil:
		r.opts.Observer.Request(TierRedis, ResultHit)
	case errors.Is(err, ErrMiss):
		r.opts.Observer.Request(TierRedis, ResultMiss)
	case errors.Is(err, ErrUnavailable):
		r.opts.Observer.Request(TierRedis, ResultSkip)
	}
	return val, err
}

// get is Get without counting hits and misses.
func (r *Redis) get(ctx context.Context, key string) ([]byte, error) {
	var val []byte
	err := r.do(ctx, "get", func(ctx context.Context) error {
		var err error
		val, err = r.client.Get(ctx, key).Bytes()
		return err
	})
	if errors.Is(err, redis.Nil) {
		return nil, ErrMiss
	}
	return val, err
}

// Set stores val under key with the TTL, waiting for Redis to answer.
func (r *Redis) Set(ctx context.Context, key string, val []byte) error {
	err := r.do(ctx, "set", func(ctx context.Context) error {
		return r.client.Set(ctx, key, val, r.opts.TTL).Err()
	})
	if err == nil {
		r.writes.Add(1)
	}
	return err
}

// SetAsync stores val under key in the background and reports whether the
// write was started; it is dropped when MaxPendingWrites are in flight, the
// breaker is open or the tier is closed. val must not be modified after.
func (r *Redis) SetAsync(key string, val []byte) bool {
	return r.async(func(ctx context.Context) { _ = r.Set(ctx, key, val) })
}

// async runs job in the background within the write bound.
func (r *Redis) async(job func(ctx context.Context)) bool {
	if r.br.isOpen() {
		r.dropped.Add(1)
		return false
	}
	r.mu.Lock()
	if r.closed || r.pending >= r.opts.MaxPendingWrites {
		r.mu.Unlock()
		r.dropped.Add(1)
		return false
	}
	r.pending++
	r.mu.Unlock()
	go func() {
		defer r.done()
		job(context.Background())
	}()
	return true
}

// done marks one background job finished.
func (r *Redis) done() {
	r.mu.Lock()
	r.pending--
	if r.pending == 0 {
		r.cond.Broadcast()
	}
	r.mu.Unlock()
}

// Wait blocks until no background write is in flight.
func (r *Redis) Wait() {
	r.mu.Lock()
	for r.pending > 0 {
		r.cond.Wait()
	}
	r.mu.Unlock()
}

// Close stops accepting background writes and waits for those in flight
// (each bounded by Timeout). It does not close the client.
func (r *Redis) Close() error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.Wait()
	return nil
}

// Up reports whether commands succeed: a command has succeeded and the
// circuit breaker is closed.
func (r *Redis) Up() bool { return r.br.up() }

// Ping sends one PING through the circuit breaker, as any command.
func (r *Redis) Ping(ctx context.Context) error {
	return r.do(ctx, "ping", func(ctx context.Context) error { return r.client.Ping(ctx).Err() })
}

// Watch pings Redis now and then every interval until ctx is done, so that
// Up and the Observer follow Redis even when no request needs it: every
// document in memory, or Redis refusing every command from the start.
func (r *Redis) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_ = r.Ping(ctx) // counted and logged by do
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Stats returns the counters so far.
func (r *Redis) Stats() RedisStats {
	return RedisStats{
		Errors:  r.errs.Load(),
		Skipped: r.skipped.Load(),
		Writes:  r.writes.Load(),
		Dropped: r.dropped.Load(),
	}
}

// lock tries to take the lock of key for ttl with token.
func (r *Redis) lock(ctx context.Context, key, token string, ttl time.Duration) (bool, error) {
	var ok bool
	err := r.do(ctx, "lock", func(ctx context.Context) error {
		var err error
		ok, err = r.client.SetNX(ctx, key+":lock", token, ttl).Result()
		return err
	})
	return ok, err
}

// release deletes the lock of key if it still holds token.
func (r *Redis) release(ctx context.Context, key, token string) error {
	return r.do(ctx, "unlock", func(ctx context.Context) error {
		return r.unlock.Run(ctx, r.client, []string{key + ":lock"}, token).Err()
	})
}

// The probe of a half-open breaker waits probeTimeoutFactor times the
// command timeout, and at least minProbeTimeout.
const (
	probeTimeoutFactor = 10
	minProbeTimeout    = 500 * time.Millisecond
)

// do runs one command through the breaker with the command timeout,
// recording its outcome.
func (r *Redis) do(ctx context.Context, op string, cmd func(ctx context.Context) error) error {
	ok, probe := r.br.allowProbe()
	if !ok {
		r.skipped.Add(1)
		return ErrUnavailable
	}
	timeout := r.opts.Timeout
	if probe {
		// One call per cooldown: it may wait longer, so that a Redis that is
		// back is seen as back even on a busy machine, where a short
		// timeout would keep the breaker open for good.
		timeout = max(probeTimeoutFactor*timeout, minProbeTimeout)
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	err := cmd(cctx)
	cancel()
	switch {
	case err == nil || errors.Is(err, redis.Nil):
		r.br.success()
		return err
	case ctx.Err() != nil:
		// The caller gave up: says nothing about Redis.
		r.br.release()
		return fmt.Errorf("cache: redis %s: %w", op, ctx.Err())
	}
	r.br.failure()
	r.errs.Add(1)
	r.opts.Observer.Request(TierRedis, ResultError)
	r.log.error("cache: redis command failed", err, slog.String("op", op))
	return fmt.Errorf("cache: redis %s: %w", op, err)
}
