package fleet

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/redistest"
)

const (
	versionTTL     = time.Hour
	versionTimeout = 200 * time.Millisecond
)

// hashesLookup is one Hashes call and what it should give.
type hashesLookup struct {
	name      string
	feed      string
	format    int
	validator string
	ok        bool
	hashes    []uint64
}

// checkHashes runs the lookups against d.
func checkHashes(t *testing.T, d *Versions, lookups []hashesLookup) {
	t.Helper()
	for _, l := range lookups {
		t.Run(l.name, func(t *testing.T) {
			hashes, ok := d.Hashes(context.Background(), l.feed, l.format, l.validator)
			if ok != l.ok {
				t.Fatalf("Hashes(%q, %d, %q) ok = %v, want %v", l.feed, l.format, l.validator, ok, l.ok)
			}
			if ok && !slices.Equal(hashes, l.hashes) {
				t.Errorf("Hashes(%q, %d, %q) = %x, want %x", l.feed, l.format, l.validator, hashes, l.hashes)
			}
		})
	}
}

func TestFeedID(t *testing.T) {
	for _, tt := range []struct {
		f    *feed.Feed
		want string
	}{
		{&feed.Feed{Kind: feed.KindSite}, "site:"},
		{&feed.Feed{Kind: feed.KindCategory, Key: "jiabao"}, "category:jiabao"},
		{&feed.Feed{Kind: feed.KindTag, Key: "甲报新闻"}, "tag:甲报新闻"},
	} {
		if got := FeedID(tt.f); got != tt.want {
			t.Errorf("FeedID(%v %q) = %q, want %q", tt.f.Kind, tt.f.Key, got, tt.want)
		}
	}
}

func TestVersionsHashes(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client()
	cat := FeedID(&feed.Feed{Kind: feed.KindCategory, Key: "jiabao"})
	site := FeedID(&feed.Feed{Kind: feed.KindSite})
	v := &Version{Feed: cat, Validators: [Formats]string{`"rss-1"`, `"atom-1"`, ""}, Hashes: []uint64{1, 1 << 63, math.MaxUint64}}
	w := &Version{Feed: site, Validators: [Formats]string{`"rss-2"`, `"atom-2"`, `"json-2"`}}
	lookups := []hashesLookup{
		{"RSS", cat, 0, `"rss-1"`, true, v.Hashes},
		{"Atom", cat, 1, `"atom-1"`, true, v.Hashes},
		{"JSON of a feed without items", site, 2, `"json-2"`, true, nil},
		{"wrong feed", site, 0, `"rss-1"`, false, nil},
		{"wrong feed, other kind", "tag:jiabao", 0, `"rss-1"`, false, nil},
		{"wrong format", cat, 1, `"rss-1"`, false, nil},
		{"wrong format, current document", cat, 2, `"rss-1"`, false, nil},
		{"other version's validator", cat, 0, `"rss-2"`, false, nil},
		{"no validator", cat, 2, "", false, nil},
		{"unknown validator", cat, 0, `"rss-0"`, false, nil},
	}
	first := NewVersions(client, versionTTL, versionTimeout, quietLog())
	first.Remember([]*Version{v, w})

	t.Run("memory", func(t *testing.T) { checkHashes(t, first, lookups) })
	t.Run("memory only", func(t *testing.T) {
		d := NewVersions(nil, versionTTL, versionTimeout, quietLog())
		d.Remember([]*Version{v, w})
		checkHashes(t, d, lookups)
	})
	t.Run("another replica, through Redis", func(t *testing.T) {
		second := NewVersions(client, versionTTL, versionTimeout, quietLog())
		checkHashes(t, second, lookups)
	})
	t.Run("another replica without Redis", func(t *testing.T) {
		d := NewVersions(nil, versionTTL, versionTimeout, quietLog())
		if _, ok := d.Hashes(context.Background(), cat, 0, `"rss-1"`); ok {
			t.Error("a replica without Redis knows a version it never saw")
		}
	})
	t.Run("Redis keys", func(t *testing.T) {
		ctx := context.Background()
		keys, err := client.Keys(ctx, deltaKeyPrefix+"*").Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 5 { // one per validator, none for ""
			t.Errorf("%d keys %q, want 5", len(keys), keys)
		}
		for _, k := range keys {
			if ttl, err := client.PTTL(ctx, k).Result(); err != nil || ttl <= 0 || ttl > versionTTL {
				t.Errorf("PTTL %s = %v, %v; want within (0, %v]", k, ttl, err, versionTTL)
			}
		}
	})
}

