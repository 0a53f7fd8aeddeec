package subscribers

import "testing"

// BenchmarkObserve measures the cost Observe adds to a feed request: a
// browser (no count, the common case) and an aggregator.
func BenchmarkObserve(b *testing.B) {
	for _, bb := range []struct{ name, ua string }{
		{"browser", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
		{"feedly", "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; like FeedFetcher-Google)"},
		{"newsblur", "NewsBlur Feed Fetcher - 42 subscribers - https://www.newsblur.com/site/1234/zhuzhou-daily (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15)"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			s := New(Options{})
			b.ReportAllocs()
			for b.Loop() {
				s.Observe("/categories/zhuzhouribao/feed.xml", bb.ua)
			}
		})
	}
}
