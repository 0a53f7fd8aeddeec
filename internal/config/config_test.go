package config

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// clearEnv unsets every FEEDWIRE_ variable for the test, so that the
// environment it runs in cannot change what it reads.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, Prefix+"_") {
			t.Setenv(name, "") // restored when the test ends
			os.Unsetenv(name)
		}
	}
}

func TestFromEnvRejects(t *testing.T) {
	tests := []struct {
		env  map[string]string // names without the prefix
		want string            // the whole message
	}{
		{map[string]string{"SITE_URL": "example.org"}, `config: FEEDWIRE_SITE_URL="example.org": it has no scheme; want ` + wantHTTPURL},
		{map[string]string{"SITE_URL": "not-a-url"}, `config: FEEDWIRE_SITE_URL="not-a-url": it has no scheme; want ` + wantHTTPURL},
		{map[string]string{"SITE_URL": "ftp://x.org"}, `config: FEEDWIRE_SITE_URL="ftp://x.org": scheme ftp is not http or https; want ` + wantHTTPURL},
		{map[string]string{"SITE_URL": "https://ex ample.org"}, `config: FEEDWIRE_SITE_URL="https://ex ample.org": it holds a space or control character; want ` + wantHTTPURL},
		{map[string]string{"SITE_URL": "https://"}, `config: FEEDWIRE_SITE_URL="https://": it has no host; want ` + wantHTTPURL},
		{map[string]string{"SITE_URL": "https://u:hunter2@x.org/"}, ""},
		{map[string]string{"SITE_URL": "https://u:hunter2@x.org/\n"}, `config: FEEDWIRE_SITE_URL="https://u:xxxxx@x.org/\n": it holds a space or control character; want ` + wantHTTPURL},
		{map[string]string{"WEBSUB_HUB": "notaurl"}, `config: FEEDWIRE_WEBSUB_HUB="notaurl": it has no scheme; want ` + wantHTTPURL},
		{map[string]string{"PERMALINK": "/:nonsense/:title"}, `config: FEEDWIRE_PERMALINK="/:nonsense/:title": :nonsense is not a placeholder; want ` + wantPermalink},
		{map[string]string{"RELOAD_INTERVAL": "-1s"}, `config: FEEDWIRE_RELOAD_INTERVAL="-1s": want ` + wantDuration + `, or 0 (off)`},
		{map[string]string{"RELOAD_INTERVAL": "soon"}, `config: FEEDWIRE_RELOAD_INTERVAL="soon": want ` + wantDuration + `, or 0 (off)`},
		{map[string]string{"ADDR": ":8080", "METRICS_ADDR": ":8080"}, `config: FEEDWIRE_METRICS_ADDR=":8080": want empty, or ` + wantAddr + ` other than FEEDWIRE_ADDR's`},
		{map[string]string{"ADDR": "localhost:8080", "METRICS_ADDR": ":8080"}, `config: FEEDWIRE_METRICS_ADDR=":8080": want empty, or ` + wantAddr + ` other than FEEDWIRE_ADDR's`},
		{map[string]string{"ADDR": "localhost:8080", "METRICS_ADDR": "localhost:9090"}, ""},
		{map[string]string{"ADDR": "127.0.0.1:0", "METRICS_ADDR": "127.0.0.1:0"}, ""},
		{map[string]string{"ADDR": "8080"}, `config: FEEDWIRE_ADDR="8080": want ` + wantAddr},
		{map[string]string{"TIMEZONE": "Mars/Olympus"}, `config: FEEDWIRE_TIMEZONE="Mars/Olympus": no such time zone; want ` + wantZone},
		{map[string]string{"TIMEZONE": "Asia/Shanghai"}, ""},
		{map[string]string{"FEED_LIMIT": "abc"}, `config: FEEDWIRE_FEED_LIMIT="abc": want a whole number of items, at least 1`},
		{map[string]string{"FEED_LIMIT": "0"}, `config: FEEDWIRE_FEED_LIMIT="0": want a whole number of items, at least 1`},
		{map[string]string{"FEED_LIMIT": "200"}, `config: FEEDWIRE_MAX_LIMIT="100": want a whole number of items, at least FEEDWIRE_FEED_LIMIT`},
		{map[string]string{"FULL_CONTENT": "yes please"}, `config: FEEDWIRE_FULL_CONTENT="yes please": want true or false`},
		{map[string]string{"MAX_POST_BYTES": "64MiB"}, ""},
		{map[string]string{"MAX_POST_BYTES": "4 parsecs"}, `config: FEEDWIRE_MAX_POST_BYTES="4 parsecs": want ` + wantByteSize + `, at least 1`},
		{map[string]string{"MAX_POST_BYTES": "0"}, `config: FEEDWIRE_MAX_POST_BYTES="0": want ` + wantByteSize + `, at least 1`},
		{map[string]string{"MEMORY_CACHE_BYTES": "-1"}, `config: FEEDWIRE_MEMORY_CACHE_BYTES="-1": want ` + wantByteSize},
		{map[string]string{"RENDER_TIMEOUT": "0s"}, `config: FEEDWIRE_RENDER_TIMEOUT="0s": want a duration above 0 such as 10s`},
		{map[string]string{"LOG_FORMAT": "xml"}, `config: FEEDWIRE_LOG_FORMAT="xml": want auto, json or text`},
		{map[string]string{"LOG_LEVEL": "loud"}, `config: FEEDWIRE_LOG_LEVEL="loud": want debug, info, warn or error`},
		{map[string]string{"LOG_LEVEL": "WARN"}, ""},
		{map[string]string{"TOMBSTONE_DAYS": "-1"}, `config: FEEDWIRE_TOMBSTONE_DAYS="-1": want a whole number of days, 0 (off) or more`},
	}
	for _, tt := range tests {
		var name []string
		for k, v := range tt.env {
			name = append(name, k+"="+v)
		}
		t.Run(strings.Join(name, " "), func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(Prefix+"_"+k, v)
			}
			_, err := FromEnv()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("FromEnv: %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("FromEnv accepted it; want %s", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("message\n got %s\nwant %s", got, tt.want)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("message is more than one line: %q", err.Error())
			}
			var se *SettingError
			if !errors.As(err, &se) {
				t.Errorf("error is a %T, want *SettingError", err)
			}
			if strings.Contains(err.Error(), "strconv") || strings.Contains(err.Error(), "envconfig") || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("message leaks library text or a password: %s", err)
			}
		})
	}
}

