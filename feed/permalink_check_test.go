package feed

import "testing"

func TestUnknownPlaceholder(t *testing.T) {
	tests := []struct {
		style string
		bad   string // the placeholder named in the error; empty: valid
	}{
		{"", ""},
		{"date", ""},
		{"pretty", ""},
		{"weekdate", ""},
		{"/news/", ""},
		{"/:categories/:year/:month/:day/:title:output_ext", ""},
		{"/:year/:i_month/:slug/", ""},
		{"/:titles/", ""}, // :title then "s", as expandPermalink reads it
		{"/a:/b", ""},     // a lone ':' is text
		{"/:nonsense/:title", ":nonsense"},
		{"/:year/:Month/", ""}, // upper case is not a placeholder word: kept as text
		{"/:year/:zz", ":zz"},
	}
	for _, tt := range tests {
		t.Run(tt.style, func(t *testing.T) {
			if got := UnknownPlaceholder(tt.style); got != tt.bad {
				t.Errorf("UnknownPlaceholder(%q) = %q, want %q", tt.style, got, tt.bad)
			}
		})
	}
	t.Run("every listed placeholder expands", func(t *testing.T) {
		for _, name := range PermalinkPlaceholders {
			if _, ok := placeholder(name, urlParts{}); !ok {
				t.Errorf("%s is listed but not a placeholder", name)
			}
			if got := UnknownPlaceholder("/:" + name + "/"); got != "" {
				t.Errorf(":%s: unknown placeholder %q", name, got)
			}
		}
	})
}
