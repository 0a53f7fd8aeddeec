// Package config holds feedwire's settings: one plain struct, read once
// from FEEDWIRE_* environment variables by the command, and built directly
// by tests.
package config

import (
	"fmt"
	"io"
	"reflect"
	"strconv"
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

	SiteURL         string `envconfig:"SITE_URL" desc:"public base URL of the site and its feeds (default: _config.yml url)"`
	SiteTitle       string `envconfig:"SITE_TITLE" desc:"site title (default: _config.yml title)"`
	SiteDescription string `envconfig:"SITE_DESCRIPTION" desc:"site description (default: _config.yml description)"`
	SiteLang        string `envconfig:"SITE_LANG" desc:"site language tag (default: _config.yml lang)"`
	Timezone        string `envconfig:"TIMEZONE" desc:"IANA zone for dates without an offset (default: _config.yml timezone, else UTC)"`
	Permalink       string `envconfig:"PERMALINK" desc:"Jekyll permalink pattern or style (default: _config.yml permalink, else date)"`
	MaxPostBytes    int64  `envconfig:"MAX_POST_BYTES" default:"4194304" desc:"largest post file read, in bytes"`
	SummaryRunes    int    `envconfig:"SUMMARY_RUNES" default:"200" desc:"summary length in runes"`
	FullContent     bool   `envconfig:"FULL_CONTENT" default:"true" desc:"publish full HTML content, not only summaries"`
	Sanitize        bool   `envconfig:"SANITIZE" default:"true" desc:"remove scripts, event handlers and javascript: links from post HTML (false: trust the authors)"`

	FeedLimit       int           `envconfig:"FEED_LIMIT" default:"20" desc:"items per feed when ?limit is absent"`
	MaxLimit        int           `envconfig:"MAX_LIMIT" default:"100" desc:"largest ?limit accepted"`
	MaxAge          int           `envconfig:"MAX_AGE" default:"300" desc:"Cache-Control max-age and stale-while-revalidate, in seconds"`
	RenderTimeout   time.Duration `envconfig:"RENDER_TIMEOUT" default:"10s" desc:"longest a document render may take"`
	ShutdownTimeout time.Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"15s" desc:"time to finish in-flight requests on SIGTERM"`

	MemoryCacheBytes int64         `envconfig:"MEMORY_CACHE_BYTES" default:"67108864" desc:"bound of the in-process document cache, in bytes"`
	RedisURL         string        `envconfig:"REDIS_URL" desc:"redis:// or rediss:// URL of the shared cache (empty: in-process cache only)"`
	RedisAddrs       []string      `envconfig:"REDIS_ADDRS" desc:"comma-separated Redis Cluster or Sentinel addresses"`
	RedisMasterName  string        `envconfig:"REDIS_MASTER_NAME" desc:"Sentinel master name, with REDIS_ADDRS"`
	RedisTTL         time.Duration `envconfig:"REDIS_TTL" default:"24h" desc:"lifetime of documents in Redis"`
	RedisTimeout     time.Duration `envconfig:"REDIS_TIMEOUT" default:"50ms" desc:"dial, read and write timeout for Redis"`

	ReloadInterval time.Duration `envconfig:"RELOAD_INTERVAL" default:"1m" desc:"poll interval for posts changes (0: off)"`
	WebSubHub      string        `envconfig:"WEBSUB_HUB" desc:"WebSub hub URL announced in feeds"`
	TombstoneDays  int           `envconfig:"TOMBSTONE_DAYS" default:"7" desc:"days a removed post stays in its feeds as an RFC 6721 deleted entry (0: none)"`

	LogFormat string `envconfig:"LOG_FORMAT" default:"json" desc:"json or text"`
	LogLevel  string `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	AccessLog bool   `envconfig:"ACCESS_LOG" default:"false" desc:"log every request"`
}

// FromEnv reads the configuration from the environment and checks it.
func FromEnv() (Config, error) {
	var c Config
	if err := envconfig.Process(Prefix, &c); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, c.Validate()
}

// Default returns the configuration with every default and no environment
// read: what FromEnv gives when no FEEDWIRE_ variable is set.
func Default() Config {
	var c Config
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		def, ok := v.Type().Field(i).Tag.Lookup("default")
		if !ok {
			continue
		}
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(def)
		case reflect.Bool:
			f.SetBool(def == "true")
		case reflect.Int, reflect.Int64:
			if f.Type() == reflect.TypeFor[time.Duration]() {
				d, err := time.ParseDuration(def)
				if err != nil {
					panic("config: bad default duration " + def)
				}
				f.SetInt(int64(d))
				continue
			}
			n, err := strconv.ParseInt(def, 10, 64)
			if err != nil {
				panic("config: bad default number " + def)
			}
			f.SetInt(n)
		default:
			panic("config: no default for a field of kind " + f.Kind().String())
		}
	}
	return c
}

// Validate rejects settings that cannot work.
func (c Config) Validate() error {
	switch {
	case c.FeedLimit < 1:
		return fmt.Errorf("config: %s_FEED_LIMIT must be at least 1", Prefix)
	case c.MaxLimit < c.FeedLimit:
		return fmt.Errorf("config: %s_MAX_LIMIT must be at least %s_FEED_LIMIT", Prefix, Prefix)
	case c.MaxAge < 0:
		return fmt.Errorf("config: %s_MAX_AGE must not be negative", Prefix)
	case c.MemoryCacheBytes < 0:
		return fmt.Errorf("config: %s_MEMORY_CACHE_BYTES must not be negative", Prefix)
	case c.SummaryRunes < 1:
		return fmt.Errorf("config: %s_SUMMARY_RUNES must be at least 1", Prefix)
	case c.MaxPostBytes < 1:
		return fmt.Errorf("config: %s_MAX_POST_BYTES must be at least 1", Prefix)
	case c.TombstoneDays < 0:
		return fmt.Errorf("config: %s_TOMBSTONE_DAYS must not be negative", Prefix)
	case c.LogFormat != "json" && c.LogFormat != "text":
		return fmt.Errorf("config: %s_LOG_FORMAT must be json or text", Prefix)
	}
	return nil
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
