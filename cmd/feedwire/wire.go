package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/cache"
	"github.com/feedwire/feedwire/example"
	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/fleet"
	"github.com/feedwire/feedwire/internal/hub"
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
	remote         *cache.Redis // nil without Redis
	subscribers    *subscribers.Store
	stopCounts     func()            // stops the store's Run after its last write to Redis
	stats          http.Handler      // GET /stats.json on the metrics listener; nil: not there
	hub            *websub.Publisher // nil without an external hub
	builtinHub     *hub.Hub          // nil without FEEDWIRE_HUB=builtin
	hubRedis       redis.UniversalClient
	waitHub        func(max time.Duration) // set when the built-in hub runs
	loop           *reload.Loop
}

// newDeps builds everything serve needs from cfg; loaded, when not nil, is
// called after every snapshot swap.
func newDeps(ctx context.Context, cfg config.Config, log *slog.Logger, loaded func()) (*deps, error) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg, version)
	d := &deps{metrics: m, metricsHandler: m.Handler()}

	obs := cacheObserver{m}
	mem := cache.NewMemory(int64(cfg.MemoryCacheBytes), obs)
	var remote *cache.Redis
	if cfg.RedisConfigured() {
		client, err := cache.NewRedisClient(redisClientOptions(cfg))
		if err != nil {
			return nil, err
		}
		d.redis = client
		redis.SetLogger(redisLogger{log}) // its own errors are logged, rate-limited, by package cache
		remote = cache.NewRedis(client, cache.RedisOptions{TTL: cfg.RedisTTL, Timeout: cfg.RedisTimeout, Logger: log, Observer: obs})
		d.remote = remote
		log.Info("shared cache", "redis", redisClientOptions(cfg).String())
	}
	d.tiered = cache.NewTiered(mem, remote, cache.TieredOptions{FillTimeout: cfg.RenderTimeout})
	gauge := metrics.NewSubscribers(reg, subscribers.Aggregators())
	d.subscribers = subscribers.New(subscribers.Options{Redis: d.redis, Logger: log, Export: gauge.Set})
	countsCtx, stopCounts := context.WithCancel(context.WithoutCancel(ctx))
	countsDone := make(chan struct{})
	go func() { defer close(countsDone); d.subscribers.Run(countsCtx) }()
	d.stopCounts = func() { stopCounts(); <-countsDone }
	scrape := d.metricsHandler
	d.metricsHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gauge.Set(d.subscribers.Totals()) // never lagging this replica's requests
		scrape.ServeHTTP(w, r)
	})

	o := server.Options{
		FeedLimit:     cfg.FeedLimit,
		MaxLimit:      cfg.MaxLimit,
		MaxAge:        cfg.MaxAge,
		WebSubHub:     cfg.ExternalHub(),
		AccessLog:     cfg.AccessLog,
		Log:           log,
		Cache:         d.tiered,
		Versions:      fleet.NewVersions(d.redis, cfg.RedisTTL, cfg.RedisTimeout, log),
		Modified:      fleet.NewModified(d.redis, log),
		Subscribers:   d.subscribers,
		Stats:         cfg.Stats == config.StatsMain,
		ObserveRender: m.ObserveRender,
		Instrument:    m.Route,
		Outer:         m.Unmatched,
	}
	if cfg.MetricsAddr == "" {
		o.Metrics = d.metricsHandler
	}
	if cfg.BuiltinHub() {
		var err error
		if d.builtinHub, d.hubRedis, err = newBuiltinHub(cfg, reg, log, func() *server.Server { return d.server }); err != nil {
			return nil, err
		}
		o.Hub = d.builtinHub
	}
	jf, err := jekyllFeedURLs(cfg)
	if err != nil {
		return nil, err
	}
	o.JekyllFeed = jf
	d.server = server.New(o)
	if cfg.Stats == config.StatsMetrics {
		d.stats = d.server.StatsHandler()
	}

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
	if u := cfg.ExternalHub(); u != "" {
		d.hub = websub.New(u, log, m)
		lo.Publish = d.hub.Publish
	}
	if d.builtinHub != nil {
		lo.Publish = d.builtinHub.Publish
	}
	d.loop = reload.New(source(cfg), d.server, lo)
	return d, nil
}

// source is where cfg says the posts are: FEEDWIRE_POSTS_DIR, else the
// bundled example site.
func source(cfg config.Config) reload.Source {
	return reload.Source{Dir: cfg.PostsDir, FS: example.FS(), Site: cfg.Site, MaxPostBytes: int64(cfg.MaxPostBytes)}
}

// redisCheckEvery is how often the Redis tier is pinged, so that
// feedwire_redis_up follows Redis when no request needs it.
const redisCheckEvery = 5 * time.Second

// watchRedis pings Redis until ctx is done; it returns at once without Redis.
func (d *deps) watchRedis(ctx context.Context) {
	if d.remote != nil {
		d.remote.Watch(ctx, redisCheckEvery)
	}
}

// redisClientOptions are the Redis settings of cfg.
func redisClientOptions(cfg config.Config) cache.RedisClientOptions {
	return cache.RedisClientOptions{
		URL:           cfg.RedisURL,
		Addrs:         cfg.RedisAddrs,
		MasterName:    cfg.RedisMasterName,
		Timeout:       cfg.RedisTimeout,
		Username:      cfg.RedisUsername,
		PasswordFile:  cfg.RedisPasswordFile,
		TLS:           cfg.RedisTLS,
		CAFile:        cfg.RedisCAFile,
		TLSServerName: cfg.RedisTLSServerName,
	}
}

// close releases the cache tiers.
func (d *deps) close() {
	if d.waitHub != nil {
		d.waitHub(hubStopWait) // its last acknowledgements need the Redis client
	}
	d.stopCounts() // its last write needs the Redis client
	d.tiered.Close()
	if d.redis != nil {
		d.redis.Close()
	}
	if d.hubRedis != nil {
		d.hubRedis.Close()
	}
}

// cacheObserver reports cache events as metrics.
type cacheObserver struct{ m *metrics.Metrics }

func (o cacheObserver) Request(tier, result string) { o.m.CacheRequest(tier, result) }
func (o cacheObserver) Bytes(tier string, n int64)  { o.m.SetCacheBytes(tier, n) }
func (o cacheObserver) RedisUp(up bool)             { o.m.SetRedisUp(up) }

// redisLogger sends go-redis's internal log lines to debug level: the cache
// package already reports Redis failures, counted and at a bounded rate.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	if l.log.Enabled(ctx, slog.LevelDebug) {
		l.log.DebugContext(ctx, "redis client", "msg", fmt.Sprintf(format, v...))
	}
}
