package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// TieredOptions configures Tiered. Zero fields take the defaults shown.
type TieredOptions struct {
	// FillTimeout bounds one fill, which runs detached from the caller
	// that started it; it is also the lifetime of the Redis fill lock (10s).
	FillTimeout time.Duration
	// LockWait bounds how long a process that lost the Redis fill lock
	// polls for the winner's value before filling itself (1s).
	LockWait time.Duration
	// PollInterval is the first pause between two polls; it doubles up to
	// 100ms (5ms).
	PollInterval time.Duration
}

// maxPollInterval caps the pause between two polls of a locked key.
const maxPollInterval = 100 * time.Millisecond

// ErrFillPanic wraps the value of a fill function that panicked.
var ErrFillPanic = errors.New("cache: fill panicked")

// Tiered is a Memory in front of an optional Redis. Fetch fills each key
// at most once at a time in this process (singleflight) and, through a
// short lock in Redis, usually once across the processes sharing it.
// It is safe for concurrent use.
type Tiered struct {
	mem    *Memory
	remote *Redis
	opts   TieredOptions
	group  singleflight.Group
	token  string        // prefix of this Tiered's lock tokens
	seq    atomic.Uint64 // makes each lock token unique

	hook func(event, key string) // tests: called at hookLock and hookWait
}

// Events of Tiered.hook.
const (
	hookLock = "lock" // about to try the fill lock of key
	hookWait = "wait" // the fill lock of key is held elsewhere: polling
)

// NewTiered returns a Tiered over mem (a nil mem stores nothing in
// process) and remote (nil when there is no Redis).
func NewTiered(mem *Memory, remote *Redis, opts TieredOptions) *Tiered {
	if mem == nil {
		mem = NewMemory(0, nil)
	}
	if opts.FillTimeout <= 0 {
		opts.FillTimeout = 10 * time.Second
	}
	if opts.LockWait <= 0 {
		opts.LockWait = time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 5 * time.Millisecond
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand docs)
	return &Tiered{mem: mem, remote: remote, opts: opts, token: hex.EncodeToString(b[:])}
}

// Fetch returns the value under key: from memory; else, one caller per key
// at a time, from Redis (then kept in memory), else from fill (then kept
// in memory and written to Redis in the background). fill runs detached
// from ctx, bounded by FillTimeout, so a caller giving up does not fail
// the others waiting for the same key; that caller gets ctx's error.
// A fill error is returned to every caller waiting for it and not cached.
// The returned slice is shared: callers must not modify it.
func (t *Tiered) Fetch(ctx context.Context, key string, fill func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	if val, err := t.mem.Get(key); err == nil {
		return val, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cache: fetch %q: %w", key, err) // gone: start nothing
	}
	ch := t.group.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.opts.FillTimeout)
		defer cancel()
		return t.load(fctx, key, fill)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.([]byte), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("cache: fetch %q: %w", key, ctx.Err())
	}
}

// Cached returns the in-process copy of key without filling it, counting
// a memory hit when there is one. A miss is not counted: the caller goes on
// to Fetch, which counts it.
func (t *Tiered) Cached(key string) ([]byte, bool) {
	return t.mem.hit(key)
}

// Memory returns the in-process tier.
func (t *Tiered) Memory() *Memory { return t.mem }

// Redis returns the shared tier, nil when there is none.
func (t *Tiered) Redis() *Redis { return t.remote }

// Close waits for background Redis writes to finish; see Redis.Close.
func (t *Tiered) Close() error {
	if t.remote == nil {
		return nil
	}
	return t.remote.Close()
}

// load is the body of one singleflight call for key.
func (t *Tiered) load(ctx context.Context, key string, fill func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	if val, ok := t.mem.peek(key); ok {
		return val, nil // filled between the caller's miss and now
	}
	if t.remote == nil {
		return t.fill(ctx, key, fill, "")
	}
	val, err := t.remote.Get(ctx, key)
	if err == nil {
		t.mem.Set(key, val)
		return val, nil
	}
	if !errors.Is(err, ErrMiss) {
		return t.fill(ctx, key, fill, "") // Redis failing: no coordination
	}
	if t.hook != nil {
		t.hook(hookLock, key)
	}
	token := t.token + "-" + strconv.FormatUint(t.seq.Add(1), 10)
	locked, err := t.remote.lock(ctx, key, token, t.opts.FillTimeout)
	switch {
	case err != nil:
		return t.fill(ctx, key, fill, "")
	case locked:
		return t.filled(ctx, key, fill, token)
	}
	if t.hook != nil {
		t.hook(hookWait, key)
	}
	val, token, err = t.await(ctx, key, token)
	if err == nil {
		t.mem.Set(key, val)
		return val, nil
	}
	if token != "" {
		return t.filled(ctx, key, fill, token)
	}
	return t.fill(ctx, key, fill, "")
}

// filled is fill for the holder of the fill lock of key. The lock may
// have been free because its previous holder had just written the value
// and released it: look once more before filling.
func (t *Tiered) filled(ctx context.Context, key string, fill func(ctx context.Context) ([]byte, error), token string) ([]byte, error) {
	val, err := t.remote.get(ctx, key)
	if err == nil {
		t.remote.opts.Observer.Request(TierRedis, ResultHit)
		t.remote.async(func(ctx context.Context) { _ = t.remote.release(ctx, key, token) })
		t.mem.Set(key, val)
		return val, nil
	}
	return t.fill(ctx, key, fill, token)
}

// await polls Redis for the value of key while another process holds its
// fill lock. It returns the value; or, with an error, the token of the
// lock if it took it over ("" if not) so that the caller fills.
func (t *Tiered) await(ctx context.Context, key, token string) ([]byte, string, error) {
	deadline := time.Now().Add(t.opts.LockWait)
	pause := t.opts.PollInterval
	timer := time.NewTimer(pause)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
		case <-ctx.Done():
			return nil, "", ctx.Err()
		}
		val, err := t.remote.get(ctx, key)
		if err == nil {
			t.remote.opts.Observer.Request(TierRedis, ResultHit)
			return val, "", nil
		}
		if !errors.Is(err, ErrMiss) {
			return nil, "", err
		}
		// The holder may have failed and released the lock, or died.
		locked, err := t.remote.lock(ctx, key, token, t.opts.FillTimeout)
		if err != nil {
			return nil, "", err
		}
		if locked {
			return nil, token, ErrMiss
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, "", ErrMiss
		}
		pause = min(2*pause, maxPollInterval, left)
		timer.Reset(pause)
	}
}

// fill runs fill, keeps its value in memory and writes it to Redis in the
// background, then releases the fill lock held with token (if any).
func (t *Tiered) fill(ctx context.Context, key string, fill func(ctx context.Context) ([]byte, error), token string) (val []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			val, err = nil, fmt.Errorf("%w: key %q: %v", ErrFillPanic, key, p)
		}
		if t.remote == nil || token == "" {
			return
		}
		if err != nil {
			t.remote.async(func(ctx context.Context) { _ = t.remote.release(ctx, key, token) })
			return
		}
		t.remote.async(func(ctx context.Context) {
			if t.remote.Set(ctx, key, val) == nil {
				_ = t.remote.release(ctx, key, token)
			}
		})
	}()
	val, err = fill(ctx)
	if err != nil {
		return nil, fmt.Errorf("cache: fill %q: %w", key, err)
	}
	if val == nil {
		val = []byte{}
	}
	t.mem.Set(key, val)
	if t.remote != nil && token == "" {
		t.remote.SetAsync(key, val)
	}
	return val, nil
}
