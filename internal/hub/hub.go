// Package hub is feedwire's own WebSub hub (W3C WebSub Recommendation) for
// the site's feeds: it takes subscription requests at POST /websub,
// verifies the subscriber's intent, and pushes every change of a feed to
// its subscribers, signed with their secret. Subscriptions and the work
// queue live in a Store: in memory, or in Redis for a fleet of replicas.
package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Topics is what the hub needs of the site: which URLs are its feeds, and
// what their subscribers get when they change.
type Topics interface {
	// Topic returns the canonical URL of the site feed raw names, false
	// when raw is no feed of the site (archives are none).
	Topic(raw string) (string, bool)
	// Content returns the push of topic's latest change.
	Content(ctx context.Context, topic string) (Content, error)
}

// Observer records what the hub does; *metrics.Hub is one.
type Observer interface {
	HubSubscriptions(state string, n int)
	HubVerification(result string)
	HubDelivery(result string)
	ObserveHubDelivery(d time.Duration)
}

// Label values the Observer receives.
const (
	StateActive  = "active"  // verified, unexpired subscriptions
	StatePending = "pending" // verifications waiting

	ResultVerified     = "verified"     // intent confirmed, subscription saved or removed
	ResultFailed       = "failed"       // the callback did not echo the challenge
	ResultDenied       = "denied"       // topic refused, the callback told
	ResultDelivered    = "delivered"    // a 2xx from the callback
	ResultRetry        = "retry"        // an attempt failed; another is scheduled
	ResultDropped      = "dropped"      // given up after RetryFor
	ResultGone         = "gone"         // 410: the subscription ended
	ResultUnsubscribed = "unsubscribed" // subscription gone before delivery
)

// Options are a hub's settings. Zero values take the defaults below.
type Options struct {
	Store        Store
	Topics       Topics
	Observer     Observer
	Log          *slog.Logger
	Now          func() time.Time // the clock; time.Now when nil
	Client       *http.Client     // for callbacks; nil: NewClient(AllowPrivate)
	AllowPrivate bool             // callbacks may be loopback, private or link-local

	LeaseDefault time.Duration // lease when the subscriber names none
	LeaseMin     time.Duration
	LeaseMax     time.Duration
	MaxPerHost   int           // subscriptions per callback host
	MaxPending   int           // verifications waiting, fleet-wide
	RatePerMin   int           // subscription requests per client address and minute
	RetryFor     time.Duration // how long a delivery is retried
	Workers      int           // callbacks contacted at once
}

// Defaults of Options.
const (
	DefaultLease      = 7 * 24 * time.Hour
	DefaultLeaseMin   = time.Hour
	DefaultLeaseMax   = 30 * 24 * time.Hour
	DefaultMaxPerHost = 1000
	DefaultMaxPending = 1000
	DefaultRatePerMin = 60
	DefaultRetryFor   = time.Hour
	DefaultWorkers    = 64
)

// Hub is a WebSub hub for the site's feeds.
type Hub struct {
	o       Options
	client  *http.Client
	limiter *limiter
	lanes   *lanes

	mu       sync.Mutex
	contents map[string]Content // recently delivered content, by key
	counts   map[string]int     // active subscriptions per topic, last counted
	counted  time.Time
}

// New returns a hub; Run does its work.
func New(o Options) *Hub {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.LeaseDefault, DefaultLease)
	def(&o.LeaseMin, DefaultLeaseMin)
	def(&o.LeaseMax, DefaultLeaseMax)
	def(&o.RetryFor, DefaultRetryFor)
	defInt(&o.MaxPerHost, DefaultMaxPerHost)
	defInt(&o.MaxPending, DefaultMaxPending)
	defInt(&o.RatePerMin, DefaultRatePerMin)
	defInt(&o.Workers, DefaultWorkers)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	h := &Hub{o: o, client: o.Client, limiter: newLimiter(o.RatePerMin, time.Minute), contents: map[string]Content{}}
	if h.client == nil {
		h.client = NewClient(o.AllowPrivate, o.Workers)
	}
	h.lanes = &lanes{busy: map[string]bool{}, waiting: map[string][]Job{}, full: func(j Job) {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		if err := h.o.Store.Later(ctx, j, h.o.Now().Add(retryBase)); err != nil {
			h.o.Log.Warn("hub: delivery not put back; it is retried once reclaimed", "callback", j.Callback, "err", err)
		}
	}}
	return h
}

type nopObserver struct{}

func (nopObserver) HubSubscriptions(string, int)     {}
func (nopObserver) HubVerification(string)           {}
func (nopObserver) HubDelivery(string)               {}
func (nopObserver) ObserveHubDelivery(time.Duration) {}

// publishTimeout bounds the work Publish does for one reload.
const publishTimeout = 10 * time.Second

// Publish queues the latest change of every topic in urls that has
// subscribers: the content is taken now, once per change fleet-wide, and
// one replica expands it into deliveries.
func (h *Hub) Publish(urls []string) {
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	now := h.o.Now()
	subscribed, err := h.o.Store.Subscribed(ctx, urls)
	if err != nil {
		h.o.Log.Error("hub: changes not pushed", "feeds", len(urls), "err", err)
		return
	}
	var jobs []Job
	for _, u := range urls {
		if !subscribed[u] {
			continue
		}
		c, err := h.o.Topics.Content(ctx, u)
		if err != nil {
			h.o.Log.Error("hub: change not pushed", "topic", u, "err", err)
			continue
		}
		sum := sha256.Sum256([]byte(u + "\n" + c.Version))
		key := hex.EncodeToString(sum[:16])
		first, err := h.o.Store.First(ctx, key, h.o.RetryFor+time.Hour)
		if err != nil {
			h.o.Log.Error("hub: change not pushed", "topic", u, "err", err)
			continue
		}
		if !first {
			continue // another replica pushes this change
		}
		if err := h.o.Store.PutContent(ctx, key, c, h.o.RetryFor+time.Hour); err != nil {
			h.o.Log.Error("hub: change not pushed", "topic", u, "err", err)
			continue
		}
		jobs = append(jobs, Job{Kind: jobFanout, Topic: u, Content: key, Since: now.UnixNano()})
	}
	if err := h.o.Store.Enqueue(ctx, jobs); err != nil {
		h.o.Log.Error("hub: changes not pushed", "feeds", len(jobs), "err", err)
	}
}

// countsEvery is how often the subscription gauges and Counts' answer are
// refreshed from the store.
const countsEvery = 15 * time.Second

// Counts returns the active subscriptions per topic, counted at most
// countsEvery ago.
func (h *Hub) Counts(ctx context.Context) map[string]int {
	now := h.o.Now()
	h.mu.Lock()
	counts, fresh := h.counts, now.Sub(h.counted) < countsEvery && !now.Before(h.counted)
	h.mu.Unlock()
	if fresh {
		return counts
	}
	counts, err := h.o.Store.Counts(ctx, now)
	if err != nil {
		h.o.Log.Warn("hub: subscriptions not counted", "err", err)
		return counts
	}
	h.setCounts(counts, now)
	return counts
}

// setCounts records counts as of now, and exports their total.
func (h *Hub) setCounts(counts map[string]int, now time.Time) {
	total := 0
	for _, n := range counts {
		total += n
	}
	h.mu.Lock()
	h.counts, h.counted = counts, now
	h.mu.Unlock()
	h.o.Observer.HubSubscriptions(StateActive, total)
}