func TestFromEnvReadsOnlyPrefixedNames(t *testing.T) {
	clearEnv(t)
	// Variables meant for other programs in the same environment.
	t.Setenv("TIMEZONE", "Mars/Olympus")
	t.Setenv("FEED_LIMIT", "abc")
	t.Setenv("REDIS_URL", "redis://elsewhere:6379")
	t.Setenv("ADDR", ":1")
	c, err := FromEnv()
	if err != nil {
		t.Fatalf("FromEnv read an unprefixed variable: %v", err)
	}
	if c.RedisURL != "" || c.Addr != Default().Addr || c.Timezone != "" || c.FeedLimit != Default().FeedLimit {
		t.Errorf("got %+v, want the defaults", c)
	}
}

func TestDefaultMatchesEmptyEnvironment(t *testing.T) {
	clearEnv(t)
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if c.MaxPostBytes != 4<<20 || c.MemoryCacheBytes != 64<<20 || c.ReloadInterval != time.Minute || c.LogFormat != "auto" {
		t.Errorf("FromEnv gave %+v", c)
	}
	if c.Addr != d.Addr || c.MaxPostBytes != d.MaxPostBytes || c.MemoryCacheBytes != d.MemoryCacheBytes ||
		c.RedisTTL != d.RedisTTL || c.FullContent != d.FullContent || c.FeedLimit != d.FeedLimit {
		t.Errorf("Default() = %+v, FromEnv() = %+v", d, c)
	}
}

