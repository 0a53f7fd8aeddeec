package config

import (
	"testing"
	"testing/fstest"
)

func TestHubSettings(t *testing.T) {
	tests := []struct {
		name          string
		hub, websub   string
		edit          func(*Config)
		valid         bool
		external, ann string // ExternalHub, and the hub Site announces
	}{
		{"none", "", "", nil, true, "", ""},
		{"builtin", "builtin", "", nil, true, "", "https://news.example.org/websub"},
		{"external through HUB", "https://hub.example/", "", nil, true, "https://hub.example/", "https://hub.example/"},
		{"external through the older WEBSUB_HUB", "", "https://hub.example/", nil, true, "https://hub.example/", "https://hub.example/"},
		{"both, agreeing", "https://hub.example/", "https://hub.example/", nil, true, "https://hub.example/", "https://hub.example/"},
		{"both, disagreeing", "https://a.example/", "https://b.example/", nil, false, "", ""},
		{"builtin beside WEBSUB_HUB", "builtin", "https://b.example/", nil, false, "", ""},
		{"neither builtin nor a URL", "yes", "", nil, false, "", ""},
		{"lease bounds out of order", "builtin", "", func(c *Config) { c.HubLeaseMin = 2 * c.HubLease }, false, "", ""},
		{"no workers", "builtin", "", func(c *Config) { c.HubWorkers = 0 }, false, "", ""},
		{"no workers, hub not built in", "", "", func(c *Config) { c.HubWorkers = 0 }, true, "", ""},
	}
	fsys := fstest.MapFS{"_config.yml": {Data: []byte("url: https://news.example.org\n")}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.Hub, c.WebSubHub = tt.hub, tt.websub
			if tt.edit != nil {
				tt.edit(&c)
			}
			err := c.Validate()
			if (err == nil) != tt.valid {
				t.Fatalf("Validate: %v, want valid %v", err, tt.valid)
			}
			if !tt.valid {
				return
			}
			if got := c.ExternalHub(); got != tt.external {
				t.Errorf("ExternalHub %q, want %q", got, tt.external)
			}
			site, err := c.Site(fsys)
			if err != nil {
				t.Fatal(err)
			}
			if site.WebSubHub != tt.ann {
				t.Errorf("announced hub %q, want %q", site.WebSubHub, tt.ann)
			}
		})
	}
}
