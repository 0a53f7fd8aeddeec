package subscribers

import (
	"slices"
	"strings"
	"testing"
)

// userAgents are real User-Agent shapes, as aggregators and browsers send
// them, with what Parse must make of them. They also seed FuzzParse.
func userAgents() []struct {
	name, ua   string
	aggregator string
	count      int
	ok         bool
} {
	return []struct {
		name, ua   string
		aggregator string
		count      int
		ok         bool
	}{
		{"feedly fetcher", "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; like FeedFetcher-Google)", "feedly", 42, true},
		{"feedly poller", "Feedly/1.0 (+https://feedly.com/poller.html; 16 subscribers; )", "feedly", 16, true},
		{"feedly short", "Feedly/1.0 (poller; 131 subscribers;)", "feedly", 131, true},
		{"feedly without count", "Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)", "", 0, false},
		{"inoreader compatible", "Mozilla/5.0 (compatible; inoreader.com; 42 subscribers)", "inoreader", 42, true},
		{"inoreader product", "Inoreader/2.0 (+https://www.inoreader.com; 1 subscribers)", "inoreader", 1, true},
		{"newsblur", "NewsBlur Feed Fetcher - 42 subscribers - https://www.newsblur.com/site/1234/zhuzhou-daily (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.1 Safari/605.1.15)", "newsblur", 42, true},
		{"newsblur singular", "NewsBlur Feed Fetcher - 1 subscriber - http://www.newsblur.com/site/99/digg-this", "newsblur", 1, true},
		{"feedbin", "Feedbin feed-id:1234 - 42 subscribers", "feedbin", 42, true},
		{"the old reader", "Mozilla/5.0 (compatible; theoldreader.com; 12 subscribers; feed-id=2f8a1c9e3b)", "theoldreader", 12, true},
		{"bazqux", "Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 3 subscribers)", "bazqux", 3, true},
		{"netvibes", "Netvibes (http://www.netvibes.com/; 7 subscribers; feedID: 6639445)", "netvibes", 7, true},
		{"feed wrangler", "FeedWrangler/1.0 (5 subscribers; feed-id=1234; http://feedwrangler.net; Allow like Gecko)", "feedwrangler", 5, true},
		{"bloglovin", "Bloglovin/1.0 (http://www.bloglovin.com; 16 subscribers)", "bloglovin", 16, true},
		{"feedspot", "Mozilla/5.0 (compatible; Feedspot/1.0 (+https://www.feedspot.com/fs/fetcher; like FeedFetcher-Google); 9 subscribers)", "feedspot", 9, true},
		{"superfeedr", "Superfeedr bot/2.0 http://superfeedr.com - Make your feeds realtime: get in touch - feed-id:123 - 4 subscribers", "superfeedr", 4, true},
		{"digg", "Digg Feed Fetcher 1.0 (Digg RSS Reader; +http://digg.com/reader; 8 subscribers)", "digg", 8, true},
		{"google feedfetcher", "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 4 subscribers; feed-id=9048986372668769311)", "google", 4, true},
		{"overcast", "Overcast/1.0 Podcast Sync (1190 subscribers; feed-id=554901; +http://overcast.fm/)", "overcast", 1190, true},
		{"livejournal readers", "LiveJournal.com (webmaster@livejournal.com; for http://www.livejournal.com/users/x/; 3 readers)", Other, 3, true},
		{"rojo subscriber(s)", "Rojo 1.0 http://www.rojo.com/corporate/help/agg/; Aggregating on behalf of 2 subscriber(s)", Other, 2, true},
		{"unknown aggregator", "ExampleReader/3.1 (+https://reader.example; 77 Subscribers)", Other, 77, true},
		{"thousands separator", "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 1,234 subscribers)", "feedly", 1234, true},
		{"zero", "Mozilla/5.0 (compatible; inoreader.com; 0 subscribers)", "inoreader", 0, true},
		{"absurd count capped", "Feedbin feed-id:1 - 999999999999 subscribers", "feedbin", MaxCount, true},
		{"overflow", "Feedbin feed-id:1 - 99999999999999999999999999 subscribers", "", 0, false},
		{"negative", "Feedbin feed-id:1 - -5 subscribers", "", 0, false},
		{"hyphenated id is no count", "Feedbin feed-42 subscribers", "", 0, false},
		{"version is no count", "BazQux/2.4 subscribers", "", 0, false},
		{"count glued to a word", "Feedly x42 subscribers", "", 0, false},
		{"subscribers as a prefix", "Feedly/1.0 (42 subscribership)", "", 0, false},
		{"reader in a host name", "Mozilla/5.0 (compatible; inoreader.com)", "", 0, false},
		{"tiny tiny rss", "Tiny Tiny RSS/22.03 (Unsupported) (https://tt-rss.org/)", "", 0, false},
		{"miniflux", "Mozilla/5.0 (compatible; Miniflux/2.2.3; +https://miniflux.app)", "", 0, false},
		{"freshrss", "FreshRSS/1.23.1 (Linux; https://freshrss.org)", "", 0, false},
		{"netnewswire", "NetNewsWire (RSS Reader; https://netnewswire.com/)", "", 0, false},
		{"chrome", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "", 0, false},
		{"firefox", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "", 0, false},
		{"curl", "curl/8.5.0", "", 0, false},
		{"yahoo users", "YahooFeedSeeker/2.0 (compatible; Mozilla 4.0; MSIE 5.5; http://publisher.yahoo.com/rssguide; users 0; views 0)", "", 0, false},
		{"empty", "", "", 0, false},
		{"too long", strings.Repeat("x", MaxUserAgentBytes) + " 5 subscribers", "", 0, false},
		{"number at the end", "Feedly 42", "", 0, false},
	}
}

