package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/cache"
	"github.com/feedwire/feedwire/example"
	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/fleet"
	"github.com/feedwire/feedwire/internal/reload"
	"github.com/feedwire/feedwire/internal/server"
	"github.com/feedwire/feedwire/internal/websub"
	"github.com/feedwire/feedwire/metrics"
	"github.com/feedwire/feedwire/subscribers"
)

// deps is the wiring of one serving process: metrics, cache tiers, the
// server, what replicas share, and the loop that keeps its snapshot current.
type deps struct {
	metrics        *metrics.Metrics
	metricsHandler http.Handler
	server         *server.Server
	tiered         *cache.Tiered
	redis          redis.UniversalClient
	subscribers    *subscriberCounts
	hub            *websub.Publisher // nil without FEEDWIRE_WEBSUB_HUB
	loop           *reload.Loop
}

// newDeps builds everything serve needs from cfg; loaded, when not nil, is
// called after every snapshot swap.
func newDeps(ctx context.Context, cfg config.Config, log *slog.Logger, loaded func()) (*deps, error) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg, version)
	d := &deps{metrics: m, metricsHandler: m.Handler()}

	obs := cacheObserver{m}
	mem := cache.NewMemory(cfg.MemoryCacheBytes, obs)
	var remote *cache.Redis
	if cfg.RedisConfigured() {
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

	o := server.Options{
		FeedLimit:     cfg.FeedLimit,
		MaxLimit:      cfg.MaxLimit,
		MaxAge:        cfg.MaxAge,
		WebSubHub:     cfg.WebSubHub,
		AccessLog:     cfg.AccessLog,
		Log:           log,
		Cache:         d.tiered,
		Versions:      fleet.NewVersions(d.redis, cfg.RedisTTL, cfg.RedisTimeout, log),
		Subscribers:   d.subscribers.store,
		ObserveRender: m.ObserveRender,
		Instrument:    m.Route,
		Outer:         m.Unmatched,
	}
	if cfg.MetricsAddr == "" {
		o.Metrics = d.metricsHandler
	}
	jf, err := jekyllFeedURLs(cfg)
	if err != nil {
		return nil, err
	}
	o.JekyllFeed = jf
	d.server = server.New(o)

	revisions := fleet.NewRevisions(d.redis, log)
	tombstones := fleet.NewTombstones(cfg.TombstoneDays, d.redis, log)
	lo := reload.Options{
		Interval: cfg.ReloadInterval,
		Amend: func(prev, next *feed.Snapshot, now time.Time) *feed.Snapshot {
			diff := fleet.DiffPosts(prev, next)
			return tombstones.Apply(diff, revisions.Apply(diff, now), now)
		},
		NextChange: tombstones.NextExpiry,
		Loaded:     loaded,
		Observer:   m,
		Log:        log,
	}
	if cfg.WebSubHub != "" {
		d.hub = websub.New(cfg.WebSubHub, log, m)
		lo.Publish = d.hub.Publish
	}
	d.loop = reload.New(source(cfg), d.server, lo)
	return d, nil
}

// source is where cfg says the posts are: FEEDWIRE_POSTS_DIR, else the
// bundled example site.
func source(cfg config.Config) reload.Source {
	return reload.Source{Dir: cfg.PostsDir, FS: example.FS(), Site: cfg.Site, MaxPostBytes: cfg.MaxPostBytes}
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
func redactRedis(cfg config.Config) string {
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

const (
	// subscribersExportEvery is how often other replicas' counts are merged
	// and the totals exported to feedwire_subscribers.
	subscribersExportEvery = 30 * time.Second
	// subscribersRefreshTimeout bounds one periodic merge from Redis.
	subscribersRefreshTimeout = 2 * time.Second
)

// subscriberCounts is the wiring of subscriber counts: the store, the
// gauge it is exported to, and the goroutines that keep both current.
type subscriberCounts struct {
	store *subscribers.Store
	gauge *metrics.Subscribers
	stop  context.CancelFunc
	wg    sync.WaitGroup
}

// newSubscriberCounts registers feedwire_subscribers on reg and starts a
// store shared through client (nil: this replica's counts only), writing
// to Redis and exporting totals until close.
func newSubscriberCounts(ctx context.Context, reg prometheus.Registerer, client redis.UniversalClient, log *slog.Logger) *subscriberCounts {
	sc := &subscriberCounts{
		store: subscribers.New(subscribers.Options{Redis: client, Logger: log}),
		gauge: metrics.NewSubscribers(reg, subscribers.Aggregators()),
	}
	ctx, sc.stop = context.WithCancel(context.WithoutCancel(ctx))
	sc.wg.Go(func() { sc.store.Run(ctx) })
	sc.wg.Go(func() { sc.export(ctx) })
	return sc
}

// export merges other replicas' counts and sets the gauge every
// subscribersExportEvery until ctx is done.
func (sc *subscriberCounts) export(ctx context.Context) {
	t := time.NewTicker(subscribersExportEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			rctx, cancel := context.WithTimeout(ctx, subscribersRefreshTimeout)
			_ = sc.store.Refresh(rctx) // logged by the store
			cancel()
			sc.gauge.Set(sc.store.Totals())
		}
	}
}

// close stops the goroutines after a last write to Redis; call it before
// closing the Redis client.
func (sc *subscriberCounts) close() {
	sc.stop()
	sc.wg.Wait()
}

// metricsHandler sets the gauge from memory before each scrape, so that it
// never lags this replica's requests.
func (sc *subscriberCounts) metricsHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sc.gauge.Set(sc.store.Totals())
		next.ServeHTTP(w, r)
	})
}