func TestVersionsKnownValidatorLeftOut(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client()
	v := &Version{Feed: "site:", Validators: [Formats]string{"r1", "a1", "j1"}, Hashes: []uint64{1}}
	dup := &Version{Feed: "site:", Validators: [Formats]string{"r9", "a1", "j9"}, Hashes: []uint64{9}}
	first := NewVersions(client, versionTTL, versionTimeout, quietLog())
	first.Remember([]*Version{v})
	first.Remember([]*Version{dup})
	second := NewVersions(client, versionTTL, versionTimeout, quietLog())
	lookups := []hashesLookup{
		{"first kept", "site:", 1, "a1", true, []uint64{1}},
		{"later left out", "site:", 0, "r9", false, nil},
	}
	t.Run("memory", func(t *testing.T) { checkHashes(t, first, lookups) })
	t.Run("through Redis", func(t *testing.T) { checkHashes(t, second, lookups) })
}

// versionsOf returns n versions of feed, oldest first, with validators
// unique to feed and first.
func versionsOf(feed string, first, n int) []*Version {
	out := make([]*Version, n)
	for i := range out {
		k := first + i
		out[i] = &Version{
			Feed:       feed,
			Validators: [Formats]string{fmt.Sprintf("%s/r%d", feed, k), fmt.Sprintf("%s/a%d", feed, k), ""},
			Hashes:     []uint64{uint64(k)},
		}
	}
	return out
}

// known reports whether d answers the RSS validator of v from memory.
func known(d *Versions, v *Version) bool {
	_, ok := d.Hashes(context.Background(), v.Feed, 0, v.Validators[0])
	return ok
}

// checkInvariants checks that d's indexes agree.
func checkInvariants(t *testing.T, d *Versions) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for f, list := range d.perFeed {
		if len(list) == 0 || len(list) > deltaVersionsPerFeed {
			t.Errorf("feed %s holds %d versions", f, len(list))
		}
		for _, v := range list {
			if v.dropped {
				t.Errorf("feed %s holds a dropped version", f)
			}
		}
		n += len(list)
	}
	if n != d.count {
		t.Errorf("%d versions by feed, count %d", n, d.count)
	}
	if d.count > maxDeltaVersions {
		t.Errorf("%d versions held, bound %d", d.count, maxDeltaVersions)
	}
	for val, v := range d.byValidator {
		if v.dropped {
			t.Errorf("validator %s names a dropped version", val)
		}
	}
	if len(d.queue) > 2*maxDeltaVersions {
		t.Errorf("queue of %d", len(d.queue))
	}
}

