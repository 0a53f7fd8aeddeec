package subscribers

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const (
	feedlyUA    = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; %d subscribers; like FeedFetcher-Google)"
	inoreaderUA = "Mozilla/5.0 (compatible; inoreader.com; %d subscribers)"
	browserUA   = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
)

func TestStoreKeepsTheLatestCount(t *testing.T) {
	type obs struct{ feed, ua string }
	tests := []struct {
		name   string
		obs    []obs
		feed   string
		want   []Count
		totals map[string]int
	}{
		{"one", []obs{{"/feed.xml", fmt.Sprintf(feedlyUA, 42)}}, "/feed.xml",
			[]Count{{"feedly", 42}}, map[string]int{"feedly": 42}},
		{"latest wins, lower or higher", []obs{
			{"/feed.xml", fmt.Sprintf(feedlyUA, 42)},
			{"/feed.xml", fmt.Sprintf(feedlyUA, 7)},
			{"/feed.xml", fmt.Sprintf(feedlyUA, 9)},
		}, "/feed.xml", []Count{{"feedly", 9}}, map[string]int{"feedly": 9}},
		{"aggregators side by side, sorted", []obs{
			{"/feed.xml", fmt.Sprintf(inoreaderUA, 3)},
			{"/feed.xml", fmt.Sprintf(feedlyUA, 42)},
		}, "/feed.xml", []Count{{"feedly", 42}, {"inoreader", 3}}, map[string]int{"feedly": 42, "inoreader": 3}},
		{"totals sum over feeds", []obs{
			{"/feed.xml", fmt.Sprintf(feedlyUA, 42)},
			{"/atom.xml", fmt.Sprintf(feedlyUA, 8)},
			{"/atom.xml", fmt.Sprintf(inoreaderUA, 1)},
		}, "/atom.xml", []Count{{"feedly", 8}, {"inoreader", 1}}, map[string]int{"feedly": 50, "inoreader": 1}},
		{"browser counts nothing", []obs{
			{"/feed.xml", fmt.Sprintf(feedlyUA, 42)},
			{"/feed.xml", browserUA},
		}, "/feed.xml", []Count{{"feedly", 42}}, map[string]int{"feedly": 42}},
		{"bad feed keys ignored", []obs{
			{"", fmt.Sprintf(feedlyUA, 1)},
			{"a\x00b", fmt.Sprintf(feedlyUA, 2)},
			{strings.Repeat("x", MaxFeedKeyBytes+1), fmt.Sprintf(feedlyUA, 3)},
		}, "", nil, map[string]int{}},
		{"unknown feed", []obs{{"/feed.xml", fmt.Sprintf(feedlyUA, 1)}}, "/tags/x/feed.xml",
			nil, map[string]int{"feedly": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{})
			for _, o := range tt.obs {
				s.Observe(o.feed, o.ua)
			}
			if got := s.Feed(tt.feed); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Feed(%q) = %v, want %v", tt.feed, got, tt.want)
			}
			if got := s.Totals(); !maps.Equal(got, tt.totals) {
				t.Errorf("Totals() = %v, want %v", got, tt.totals)
			}
		})
	}
}

func TestRecordBoundsItsInput(t *testing.T) {
	tests := []struct {
		name, aggregator string
		count            int
		want             Count
	}{
		{"known", "feedbin", 5, Count{"feedbin", 5}},
		{"unknown aggregator is other", "株洲日报", 5, Count{Other, 5}},
		{"negative is zero", "feedly", -3, Count{"feedly", 0}},
		{"huge is capped", "feedly", MaxCount * 10, Count{"feedly", MaxCount}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{})
			s.Record("/feed.xml", tt.aggregator, tt.count)
			if got := s.Feed("/feed.xml"); !reflect.DeepEqual(got, []Count{tt.want}) {
				t.Errorf("Feed = %v, want [%v]", got, tt.want)
			}
		})
	}
}

func TestStoreEvictsTheLeastRecentlyUpdatedFeed(t *testing.T) {
	s := New(Options{MaxFeeds: 2})
	s.Record("/a", "feedly", 1)
	s.Record("/b", "feedly", 2)
	s.Record("/a", "feedly", 3) // /b is now the least recently updated
	s.Record("/c", "feedly", 4)
	for _, tt := range []struct {
		feed string
		kept bool
	}{{"/a", true}, {"/b", false}, {"/c", true}} {
		t.Run(tt.feed, func(t *testing.T) {
			if got := s.Feed(tt.feed) != nil; got != tt.kept {
				t.Errorf("kept = %v, want %v", got, tt.kept)
			}
		})
	}
	if got := s.Totals(); got["feedly"] != 7 {
		t.Errorf("Totals()[feedly] = %d, want 7 (3 + 4)", got["feedly"])
	}
}

func TestCountsExpireAfterMaxAge(t *testing.T) {
	c := newClock()
	s := New(Options{MaxAge: time.Hour, Now: c.Now})
	s.Record("/old", "feedly", 1)
	c.Add(59 * time.Minute)
	s.Record("/new", "feedly", 2)
	c.Add(2 * time.Minute)
	if got := s.Feed("/old"); got != nil {
		t.Errorf("Feed(/old) after MaxAge = %v, want nil", got)
	}
	if got := s.Totals(); !maps.Equal(got, map[string]int{"feedly": 2}) {
		t.Errorf("Totals() = %v, want feedly 2", got)
	}
	if err := s.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	n := s.lru.Len()
	s.mu.Unlock()
	if n != 1 {
		t.Errorf("%d feeds in memory after Refresh, want 1", n)
	}
}

func TestSnapshotIsSorted(t *testing.T) {
	s := New(Options{})
	s.Record("/tags/b/feed.xml", "inoreader", 2)
	s.Record("/feed.xml", "newsblur", 1)
	s.Record("/feed.xml", "feedly", 40)
	s.Record("/categories/a/atom.xml", "feedly", 2)
	want := Stats{
		Feeds: []FeedCounts{
			{"/categories/a/atom.xml", []Count{{"feedly", 2}}, 2},
			{"/feed.xml", []Count{{"feedly", 40}, {"newsblur", 1}}, 41},
			{"/tags/b/feed.xml", []Count{{"inoreader", 2}}, 2},
		},
		Totals: []Count{{"feedly", 42}, {"inoreader", 2}, {"newsblur", 1}},
		Total:  45,
	}
	if got := s.Snapshot(context.Background()); !reflect.DeepEqual(got, want) {
		t.Errorf("Snapshot =\n%+v\nwant\n%+v", got, want)
	}
}

func TestStoreIsSafeForConcurrentUse(t *testing.T) {
	s := New(Options{MaxFeeds: 8})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				s.Observe(fmt.Sprintf("/tags/%d/feed.xml", i%16), fmt.Sprintf(feedlyUA, g))
				s.Totals()
				s.Snapshot(context.Background())
			}
		})
	}
	wg.Wait()
	if got := len(s.Snapshot(context.Background()).Feeds); got != 8 {
		t.Errorf("%d feeds kept, want MaxFeeds 8", got)
	}
}

func TestIsKnownMatchesAggregators(t *testing.T) {
	for _, name := range append(Aggregators(), "", "Feedly", "mozilla") {
		t.Run(name, func(t *testing.T) {
			want := slices.Contains(Aggregators(), name)
			if got := isKnown(name); got != want {
				t.Errorf("isKnown(%q) = %v, want %v", name, got, want)
			}
		})
	}
}
