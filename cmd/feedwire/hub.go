package main

import (
	"context"
	"crypto/rand"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/hub"
	"github.com/feedwire/feedwire/internal/server"
	"github.com/feedwire/feedwire/metrics"
)

// hubClaimIdle is how long a job another replica took and did not finish
// waits before this one takes it over: longer than any callback request.
const hubClaimIdle = time.Minute

// newBuiltinHub makes feedwire its own WebSub hub: subscriptions and its
// queue in Redis when client is set, else in memory. srv returns the
// server, made after the hub.
func newBuiltinHub(cfg config.Config, reg prometheus.Registerer, client redis.UniversalClient, log *slog.Logger, srv func() *server.Server) *hub.Hub {
	var store hub.Store
	if client != nil {
		host, _ := os.Hostname()
		store = hub.NewRedis(client, host+"-"+rand.Text()[:8], hubClaimIdle)
		log.Info("WebSub hub built in at POST /websub; subscriptions and deliveries shared through Redis")
	} else {
		store = hub.NewMemory()
		log.Warn("WebSub hub built in at POST /websub; without Redis its subscriptions and pending deliveries are kept in memory and do not survive a restart")
	}
	return hub.New(hub.Options{
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
}

// hubTopics gives the hub the server's feeds.
type hubTopics struct{ srv func() *server.Server }

func (t hubTopics) Topic(raw string) (string, bool) { return t.srv().Topic(raw) }

func (t hubTopics) Content(ctx context.Context, topic string) (hub.Content, error) {
	p, err := t.srv().Push(ctx, topic)
	return hub.Content{Body: p.Body, ContentType: p.ContentType, Links: p.Links, Version: p.Version}, err
}