func TestVersionsPerFeedBound(t *testing.T) {
	for _, tt := range []struct {
		name     string
		remember func(d *Versions, vs []*Version)
	}{
		{"one swap", func(d *Versions, vs []*Version) { d.Remember(vs) }},
		{"a swap each", func(d *Versions, vs []*Version) {
			for _, v := range vs {
				d.Remember([]*Version{v})
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := NewVersions(nil, versionTTL, versionTimeout, quietLog())
			busy := versionsOf("category:busy", 0, deltaVersionsPerFeed+3)
			quiet := versionsOf("category:quiet", 0, 2)
			tt.remember(d, append(slices.Clone(busy[:1]), quiet...))
			tt.remember(d, busy[1:])
			for i, v := range busy {
				if want := i >= 3; known(d, v) != want {
					t.Errorf("version %d of %d of the busy feed known %v, want %v", i, len(busy), !want, want)
				}
			}
			for i, v := range quiet {
				if !known(d, v) {
					t.Errorf("version %d of the quiet feed dropped", i)
				}
			}
			checkInvariants(t, d)
		})
	}
}

func TestVersionsTotalBound(t *testing.T) {
	t.Run("many feeds", func(t *testing.T) {
		d := NewVersions(nil, versionTTL, versionTimeout, quietLog())
		var all []*Version
		for i := range maxDeltaVersions + 5 {
			all = append(all, versionsOf(fmt.Sprintf("tag:t%d", i), 0, 1)...)
		}
		d.Remember(all[:maxDeltaVersions])
		if !known(d, all[0]) {
			t.Fatal("the oldest version dropped within the bound")
		}
		d.Remember(all[maxDeltaVersions:])
		for i, v := range all {
			if want := i >= 5; known(d, v) != want {
				t.Errorf("version %d known %v, want %v", i, !want, want)
			}
		}
		if d.count != maxDeltaVersions {
			t.Errorf("%d versions held, want %d", d.count, maxDeltaVersions)
		}
		checkInvariants(t, d)
	})
	t.Run("churn of a few feeds", func(t *testing.T) {
		// Versions dropped by the per-feed bound stay in the queue until
		// it is compacted.
		d := NewVersions(nil, versionTTL, versionTimeout, quietLog())
		feeds := []string{"site:", "category:a", "tag:b"}
		const rounds = 2*maxDeltaVersions/3 + 100
		for r := range rounds {
			var swap []*Version
			for _, f := range feeds {
				swap = append(swap, versionsOf(f, r, 1)...)
			}
			d.Remember(swap)
		}
		for _, f := range feeds {
			for r := rounds - deltaVersionsPerFeed - 2; r < rounds; r++ {
				if want := r >= rounds-deltaVersionsPerFeed; known(d, versionsOf(f, r, 1)[0]) != want {
					t.Errorf("%s version %d known %v, want %v", f, r, !want, want)
				}
			}
		}
		if want := len(feeds) * deltaVersionsPerFeed; d.count != want {
			t.Errorf("%d versions held, want %d", d.count, want)
		}
		checkInvariants(t, d)
	})
}

func TestDeltaValueRoundTrip(t *testing.T) {
	for _, v := range []*Version{
		{Feed: "site:"},
		{Feed: "site:", Hashes: []uint64{0}},
		{Feed: "category:jiabao", Hashes: []uint64{1, 2, 3}},
		{Feed: "tag:甲报新闻", Hashes: []uint64{math.MaxUint64, 1 << 63, 0x0102030405060708}},
		{Feed: "", Hashes: []uint64{42}},
	} {
		for format := range Formats {
			t.Run(fmt.Sprintf("%s/%d/%d", v.Feed, format, len(v.Hashes)), func(t *testing.T) {
				b := encodeDeltaValue(v, format)
				id, f, hashes, ok := decodeDeltaValue(b)
				if !ok || id != v.Feed || f != format || !slices.Equal(hashes, v.Hashes) {
					t.Errorf("decode(encode) = %q, %d, %x, %v; want %q, %d, %x, true", id, f, hashes, ok, v.Feed, format, v.Hashes)
				}
				if want := 2 + len(v.Feed) + 8*len(v.Hashes); len(b) != want {
					t.Errorf("encoded in %d bytes, want %d", len(b), want)
				}
			})
		}
	}
}

func TestDecodeDeltaValueMalformed(t *testing.T) {
	valid := encodeDeltaValue(&Version{Feed: "site:", Hashes: []uint64{1, 2}}, 1)
	for _, tt := range []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"format only", []byte{0}},
		{"no end of ID", []byte("\x00site:")},
		{"no end of ID, hash-sized", append([]byte{1}, "site:abc"...)},
		{"short hash", append([]byte("\x00site:\x00"), 1, 2, 3)},
		{"hash and a byte", append([]byte("\x00site:\x00"), 1, 2, 3, 4, 5, 6, 7, 8, 9)},
		{"truncated", valid[:len(valid)-1]},
		{"byte added", append(slices.Clone(valid), 0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if id, f, hashes, ok := decodeDeltaValue(tt.b); ok {
				t.Errorf("decode(%q) = %q, %d, %x, true; want not ok", tt.b, id, f, hashes)
			}
		})
	}
}

