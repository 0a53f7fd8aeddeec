package server

import (
	"testing"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/subscribers"
)

func TestFeedRoute(t *testing.T) {
	tests := []struct {
		pattern string
		kind    feed.Kind
		format  feed.Format
		ok      bool
	}{
		{"GET /feed.xml", feed.KindSite, feed.RSS, true},
		{"GET /atom.xml", feed.KindSite, feed.Atom, true},
		{"GET /categories/{name}/feed.json", feed.KindCategory, feed.JSON, true},
		{"GET /tags/{name}/atom.xml", feed.KindTag, feed.Atom, true},
		{"GET /opml.xml", 0, 0, false},
		{"GET /stats.json", 0, 0, false},
		{"GET /categories/{name}/{$}", 0, 0, false},
		{"GET /{$}", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			kind, format, ok := feedRoute(tt.pattern)
			if ok != tt.ok || ok && (kind != tt.kind || format != tt.format) {
				t.Errorf("feedRoute = %v, %v, %v; want %v, %v, %v", kind, format, ok, tt.kind, tt.format, tt.ok)
			}
		})
	}
}

func TestFeedSubscribersSumsFormats(t *testing.T) {
	store := subscribers.New(subscribers.Options{})
	s := New(Options{FeedLimit: 20, MaxLimit: 100, Subscribers: store})
	store.Record(subscriberKey(feed.KindCategory, "hunanribao", feed.RSS), "feedly", 40)
	store.Record(subscriberKey(feed.KindCategory, "hunanribao", feed.Atom), "feedly", 2)
	store.Record(subscriberKey(feed.KindCategory, "hunanribao", feed.JSON), "inoreader", 1)
	store.Record(subscriberKey(feed.KindTag, "hunanribao", feed.RSS), "feedly", 1000)
	if got := s.feedSubscribers(feed.KindCategory, "hunanribao"); got != 43 {
		t.Errorf("feedSubscribers(category hunanribao) = %d, want 43", got)
	}
	if got := subscriberKey(feed.KindTag, "株洲", feed.Atom); got != "/tags/%E6%A0%AA%E6%B4%B2/atom.xml" {
		t.Errorf("subscriberKey = %q", got)
	}
}
