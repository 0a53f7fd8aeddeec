package main

import (
	"context"
	"crypto/rand"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/cache"
	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/hub"
	"github.com/feedwire/feedwire/internal/server"
	"github.com/feedwire/feedwire/metrics"
)

// hubRedisTimeout bounds each Redis command of the hub. It has its own
// client: its workers must neither take the document cache's connections
// nor fail on the cache's fail-fast timeout, which is tuned for requests.
const hubRedisTimeout = 2 * time.Second

// hubClaimIdle is how long a job another replica took and did not finish
// waits before this one takes it over: longer than any callback request.
const hubClaimIdle = time.Minute

// newBuiltinHub makes feedwire its own WebSub hub: subscriptions and its
// queue in Redis when cfg names one (through a client of its own, returned
// for closing), else in memory. srv returns the server, made after the hub.
func newBuiltinHub(cfg config.Config, reg prometheus.Registerer, log *slog.Logger, srv func() *server.Server) (*hub.Hub, redis.UniversalClient, error) {
	var store hub.Store
	var client redis.UniversalClient
	if cfg.RedisConfigured() {
		var err error
		opts := redisClientOptions(cfg)
		opts.Timeout = hubRedisTimeout
		if client, err = cache.NewRedisClient(opts); err != nil {
			return nil, nil, err
		}
		host, _ := os.Hostname()
		store = hub.NewRedis(client, host+"-"+rand.Text()[:8], hubClaimIdle)
		log.Info("WebSub hub built in at POST /websub; subscriptions and deliveries shared through Redis")
	} else {
		store = hub.NewMemory()
		log.Warn("WebSub hub built in at POST /websub; without Redis its subscriptions and pending deliveries are kept in memory and do not survive a restart")
	}
	h := hub.New(hub.Options{
		Store:        store,
		Topics:       hubTopics{srv},
		Observer:     metrics.NewHub(reg),
		Log:          log,
		AllowPrivate: cfg.HubAllowPrivate,
		LeaseDefault: cfg.HubLease,
		LeaseMin:     cfg.HubLeaseMin,
		LeaseMax:     cfg.HubLeaseMax,
		MaxPerHost:   cfg.HubMaxPerHost,
		MaxPending:   cfg.HubMaxPending,
		RatePerMin:   cfg.HubRate,
		RetryFor:     cfg.HubRetryFor,
		Workers:      cfg.HubWorkers,
	})
	return h, client, nil
}

// hubTopics gives the hub the server's feeds.
type hubTopics struct{ srv func() *server.Server }

func (t hubTopics) Topic(raw string) (string, bool) { return t.srv().Topic(raw) }

func (t hubTopics) Content(ctx context.Context, topic string) (hub.Content, error) {
	p, err := t.srv().Push(ctx, topic)
	return hub.Content{Body: p.Body, ContentType: p.ContentType, Links: p.Links, Version: p.Version}, err
}

// hubStopWait bounds how long closing waits for the hub's requests to
// callbacks in flight: a little more than one callback request may take.
const hubStopWait = 12 * time.Second