// redisClients is the clients a Redis failure is tried with: go-redis's
// defaults (retries) and production's settings (no retries, context
// deadlines).
var redisClients = []struct {
	name   string
	client func(*testing.T, *redistest.Server) redis.UniversalClient
}{
	{"default client", func(_ *testing.T, s *redistest.Server) redis.UniversalClient { return s.Client() }},
	{"fail-fast client", func(t *testing.T, s *redistest.Server) redis.UniversalClient { return failFastClient(t, s) }},
}

func TestVersionsRedisDown(t *testing.T) {
	for _, c := range redisClients {
		t.Run(c.name, func(t *testing.T) {
			srv := redistest.Start(t)
			client := c.client(t, srv)
			rec := &logRecorder{}
			v := &Version{Feed: "site:", Validators: [Formats]string{"r1", "a1", "j1"}, Hashes: []uint64{1, 2}}
			first := NewVersions(client, versionTTL, versionTimeout, slog.New(rec))
			first.Remember([]*Version{v})
			second := NewVersions(client, versionTTL, versionTimeout, slog.New(rec))
			if _, ok := second.Hashes(context.Background(), "site:", 0, "r1"); !ok {
				t.Fatal("version not read from Redis while it was up")
			}
			srv.Kill()

			// The second replica held nothing in memory: no delta, quickly.
			start := time.Now()
			if _, ok := second.Hashes(context.Background(), "site:", 1, "a1"); ok {
				t.Error("Hashes ok with Redis down")
			}
			if d := time.Since(start); d > versionTimeout+time.Second {
				t.Errorf("Hashes took %v with Redis down", d)
			}
			// The first still answers from memory.
			if h, ok := first.Hashes(context.Background(), "site:", 1, "a1"); !ok || !slices.Equal(h, v.Hashes) {
				t.Errorf("from memory with Redis down: %x, %v", h, ok)
			}
			// Remembering with Redis down keeps the version in memory and
			// warns.
			w := &Version{Feed: "site:", Validators: [Formats]string{"r2", "a2", "j2"}, Hashes: []uint64{3}}
			start = time.Now()
			first.Remember([]*Version{w})
			if d := time.Since(start); d > deltaWriteTimeout+time.Second {
				t.Errorf("Remember took %v with Redis down", d)
			}
			if h, ok := first.Hashes(context.Background(), "site:", 2, "j2"); !ok || !slices.Equal(h, w.Hashes) {
				t.Errorf("remembered with Redis down: %x, %v", h, ok)
			}
			if !rec.warned("not written to Redis") {
				t.Errorf("no warning logged; log: %q", rec.msgs)
			}

			// Redis back, empty: versions remembered later are shared again.
			srv.Restart()
			x := &Version{Feed: "site:", Validators: [Formats]string{"r3", "a3", "j3"}, Hashes: []uint64{4}}
			first.Remember([]*Version{x})
			if h, ok := second.Hashes(context.Background(), "site:", 0, "r3"); !ok || !slices.Equal(h, x.Hashes) {
				t.Errorf("through Redis once back: %x, %v", h, ok)
			}
		})
	}
}

// TestVersionsRedisHung checks that a Redis that accepts connections but
// does not answer (CLIENT PAUSE) costs a lookup no more than the timeout,
// with a client that honours context deadlines, as production's does.
func TestVersionsRedisHung(t *testing.T) {
	srv := redistest.Start(t)
	client := failFastClient(t, srv)
	v := &Version{Feed: "site:", Validators: [Formats]string{"r1", "a1", "j1"}, Hashes: []uint64{1}}
	NewVersions(client, versionTTL, versionTimeout, quietLog()).Remember([]*Version{v})
	second := NewVersions(client, versionTTL, versionTimeout, quietLog())
	if err := srv.Client().Do(context.Background(), "CLIENT", "PAUSE", "5000", "ALL").Err(); err != nil {
		t.Fatalf("CLIENT PAUSE: %v", err)
	}
	for _, tt := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"timeout", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }},
		{"caller's shorter deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), versionTimeout/4)
		}},
		{"caller gone", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			if _, ok := second.Hashes(ctx, "site:", 0, "r1"); ok {
				t.Error("Hashes ok from a paused Redis")
			}
			if d := time.Since(start); d > versionTimeout+500*time.Millisecond {
				t.Errorf("Hashes took %v, timeout %v", d, versionTimeout)
			}
		})
	}
}
