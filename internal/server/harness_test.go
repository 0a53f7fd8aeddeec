package server

import (
	"context"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/feedwire/feedwire/cache"
	"github.com/feedwire/feedwire/example"
	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/clienttest"
	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/fleet"
	"github.com/feedwire/feedwire/subscribers"
)

// testServer is a Server over real HTTP on loopback, serving one site.
type testServer struct {
	URL    string
	server *Server
	store  *subscribers.Store
}

// startServer serves the site that env names (FEEDWIRE_ settings without
// the prefix: POSTS_DIR, FEED_LIMIT, MAX_LIMIT, TIMEZONE; none: the bundled
// example site) with an in-process cache, subscriber counts and deltas,
// on a free loopback port until the test ends.
func startServer(t testing.TB, env map[string]string) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	for k, v := range env {
		var err error
		switch k {
		case "POSTS_DIR":
			cfg.PostsDir = v
		case "FEED_LIMIT":
			cfg.FeedLimit, err = strconv.Atoi(v)
		case "MAX_LIMIT":
			cfg.MaxLimit, err = strconv.Atoi(v)
		case "TIMEZONE":
			cfg.Timezone = v
		default:
			t.Fatalf("startServer: setting %s is not supported here", k)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	fsys := example.FS()
	if cfg.PostsDir != "" {
		fsys = os.DirFS(cfg.PostsDir)
	}
	site, err := cfg.Site(fsys)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := feed.Load(context.Background(), fsys, feed.LoadOptions{Site: site, MaxPostBytes: int64(cfg.MaxPostBytes), Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	store := subscribers.New(subscribers.Options{})
	s := New(Options{
		FeedLimit:   cfg.FeedLimit,
		MaxLimit:    cfg.MaxLimit,
		MaxAge:      cfg.MaxAge,
		Cache:       cache.NewTiered(cache.NewMemory(64<<20, nil), nil, cache.TieredOptions{}),
		Versions:    fleet.NewVersions(nil, time.Hour, time.Second, nil),
		Subscribers: store,
		Stats:       true,
		Modified:    fleet.NewModified(nil, nil),
	})
	if _, err := s.Swap(snap); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &testServer{URL: hs.URL, server: s, store: store}
}

// get sends a request with the given headers and returns the response with
// its body read.
var get = clienttest.Get
