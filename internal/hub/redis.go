package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keys. The queue's keys share one hash tag, so that the script
// moving due jobs works on a Redis Cluster too.
const (
	keyPrefix   = "feedwire:hub:"
	keyTopics   = keyPrefix + "topics"        // set of topics with subscriptions
	keySubs     = keyPrefix + "subs:"         // + topic: hash callback → subscription
	keyHost     = keyPrefix + "host:"         // + host: hash topic\ncallback → 1
	keyStream   = keyPrefix + "{queue}:jobs"  // stream of jobs, one field "job"
	keyDelayed  = keyPrefix + "{queue}:later" // sorted set of jobs by due time, ms
	keyMark     = keyPrefix + "mark:"         // + key: First's marks
	keyContent  = keyPrefix + "content:"      // + key: stored content
	keyPending  = keyPrefix + "pending"       // verifications waiting
	group       = "hub"                       // the consumer group every replica reads in
	moveBatch   = 256                         // due jobs moved per script run
	pendingLife = time.Hour                   // a crashed replica's pending count fades
)

// moveDue moves the jobs of KEYS[1] due at ARGV[1] to the stream KEYS[2],
// at most ARGV[2] of them, atomically: each is moved by one replica.
var moveDue = redis.NewScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, m in ipairs(due) do
  redis.call('ZREM', KEYS[1], m)
  redis.call('XADD', KEYS[2], '*', 'job', m)
end
return #due`)

// Redis is a Store shared by every replica: subscriptions in hashes, the
// queue in a Redis stream read by one consumer group, so that each job goes
// to one replica, and a job a replica took but never acknowledged (it
// died) goes to another after ClaimIdle.
type Redis struct {
	client    redis.UniversalClient
	consumer  string
	claimIdle time.Duration

	mu        sync.Mutex
	grouped   bool // the consumer group exists
	lastClaim time.Time
}

// NewRedis returns a store in client's Redis. consumer names this
// replica in the consumer group; jobs another consumer took and left
// unacknowledged for claimIdle are taken over.
func NewRedis(client redis.UniversalClient, consumer string, claimIdle time.Duration) *Redis {
	return &Redis{client: client, consumer: consumer, claimIdle: claimIdle}
}

func subKey(topic string) string { return keySubs + topic }

func hostField(topic, callback string) string { return topic + "\n" + callback }

func (r *Redis) Save(ctx context.Context, s Subscription) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	// Not a transaction: the keys may live on different Cluster shards.
	_, err = r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, subKey(s.Topic), s.Callback, b)
		p.SAdd(ctx, keyTopics, s.Topic)
		p.HSet(ctx, keyHost+callbackHost(s.Callback), hostField(s.Topic, s.Callback), 1)
		return nil
	})
	return wrap("save subscription", err)
}

func (r *Redis) Remove(ctx context.Context, topic, callback string) error {
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HDel(ctx, subKey(topic), callback)
		p.HDel(ctx, keyHost+callbackHost(callback), hostField(topic, callback))
		return nil
	})
	return wrap("remove subscription", err)
}

func (r *Redis) Lookup(ctx context.Context, topic, callback string) (Subscription, error) {
	b, err := r.client.HGet(ctx, subKey(topic), callback).Bytes()
	if errors.Is(err, redis.Nil) {
		return Subscription{}, ErrNotFound
	}
	if err != nil {
		return Subscription{}, wrap("lookup subscription", err)
	}
	var s Subscription
	if err := json.Unmarshal(b, &s); err != nil {
		return Subscription{}, fmt.Errorf("hub: subscription of %s: %w", callback, err)
	}
	return s, nil
}

func (r *Redis) Active(ctx context.Context, topic string, now time.Time) ([]Subscription, error) {
	all, err := r.client.HGetAll(ctx, subKey(topic)).Result()
	if err != nil {
		return nil, wrap("list subscriptions", err)
	}
	var out []Subscription
	for cb, v := range all {
		var s Subscription
		if json.Unmarshal([]byte(v), &s) != nil || !s.Expires.After(now) {
			if err := r.Remove(ctx, topic, cb); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

func (r *Redis) Subscribed(ctx context.Context, topics []string) (map[string]bool, error) {
	cmds := make([]*redis.IntCmd, len(topics))
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, t := range topics {
			cmds[i] = p.Exists(ctx, subKey(t))
		}
		return nil
	})
	if err != nil {
		return nil, wrap("find subscribed topics", err)
	}
	out := map[string]bool{}
	for i, c := range cmds {
		if c.Val() > 0 {
			out[topics[i]] = true
		}
	}
	return out, nil
}

func (r *Redis) Hosts(ctx context.Context, host string) (int, error) {
	n, err := r.client.HLen(ctx, keyHost+host).Result()
	return int(n), wrap("count host subscriptions", err)
}

func (r *Redis) Counts(ctx context.Context, now time.Time) (map[string]int, error) {
	topics, err := r.client.SMembers(ctx, keyTopics).Result()
	if err != nil {
		return nil, wrap("list topics", err)
	}
	out := map[string]int{}
	for _, t := range topics {
		subs, err := r.Active(ctx, t, now)
		if err != nil {
			return nil, err
		}
		if len(subs) == 0 {
			r.client.SRem(ctx, keyTopics, t)
			continue
		}
		out[t] = len(subs)
	}
	return out, nil
}

func (r *Redis) First(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := r.client.SetNX(ctx, keyMark+key, 1, ttl).Result()
	return ok, wrap("mark change", err)
}

func (r *Redis) PutContent(ctx context.Context, key string, c Content, ttl time.Duration) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	return wrap("store content", r.client.Set(ctx, keyContent+key, b, ttl).Err())
}

func (r *Redis) Content(ctx context.Context, key string) (Content, error) {
	b, err := r.client.Get(ctx, keyContent+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return Content{}, ErrNotFound
	}
	if err != nil {
		return Content{}, wrap("read content", err)
	}
	var c Content
	if err := json.Unmarshal(b, &c); err != nil {
		return Content{}, fmt.Errorf("hub: content %s: %w", key, err)
	}
	return c, nil
}

func (r *Redis) Pending(ctx context.Context, delta int) (int, error) {
	var n *redis.IntCmd
	_, err := r.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		n = p.IncrBy(ctx, keyPending, int64(delta))
		p.Expire(ctx, keyPending, pendingLife)
		return nil
	})
	if err != nil {
		return 0, wrap("count pending verifications", err)
	}
	if n.Val() < 0 {
		r.client.Set(ctx, keyPending, 0, pendingLife)
		return 0, nil
	}
	return int(n.Val()), nil
}

// wrap names the package and the operation of a Redis error.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("hub: redis %s: %w", op, err)
}
