package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/cache"
	"github.com/feedwire/feedwire/metrics"
)

// deps is the wiring of one serving process: metrics, cache tiers, server
// and the source of its snapshots.
type deps struct {
	cfg            Config
	log            *slog.Logger
	metrics        *metrics.Metrics
	metricsHandler http.Handler
	server         *server
	tiered         *cache.Tiered
	redis          redis.UniversalClient
	watcher        *watcher // nil for the bundled site or when watching failed
	hub            *hub     // nil without FEEDWIRE_WEBSUB_HUB
	subscribers    *subscriberCounts
	tombstones     *tombstones
	revisions      *revisions
}

// newDeps builds everything serve needs from cfg.
func newDeps(ctx context.Context, cfg Config, log *slog.Logger) (*deps, error) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg, version)
	d := &deps{cfg: cfg, log: log, metrics: m, metricsHandler: m.Handler()}

	obs := cacheObserver{m}
	mem := cache.NewMemory(cfg.MemoryCacheBytes, obs)
	var remote *cache.Redis
	if cfg.RedisURL != "" || len(cfg.RedisAddrs) > 0 {
		client, err := cache.NewRedisClient(cfg.RedisURL, cfg.RedisAddrs, cfg.RedisMasterName, cfg.RedisTimeout)
		if err != nil {
			return nil, err
		}
		d.redis = client
		redis.SetLogger(redisLogger{log}) // its own errors are logged, rate-limited, by package cache
		remote = cache.NewRedis(client, cache.RedisOptions{TTL: cfg.RedisTTL, Timeout: cfg.RedisTimeout, Logger: log, Observer: obs})
		log.Info("shared cache", "redis", redactRedis(cfg))
	}
	d.tiered = cache.NewTiered(mem, remote, cache.TieredOptions{FillTimeout: cfg.RenderTimeout})
	d.subscribers = newSubscriberCounts(ctx, reg, d.redis, log)
	d.metricsHandler = d.subscribers.metricsHandler(d.metricsHandler)

	o := serverOptions{
		FeedLimit:     cfg.FeedLimit,
		MaxLimit:      cfg.MaxLimit,
		MaxAge:        cfg.MaxAge,
		ObserveRender: m.ObserveRender,
		Instrument:    func(p string, h http.Handler) http.Handler { return m.Route(p, d.subscribers.instrument(p, h)) },
		Stats:         http.HandlerFunc(d.subscribers.serveStats),
		Subscribers:   d.subscribers.feedSubscribers,
		Outer:         m.Unmatched,
	}
	if cfg.AccessLog {
		o.Outer = func(h http.Handler) http.Handler { return m.Unmatched(accessLog(log, h)) }
	}
	if cfg.MetricsAddr == "" {
		o.Metrics = d.metricsHandler
	}
	if cfg.WebSubHub != "" {
		d.hub = newHub(cfg.WebSubHub, log, m)
		o.WebSubHub = cfg.WebSubHub
	}
	d.server = newServer(log, d.tiered, o)
	d.server.deltas = newDeltaStore(d.redis, cfg.RedisTTL, cfg.RedisTimeout, log)
	d.tombstones = newTombstones(cfg.TombstoneDays, d.redis, log)
	d.revisions = newRevisions(d.redis, log)
	return d, nil
}

// close releases the cache tiers.
func (d *deps) close() {
	d.subscribers.close() // its last write needs the Redis client
	d.tiered.Close()
	if d.redis != nil {
		d.redis.Close()
	}
}

// cacheObserver reports cache events as metrics.
type cacheObserver struct{ m *metrics.Metrics }

func (o cacheObserver) Request(tier, result string) { o.m.CacheRequest(tier, result) }
func (o cacheObserver) Bytes(tier string, n int64)  { o.m.SetCacheBytes(tier, n) }
func (o cacheObserver) RedisUp(up bool)             { o.m.SetRedisUp(up) }

// redactRedis describes the Redis setting without its password.
func redactRedis(cfg Config) string {
	if cfg.RedisURL == "" {
		return "addrs=" + strings.Join(cfg.RedisAddrs, ",")
	}
	if opt, err := redis.ParseURL(cfg.RedisURL); err == nil {
		return opt.Addr
	}
	return "(unparsable URL)"
}

// redisLogger sends go-redis's internal log lines to debug level: the cache
// package already reports Redis failures, counted and at a bounded rate.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	if l.log.Enabled(ctx, slog.LevelDebug) {
		l.log.DebugContext(ctx, "redis client", "msg", fmt.Sprintf(format, v...))
	}
}
