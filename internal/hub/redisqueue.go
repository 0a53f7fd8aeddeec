package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// enqueueBatch bounds the jobs added per pipeline.
const enqueueBatch = 512

func (r *Redis) Enqueue(ctx context.Context, jobs []Job) error {
	for len(jobs) > 0 {
		n := min(len(jobs), enqueueBatch)
		_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, j := range jobs[:n] {
				b, err := json.Marshal(j)
				if err != nil {
					return err
				}
				p.XAdd(ctx, &redis.XAddArgs{Stream: keyStream, Values: []any{"job", b}})
			}
			return nil
		})
		if err != nil {
			return wrap("enqueue", err)
		}
		jobs = jobs[n:]
	}
	return nil
}

func (r *Redis) Later(ctx context.Context, job Job, at time.Time) error {
	b, err := json.Marshal(job)
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	if err := r.client.ZAdd(ctx, keyDelayed, redis.Z{Score: float64(at.UnixMilli()), Member: b}).Err(); err != nil {
		return wrap("schedule retry", err)
	}
	return r.Ack(ctx, job)
}

// ensureGroup creates the stream and its consumer group once; reading from
// the start, so that jobs added before any replica ran are not missed.
func (r *Redis) ensureGroup(ctx context.Context) error {
	err := r.client.XGroupCreateMkStream(ctx, keyStream, group, "0").Err()
	if err != nil && !isBusyGroup(err) {
		return wrap("create consumer group", err)
	}
	return nil
}

func isBusyGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "BUSYGROUP") }

func isNoGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

// group makes sure the consumer group exists, creating it once.
func (r *Redis) group(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.grouped {
		return nil
	}
	if err := r.ensureGroup(ctx); err != nil {
		return err
	}
	r.grouped = true
	return nil
}

func (r *Redis) Claim(ctx context.Context, n int, now time.Time) ([]Job, error) {
	if err := r.group(ctx); err != nil {
		return nil, err
	}
	if err := moveDue.Run(ctx, r.client, []string{keyDelayed, keyStream}, now.UnixMilli(), moveBatch).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return nil, wrap("move due jobs", err)
	}
	if jobs, err := r.reclaim(ctx, n); err != nil || len(jobs) > 0 {
		return jobs, err
	}
	streams, err := r.client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: r.consumer, Streams: []string{keyStream, ">"}, Count: int64(n), Block: claimWait,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		if isNoGroup(err) { // the stream was deleted: create it again
			r.mu.Lock()
			r.grouped = false
			r.mu.Unlock()
		}
		return nil, wrap("read queue", err)
	}
	var out []Job
	for _, s := range streams {
		out = append(out, r.decode(ctx, s.Messages)...)
	}
	return out, nil
}

// reclaim takes over, at most once a second, jobs other consumers took
// and left unacknowledged for claimIdle.
func (r *Redis) reclaim(ctx context.Context, n int) ([]Job, error) {
	r.mu.Lock()
	if time.Since(r.lastClaim) < time.Second {
		r.mu.Unlock()
		return nil, nil
	}
	r.lastClaim = time.Now()
	r.mu.Unlock()
	msgs, _, err := r.client.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: keyStream, Group: group, Consumer: r.consumer, MinIdle: r.claimIdle, Start: "0-0", Count: int64(n),
	}).Result()
	if err != nil {
		return nil, wrap("reclaim jobs", err)
	}
	return r.decode(ctx, msgs), nil
}

// decode reads jobs from stream messages; one that does not parse is
// acknowledged and dropped.
func (r *Redis) decode(ctx context.Context, msgs []redis.XMessage) []Job {
	var out []Job
	for _, m := range msgs {
		var j Job
		s, _ := m.Values["job"].(string)
		if err := json.Unmarshal([]byte(s), &j); err != nil {
			r.Ack(ctx, Job{ID: m.ID})
			continue
		}
		j.ID = m.ID
		out = append(out, j)
	}
	return out
}

func (r *Redis) Ack(ctx context.Context, job Job) error {
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, keyStream, group, job.ID)
		p.XDel(ctx, keyStream, job.ID)
		return nil
	})
	return wrap("acknowledge job", err)
}
