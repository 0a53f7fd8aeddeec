package subscribers

import (
	"context"
	"maps"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/redistest"
)

// replicas returns two Stores sharing one real redis-server, on one clock.
func replicas(t *testing.T) (a, b *Store, srv *redistest.Server, c *clock) {
	t.Helper()
	srv = redistest.Start(t)
	c = newClock()
	a = New(Options{Redis: srv.Client(), Now: c.Now})
	b = New(Options{Redis: srv.Client(), Now: c.Now})
	return a, b, srv, c
}

func TestReplicasSeeEachOthersCounts(t *testing.T) {
	ctx := context.Background()
	a, b, _, c := replicas(t)
	a.Record("/feed.xml", "feedly", 42)
	c.Add(time.Second)
	b.Record("/feed.xml", "inoreader", 3)
	b.Record("/atom.xml", "feedly", 8)
	for _, s := range []*Store{a, b} {
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := Stats{
		Feeds: []FeedCounts{
			{"/atom.xml", []Count{{"feedly", 8}}, 8},
			{"/feed.xml", []Count{{"feedly", 42}, {"inoreader", 3}}, 45},
		},
		Totals: []Count{{"feedly", 50}, {"inoreader", 3}},
		Total:  53,
	}
	for name, s := range map[string]*Store{"a": a, "b": b} {
		t.Run(name, func(t *testing.T) {
			if got := s.Snapshot(ctx); !reflect.DeepEqual(got, want) {
				t.Errorf("Snapshot =\n%+v\nwant\n%+v", got, want)
			}
			if got := s.Totals(); !maps.Equal(got, map[string]int{"feedly": 50, "inoreader": 3}) {
				t.Errorf("Totals() = %v", got)
			}
		})
	}
}

func TestLaterCountWinsAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	a, b, srv, c := replicas(t)
	early := c.Now()
	c.Add(time.Minute)
	b.Record("/feed.xml", "feedly", 50) // seen later
	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	a.now = func() time.Time { return early } // a replica whose news is older
	a.Record("/feed.xml", "feedly", 42)
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := srv.Client().HGet(ctx, RedisKey, "/feed.xml\x00feedly").Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := "50:" + strconv.FormatInt(c.Now().UnixMilli(), 10); v != want {
		t.Errorf("Redis holds %q, want %q: an older count overwrote a newer one", v, want)
	}
	a.now = c.Now
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := a.Feed("/feed.xml"); !reflect.DeepEqual(got, []Count{{"feedly", 50}}) {
		t.Errorf("a.Feed after Refresh = %v, want feedly 50", got)
	}
}

func TestRefreshDropsOldCountsFromRedis(t *testing.T) {
	ctx := context.Background()
	a, b, srv, c := replicas(t)
	a.Record("/old.xml", "feedly", 1)
	c.Add(DefaultMaxAge / 2)
	a.Record("/new.xml", "feedly", 2)
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	c.Add(DefaultMaxAge/2 + time.Second)
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.Totals(); !maps.Equal(got, map[string]int{"feedly": 2}) {
		t.Errorf("b.Totals() = %v, want feedly 2 only", got)
	}
	fields, err := srv.Client().HKeys(ctx, RedisKey).Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/new.xml\x00feedly"}; !reflect.DeepEqual(fields, want) {
		t.Errorf("Redis fields = %q, want %q", fields, want)
	}
}

func TestUnchangedCountsAreNotRewrittenEveryTime(t *testing.T) {
	a, _, _, c := replicas(t)
	a.Record("/feed.xml", "feedly", 42)
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		advance time.Duration
		count   int
		queued  bool
	}{
		{"same count soon after", time.Minute, 42, false},
		{"changed count", time.Second, 43, true},
		{"same count after RewriteAfter", DefaultRewriteAfter, 43, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Add(tt.advance)
			a.Record("/feed.xml", "feedly", tt.count)
			a.mu.Lock()
			queued := len(a.pending) == 1
			a.pending = map[string]pending{}
			a.mu.Unlock()
			if queued != tt.queued {
				t.Errorf("queued = %v, want %v", queued, tt.queued)
			}
		})
	}
}

func TestStoreOutlivesRedis(t *testing.T) {
	ctx := context.Background()
	a, b, srv, _ := replicas(t)
	srv.Kill()
	a.Observe("/feed.xml", "Feedbin feed-id:1234 - 42 subscribers")
	if err := a.Flush(ctx); err == nil {
		t.Fatal("Flush to a killed Redis succeeded")
	}
	if err := a.Refresh(ctx); err == nil {
		t.Fatal("Refresh from a killed Redis succeeded")
	}
	if got := a.Snapshot(ctx); got.Total != 42 {
		t.Errorf("Snapshot total with Redis down = %d, want 42 from memory", got.Total)
	}
	if got := a.Totals(); !maps.Equal(got, map[string]int{"feedbin": 42}) {
		t.Errorf("Totals() with Redis down = %v", got)
	}

	srv.Restart()
	if err := a.Flush(ctx); err != nil {
		t.Fatalf("Flush after restart: %v", err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.Feed("/feed.xml"); !reflect.DeepEqual(got, []Count{{"feedbin", 42}}) {
		t.Errorf("b.Feed after Redis came back = %v: the failed write was not kept for the next flush", got)
	}
}

func TestRunFlushesOnStop(t *testing.T) {
	a, b, _, _ := replicas(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	a.Record("/feed.xml", "bazqux", 3)
	cancel()
	<-done
	if err := b.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := b.Feed("/feed.xml"); !reflect.DeepEqual(got, []Count{{"bazqux", 3}}) {
		t.Errorf("b.Feed after a.Run stopped = %v, want bazqux 3", got)
	}
}

// TestRunExportsOtherReplicasCounts: Run merges what another replica wrote
// and hands the totals to Export, without any request.
func TestRunExportsOtherReplicasCounts(t *testing.T) {
	srv := redistest.Start(t)
	a := New(Options{Redis: srv.Client()})
	a.Record("/feed.xml", "feedly", 42)
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := make(chan map[string]int, 8)
	b := New(Options{Redis: srv.Client(), ExportInterval: 10 * time.Millisecond,
		Export: func(totals map[string]int) { got <- totals }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.Run(ctx) }()
	defer func() { cancel(); <-done }()
	select {
	case totals := <-got:
		if totals["feedly"] != 42 {
			t.Errorf("exported %v, want feedly 42", totals)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing exported within 10s")
	}
}