func TestUnknown(t *testing.T) {
	env := []string{
		"FEEDWIRE_FEEDLIMIT=20",
		"FEEDWIRE_SITEURL=https://x.org",
		"FEEDWIRE_REDIS_ULR=redis://r",
		"FEEDWIRE_ADDR=:8080", // known
		"HOME=/root",          // not ours
		"FEEDWIRE=1",          // no underscore: not ours
	}
	got := Unknown(env)
	want := []UnknownVariable{
		{"FEEDWIRE_FEEDLIMIT", "FEEDWIRE_FEED_LIMIT"},
		{"FEEDWIRE_SITEURL", "FEEDWIRE_SITE_URL"},
		{"FEEDWIRE_REDIS_ULR", "FEEDWIRE_REDIS_URL"},
	}
	if len(got) != len(want) {
		t.Fatalf("Unknown = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Unknown[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3},
		{"FEEDWIRE_FEEDLIMIT", "FEEDWIRE_FEED_LIMIT", 1}, {"ULR", "URL", 2},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := editDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("editDistance = %d, want %d", got, tt.want)
			}
			if got := editDistance(tt.b, tt.a); got != tt.want {
				t.Errorf("editDistance reversed = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestEffectiveMasksSecrets(t *testing.T) {
	c := Default()
	c.RedisURL = "redis://user:hunter2@redis:6379/0"
	c.RedisAddrs = []string{"a:6379", "redis://:hunter2@b:6379"}
	c.SiteURL = "https://news.example.org"
	got := map[string]string{}
	for _, s := range c.Effective() {
		got[s.Name] = s.Value
		if strings.Contains(s.Value, "hunter2") {
			t.Errorf("%s shows the password: %s", s.Name, s.Value)
		}
	}
	for name, want := range map[string]string{
		"FEEDWIRE_REDIS_URL":      "redis://user:xxxxx@redis:6379/0",
		"FEEDWIRE_REDIS_ADDRS":    "a:6379,redis://:xxxxx@b:6379",
		"FEEDWIRE_SITE_URL":       "https://news.example.org",
		"FEEDWIRE_MAX_POST_BYTES": "4MiB",
		"FEEDWIRE_RENDER_TIMEOUT": "10s",
		"FEEDWIRE_FULL_CONTENT":   "true",
	} {
		if got[name] != want {
			t.Errorf("%s = %q, want %q", name, got[name], want)
		}
	}
	if len(got) != len(Variables()) {
		t.Errorf("%d settings, want %d", len(got), len(Variables()))
	}
	for _, name := range []string{"FEEDWIRE_REDIS_PASSWORD", "FEEDWIRE_API_TOKEN"} {
		if !isSecret(name) {
			t.Errorf("%s not taken for a secret", name)
		}
	}
	if isSecret("FEEDWIRE_REDIS_PASSWORD_FILE") {
		t.Error("a password file's path taken for a secret")
	}
}

func TestSite(t *testing.T) {
	tests := []struct {
		name    string
		config  string // _config.yml; "" for none
		env     func(*Config)
		wantErr string
		warn    bool
	}{
		{"no url anywhere", "", nil, "", true},
		{"url in _config.yml", "url: https://news.example.org\n", nil, "", false},
		{"url in the variable", "", func(c *Config) { c.SiteURL = "https://news.example.org" }, "", false},
		{"bad url in _config.yml", "url: example.org\n", nil, `config: _config.yml url="example.org": it has no scheme; want ` + wantHTTPURL, false},
		{"bad url overridden", "url: example.org\n", func(c *Config) { c.SiteURL = "https://x.org" }, "", false},
		{"bad permalink in _config.yml", "url: https://x.org\npermalink: /:nonsense/\n", nil, `config: _config.yml permalink="/:nonsense/": :nonsense is not a placeholder; want ` + wantPermalink, false},
		{"bad timezone in _config.yml", "timezone: Mars/Olympus\n", nil, `feed: _config.yml: timezone "Mars/Olympus": unknown time zone Mars/Olympus`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			if tt.config != "" {
				fsys["_config.yml"] = &fstest.MapFile{Data: []byte(tt.config)}
			}
			c := Default()
			if tt.env != nil {
				tt.env(&c)
			}
			warnings, err := c.SiteWarnings(fsys)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err\n got %v\nwant %s", err, tt.wantErr)
				}
				if _, err := c.Site(fsys); err == nil {
					t.Error("Site accepted what SiteWarnings rejects")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := len(warnings) > 0; got != tt.warn {
				t.Errorf("warnings %q, want some: %v", warnings, tt.warn)
			}
			if tt.warn && !strings.Contains(warnings[0], "http://localhost:8080/") {
				t.Errorf("warning does not name the links' address: %s", warnings[0])
			}
		})
	}
}

// TestREADMEListsEverySetting checks that the README's settings table has a
// row for every variable feedwire -h prints.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skipf("no README beside the package: %v", err)
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(string(readme), "\n") {
		if !strings.HasPrefix(line, "| `"+Prefix+"_") {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " |")
		for _, name := range strings.Split(first, " / ") {
			rows[strings.Trim(name, "`")] = true
		}
	}
	for _, v := range Variables() {
		if !rows[v.Name] {
			t.Errorf("README's settings table has no row for %s", v.Name)
		}
	}
}
