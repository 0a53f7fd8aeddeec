// Package config holds feedwire's settings: one plain struct, read once
// from FEEDWIRE_* environment variables by the command, and built directly
// by tests.
package config

import (
	"io"
	"reflect"
	"text/tabwriter"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// Prefix is the prefix of every environment variable feedwire reads.
const Prefix = "FEEDWIRE"

// Config is the whole configuration. Site fields left empty take their
// values from the site's _config.yml.
type Config struct {
	PostsDir    string `envconfig:"POSTS_DIR" desc:"Jekyll site root or posts folder (empty: the bundled example site)"`
	Addr        string `envconfig:"ADDR" default:"localhost:8080" desc:"listen address"`
	MetricsAddr string `envconfig:"METRICS_ADDR" desc:"separate listen address for /metrics (empty: served on ADDR)"`

	SiteURL         string   `envconfig:"SITE_URL" desc:"public base URL of the site and its feeds (default: _config.yml url)"`
	SiteTitle       string   `envconfig:"SITE_TITLE" desc:"site title (default: _config.yml title)"`
	SiteDescription string   `envconfig:"SITE_DESCRIPTION" desc:"site description (default: _config.yml description)"`
	SiteLang        string   `envconfig:"SITE_LANG" desc:"site language tag (default: _config.yml lang)"`
	Timezone        string   `envconfig:"TIMEZONE" desc:"IANA zone for dates without an offset (default: _config.yml timezone, else UTC)"`
	Permalink       string   `envconfig:"PERMALINK" desc:"Jekyll permalink pattern or style (default: _config.yml permalink, else date)"`
	MaxPostBytes    ByteSize `envconfig:"MAX_POST_BYTES" default:"4MiB" desc:"largest post file read (bytes; units KB, MB = 1000^n, KiB, MiB = 1024^n)"`
	SummaryRunes    int      `envconfig:"SUMMARY_RUNES" default:"0" desc:"longest summary in runes; 0 keeps the whole excerpt, as jekyll-feed does"`
	FullContent     bool     `envconfig:"FULL_CONTENT" default:"true" desc:"publish full HTML content, not only summaries"`
	JekyllFeedURLs  string   `envconfig:"JEKYLL_FEED_URLS" default:"auto" desc:"answer jekyll-feed's paths too: auto (when _config.yml lists jekyll-feed), on or off"`
	Sanitize        bool     `envconfig:"SANITIZE" default:"true" desc:"remove scripts, event handlers and javascript: links from post HTML (false: trust the authors)"`

	FeedLimit       int           `envconfig:"FEED_LIMIT" default:"20" desc:"items per feed when ?limit is absent"`
	MaxLimit        int           `envconfig:"MAX_LIMIT" default:"100" desc:"largest ?limit accepted"`
	MaxAge          int           `envconfig:"MAX_AGE" default:"300" desc:"Cache-Control max-age and stale-while-revalidate, in seconds"`
	RenderTimeout   time.Duration `envconfig:"RENDER_TIMEOUT" default:"10s" desc:"longest a document render may take"`
	ShutdownTimeout time.Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"15s" desc:"time to finish in-flight requests on SIGTERM"`

	MemoryCacheBytes ByteSize      `envconfig:"MEMORY_CACHE_BYTES" default:"64MiB" desc:"bound of the in-process document cache (bytes; units KB, MB = 1000^n, KiB, MiB = 1024^n)"`
	RedisURL         string        `envconfig:"REDIS_URL" desc:"redis:// or rediss:// URL of the shared cache (empty: in-process cache only)"`
	RedisAddrs       []string      `envconfig:"REDIS_ADDRS" desc:"comma-separated Redis Cluster or Sentinel addresses"`
	RedisMasterName  string        `envconfig:"REDIS_MASTER_NAME" desc:"Sentinel master name, with REDIS_ADDRS"`
	RedisTTL         time.Duration `envconfig:"REDIS_TTL" default:"24h" desc:"lifetime of documents in Redis"`
	RedisTimeout     time.Duration `envconfig:"REDIS_TIMEOUT" default:"50ms" desc:"dial, read and write timeout for Redis"`

	RedisUsername      string `envconfig:"REDIS_USERNAME" desc:"Redis ACL user (empty: the default user)"`
	RedisPasswordFile  string `envconfig:"REDIS_PASSWORD_FILE" desc:"file holding the Redis password, such as a mounted Secret; read again for each new connection"`
	RedisTLS           bool   `envconfig:"REDIS_TLS" default:"false" desc:"TLS to REDIS_ADDRS (a URL asks for it with rediss://)"`
	RedisCAFile        string `envconfig:"REDIS_CA_FILE" desc:"PEM file of the authorities signing the Redis certificates (default: the system's; implies REDIS_TLS)"`
	RedisTLSServerName string `envconfig:"REDIS_TLS_SERVER_NAME" desc:"name the Redis certificates must carry (default: the host dialled; implies REDIS_TLS)"`
	Stats              string `envconfig:"STATS" default:"main" desc:"where /stats.json is served: main (on ADDR), metrics (on METRICS_ADDR) or off"`

	ReloadInterval time.Duration `envconfig:"RELOAD_INTERVAL" default:"1m" desc:"poll interval for posts changes (0: off)"`
	WebSubHub      string        `envconfig:"WEBSUB_HUB" desc:"WebSub hub URL announced in feeds"`
	TombstoneDays  int           `envconfig:"TOMBSTONE_DAYS" default:"7" desc:"days a removed post stays in its feeds as an RFC 6721 deleted entry (0: none)"`

	Hub             string        `envconfig:"HUB" desc:"WebSub: builtin makes feedwire its own hub at POST /websub; a URL pings that external hub (as WEBSUB_HUB does); empty: none"`
	HubLease        time.Duration `envconfig:"HUB_LEASE" default:"168h" desc:"built-in hub: lease when a subscriber asks for none"`
	HubLeaseMin     time.Duration `envconfig:"HUB_LEASE_MIN" default:"1h" desc:"built-in hub: shortest lease granted"`
	HubLeaseMax     time.Duration `envconfig:"HUB_LEASE_MAX" default:"720h" desc:"built-in hub: longest lease granted"`
	HubAllowPrivate bool          `envconfig:"HUB_ALLOW_PRIVATE" default:"false" desc:"built-in hub: allow loopback, private and link-local callbacks (tests, intranets)"`
	HubMaxPerHost   int           `envconfig:"HUB_MAX_PER_HOST" default:"1000" desc:"built-in hub: subscriptions per callback host"`
	HubMaxPending   int           `envconfig:"HUB_MAX_PENDING" default:"1000" desc:"built-in hub: verifications waiting at once"`
	HubRate         int           `envconfig:"HUB_RATE" default:"60" desc:"built-in hub: subscription requests per client address and minute"`
	HubRetryFor     time.Duration `envconfig:"HUB_RETRY_FOR" default:"1h" desc:"built-in hub: how long a failed delivery is retried before it is dropped"`
	HubWorkers      int           `envconfig:"HUB_WORKERS" default:"64" desc:"built-in hub: callbacks contacted at once by each replica"`

	LogFormat string `envconfig:"LOG_FORMAT" default:"auto" desc:"auto, json or text (auto: text when stderr is a terminal, else json)"`
	LogLevel  string `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	AccessLog bool   `envconfig:"ACCESS_LOG" default:"false" desc:"log every request"`
}

// FromEnv reads the configuration from the FEEDWIRE_* variables (never
// their unprefixed names) and checks it. A value that does not parse or
// cannot work is a *SettingError.
func FromEnv() (Config, error) {
	c, err := read()
	if err != nil {
		return Config{}, err
	}
	return c, c.Validate()
}

// Default returns the configuration with every default and no environment
// read: what FromEnv gives when no FEEDWIRE_ variable is set.
func Default() Config {
	var c Config
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		if def, ok := v.Type().Field(i).Tag.Lookup("default"); ok {
			setDefault(v.Field(i), def)
		}
	}
	return c
}

