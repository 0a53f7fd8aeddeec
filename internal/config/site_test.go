package config

import (
	"testing"
	"testing/fstest"
)

func TestSiteSanitize(t *testing.T) {
	if !Default().Sanitize {
		t.Fatal("FEEDWIRE_SANITIZE is off by default; post HTML must be sanitized unless the site says otherwise")
	}
	tests := []struct {
		name      string
		sanitize  bool
		wantTrust bool
	}{
		{"sanitized by default", true, false},
		{"trusted authors", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.Sanitize = tt.sanitize
			site, err := c.Site(fstest.MapFS{})
			if err != nil {
				t.Fatal(err)
			}
			if site.TrustHTML != tt.wantTrust {
				t.Errorf("TrustHTML %v, want %v", site.TrustHTML, tt.wantTrust)
			}
		})
	}
}
