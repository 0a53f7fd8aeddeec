package hub

import (
	"context"
	"errors"
	"time"
)

// Subscription is one verified subscription: the callback gets every
// change of the topic until Expires.
type Subscription struct {
	Topic    string    `json:"topic"`
	Callback string    `json:"callback"`
	Secret   string    `json:"secret,omitempty"`
	Expires  time.Time `json:"expires"`
}

// Job kinds.
const (
	jobVerify  = "verify"  // confirm a subscriber's intent, then (un)subscribe
	jobDeny    = "deny"    // tell a subscriber its request was denied
	jobFanout  = "fanout"  // expand one change into one delivery per subscriber
	jobDeliver = "deliver" // send one change to one subscriber
)

// Job is one unit of the hub's work queue.
type Job struct {
	ID       string `json:"-"` // assigned by the store that handed it out
	Kind     string `json:"kind"`
	Mode     string `json:"mode,omitempty"`  // verify: subscribe or unsubscribe
	Topic    string `json:"topic"`           // canonical
	Asked    string `json:"asked,omitempty"` // verify: the topic as the subscriber spelled it
	Callback string `json:"callback,omitempty"`
	Secret   string `json:"secret,omitempty"`
	Lease    int    `json:"lease,omitempty"`   // seconds, for a subscribe
	Reason   string `json:"reason,omitempty"`  // deny
	Content  string `json:"content,omitempty"` // key of the stored content
	Since    int64  `json:"since,omitempty"`   // unix ns of the change
	First    int64  `json:"first,omitempty"`   // unix ns of the first delivery attempt
	Attempt  int    `json:"attempt,omitempty"`
}

// Content is what subscribers of a topic get for one change.
type Content struct {
	Body        []byte   `json:"body"`
	ContentType string   `json:"content_type"`
	Links       []string `json:"links"`   // Link header values: hub and self
	Version     string   `json:"version"` // names the change: equal on every replica that made it
}

// ErrNotFound reports a subscription or content the store does not hold.
var ErrNotFound = errors.New("hub: not found")

// Store keeps subscriptions and the work queue: in memory for one
// process, or in Redis for a fleet. Its methods are safe for concurrent use.
type Store interface {
	// Save adds or renews a subscription.
	Save(ctx context.Context, s Subscription) error
	// Remove ends a subscription; removing an unknown one is no error.
	Remove(ctx context.Context, topic, callback string) error
	// Lookup returns a subscription, ErrNotFound when there is none.
	Lookup(ctx context.Context, topic, callback string) (Subscription, error)
	// Active returns the subscriptions of topic unexpired at now, and
	// removes the expired ones.
	Active(ctx context.Context, topic string, now time.Time) ([]Subscription, error)
	// Subscribed returns which of topics have any subscription, expired
	// ones included.
	Subscribed(ctx context.Context, topics []string) (map[string]bool, error)
	// Hosts returns how many subscriptions name a callback on host.
	Hosts(ctx context.Context, host string) (int, error)
	// Counts returns the unexpired subscriptions per topic, and removes
	// the expired ones.
	Counts(ctx context.Context, now time.Time) (map[string]int, error)

	// Enqueue adds jobs to the queue.
	Enqueue(ctx context.Context, jobs []Job) error
	// Later puts job (handed out by Claim) back, due at at.
	Later(ctx context.Context, job Job, at time.Time) error
	// Claim hands out up to n jobs that are due at now, each to one
	// claimer only, waiting a short while for one; none is no error.
	Claim(ctx context.Context, n int, now time.Time) ([]Job, error)
	// Ack removes a job handed out by Claim for good.
	Ack(ctx context.Context, job Job) error

	// First reports whether key was not marked yet, and marks it for ttl:
	// of all replicas announcing one change, one gets true.
	First(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// PutContent stores c under key for ttl.
	PutContent(ctx context.Context, key string, c Content, ttl time.Duration) error
	// Content returns what PutContent stored, ErrNotFound once expired.
	Content(ctx context.Context, key string) (Content, error)
	// Pending adds delta to the verifications waiting and returns the new
	// number.
	Pending(ctx context.Context, delta int) (int, error)
}