// Variables lists every environment variable with its default, in the
// order of the struct.
func Variables() []Variable {
	t := reflect.TypeFor[Config]()
	out := make([]Variable, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		out = append(out, Variable{
			Name:        Prefix + "_" + f.Tag.Get("envconfig"),
			Default:     f.Tag.Get("default"),
			Description: f.Tag.Get("desc"),
		})
	}
	return out
}

// Variable is one setting as the environment names it.
type Variable struct {
	Name, Default, Description string
}

// Usage writes every variable with its default.
func Usage(w io.Writer) error {
	var c Config
	tw := tabwriter.NewWriter(w, 1, 0, 2, ' ', 0)
	if err := envconfig.Usagef(Prefix, &c, tw, envconfig.DefaultTableFormat); err != nil {
		return err
	}
	return tw.Flush()
}

// RedisConfigured reports whether a shared Redis tier is set.
func (c Config) RedisConfigured() bool { return c.RedisURL != "" || len(c.RedisAddrs) > 0 }

// HubBuiltin is the FEEDWIRE_HUB value that makes feedwire its own hub.
const HubBuiltin = "builtin"

// BuiltinHub reports whether feedwire is its own WebSub hub.
func (c Config) BuiltinHub() bool { return c.Hub == HubBuiltin }

// ExternalHub returns the URL of the external WebSub hub feedwire pings:
// FEEDWIRE_HUB when it is a URL, else the older FEEDWIRE_WEBSUB_HUB; empty
// when none.
func (c Config) ExternalHub() string {
	if c.Hub != "" && !c.BuiltinHub() {
		return c.Hub
	}
	if c.BuiltinHub() {
		return ""
	}
	return c.WebSubHub
}

// Values of FEEDWIRE_STATS: where /stats.json is served.
const (
	StatsMain    = "main"    // on FEEDWIRE_ADDR, with the feeds
	StatsMetrics = "metrics" // on FEEDWIRE_METRICS_ADDR, with /metrics
	StatsOff     = "off"     // nowhere; feedwire_subscribers still counts
)