func TestParse(t *testing.T) {
	for _, tt := range userAgents() {
		t.Run(tt.name, func(t *testing.T) {
			agg, n, ok := Parse(tt.ua)
			if agg != tt.aggregator || n != tt.count || ok != tt.ok {
				t.Errorf("Parse(%q) = %q, %d, %v; want %q, %d, %v", tt.ua, agg, n, ok, tt.aggregator, tt.count, tt.ok)
			}
		})
	}
}

func TestEveryAggregatorIsReachable(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range userAgents() {
		seen[tt.aggregator] = true
	}
	for _, name := range Aggregators() {
		t.Run(name, func(t *testing.T) {
			if !seen[name] {
				t.Errorf("no test User-Agent yields %q", name)
			}
		})
	}
	if got := Aggregators(); got[len(got)-1] != Other || slices.Contains(got[:len(got)-1], Other) {
		t.Errorf("Aggregators() = %v, want Other once, last", got)
	}
}

func TestParseAllocatesNothing(t *testing.T) {
	ua := userAgents()[0].ua
	if n := testing.AllocsPerRun(100, func() { Parse(ua) }); n != 0 {
		t.Errorf("Parse allocates %v times per call, want 0", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range userAgents() {
		f.Add(tt.ua)
	}
	f.Fuzz(func(t *testing.T, ua string) {
		agg, n, ok := Parse(ua)
		if !ok {
			if agg != "" || n != 0 {
				t.Fatalf("Parse(%q) = %q, %d, false; want zero values", ua, agg, n)
			}
			return
		}
		if n < 0 || n > MaxCount {
			t.Fatalf("Parse(%q) count %d outside [0, %d]", ua, n, MaxCount)
		}
		if !slices.Contains(Aggregators(), agg) {
			t.Fatalf("Parse(%q) aggregator %q not in Aggregators()", ua, agg)
		}
		if len(ua) > MaxUserAgentBytes {
			t.Fatalf("Parse read a %d-byte User-Agent", len(ua))
		}
	})
}
