package deploy

import (
	"net/http"
	"os"
	"regexp"
	"testing"
	"time"

	feedconfig "github.com/feedwire/feedwire/internal/config"
	feedserver "github.com/feedwire/feedwire/internal/server"
	"github.com/feedwire/feedwire/subscribers"
)

// server is what the manifests must agree with, taken from the server's
// own packages: its configuration variables and its routes.
type server struct {
	defaults map[string]string // every FEEDWIRE_* variable, to its default
	routes   map[string]bool   // the paths of method patterns such as "GET /healthz"
}

var routePattern = regexp.MustCompile(`^(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (/\S*)$`)

// readServer collects every variable config.Variables lists with its
// default, and the path of every pattern the server's handler serves, with
// every optional route (/metrics, /stats.json) turned on. Anything it cannot
// make sense of fails the test.
func readServer(t *testing.T) *server {
	t.Helper()
	s := &server{defaults: map[string]string{}, routes: map[string]bool{}}
	for _, v := range feedconfig.Variables() {
		if !feedwireName.MatchString(v.Name) || feedwireName.FindString(v.Name) != v.Name {
			t.Fatalf("config variable %q is not a FEEDWIRE_* name", v.Name)
		}
		if _, dup := s.defaults[v.Name]; dup {
			t.Fatalf("config variable %s listed twice", v.Name)
		}
		s.defaults[v.Name] = v.Default
	}
	if len(s.defaults) == 0 {
		t.Fatal("config.Variables lists no variable")
	}
	srv := feedserver.New(feedserver.Options{
		FeedLimit:   20,
		MaxLimit:    100,
		Subscribers: subscribers.New(subscribers.Options{}),
		Stats:       true,
		Metrics:     http.NotFoundHandler(),
	})
	for _, p := range srv.Patterns() {
		m := routePattern.FindStringSubmatch(p)
		if m == nil {
			t.Fatalf("route pattern %q is not METHOD /path", p)
		}
		s.routes[m[1]] = true
	}
	if len(s.routes) == 0 {
		t.Fatal("server.Patterns lists no route")
	}
	return s
}

func TestServerConfigAndRoutes(t *testing.T) {
	s := readServer(t)
	for _, name := range []string{"FEEDWIRE_ADDR", "FEEDWIRE_POSTS_DIR", "FEEDWIRE_SHUTDOWN_TIMEOUT", "FEEDWIRE_METRICS_ADDR"} {
		t.Run(name, func(t *testing.T) {
			if _, ok := s.defaults[name]; !ok {
				t.Errorf("%s not found among %d variables", name, len(s.defaults))
			}
		})
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		t.Run(path, func(t *testing.T) {
			if !s.routes[path] {
				t.Errorf("route GET %s not found among %v", path, s.routes)
			}
		})
	}
	// The string defaults the checks below read are the ones the server
	// runs with when the manifests leave a variable unset.
	t.Run("defaults", func(t *testing.T) {
		def := feedconfig.Default()
		for name, want := range map[string]string{
			"FEEDWIRE_ADDR":         def.Addr,
			"FEEDWIRE_METRICS_ADDR": def.MetricsAddr,
			"FEEDWIRE_POSTS_DIR":    def.PostsDir,
		} {
			if got := s.defaults[name]; got != want {
				t.Errorf("%s default %q, config.Default has %q", name, got, want)
			}
		}
		d, err := time.ParseDuration(s.defaults["FEEDWIRE_SHUTDOWN_TIMEOUT"])
		if err != nil || d != def.ShutdownTimeout {
			t.Errorf("FEEDWIRE_SHUTDOWN_TIMEOUT default %q (%v), config.Default has %v",
				s.defaults["FEEDWIRE_SHUTDOWN_TIMEOUT"], err, def.ShutdownTimeout)
		}
	})
}

var feedwireName = regexp.MustCompile(`FEEDWIRE_[A-Z0-9_]+`)

func TestFeedwireNamesAreConfigFields(t *testing.T) {
	s := readServer(t)
	sources := map[string][][]byte{}
	for _, dir := range kustomizations() {
		sources[dir] = build(t, dir).raw
	}
	dockerfile, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	sources["Dockerfile"] = [][]byte{dockerfile}
	for where, docs := range sources {
		t.Run(where, func(t *testing.T) {
			seen := 0
			for _, doc := range docs {
				for _, name := range feedwireName.FindAllString(string(doc), -1) {
					seen++
					if _, ok := s.defaults[name]; !ok {
						t.Errorf("%s is not a configuration variable", name)
					}
				}
			}
			if seen == 0 {
				t.Error("no FEEDWIRE_* variable found")
			}
		})
	}
}
