package deploy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// serverDir holds the server's source: its config struct and its routes.
const serverDir = "../cmd/feedwire"

// server is what the manifests must agree with, read from the server's
// source without importing it.
type server struct {
	defaults map[string]string // every FEEDWIRE_* variable, to its default
	routes   map[string]bool   // the paths of method patterns such as "GET /healthz"
}

var routePattern = regexp.MustCompile(`^(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (/\S*)$`)

// readServer parses the server's non-test Go files, collecting the
// envconfig tag of every struct field (each names the variable "FEEDWIRE_"
// + tag, however the structs nest) and every string literal that is a
// method pattern. It skips the test if the config is not written yet.
func readServer(t *testing.T) *server {
	t.Helper()
	if _, err := os.Stat(filepath.Join(serverDir, "config.go")); err != nil {
		t.Skipf("no server config to check against yet: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(serverDir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	s := &server{defaults: map[string]string{}, routes: map[string]bool{}}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Field:
				if n.Tag != nil {
					s.addTag(n.Tag.Value)
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if v, err := strconv.Unquote(n.Value); err == nil {
						if m := routePattern.FindStringSubmatch(v); m != nil {
							s.routes[m[1]] = true
						}
					}
				}
			}
			return true
		})
	}
	if len(s.defaults) == 0 {
		t.Fatalf("no envconfig tags in %s", serverDir)
	}
	return s
}

func (s *server) addTag(lit string) {
	raw, err := strconv.Unquote(lit)
	if err != nil {
		return
	}
	tag := reflect.StructTag(raw)
	name, ok := tag.Lookup("envconfig")
	name, _, _ = strings.Cut(name, ",")
	if !ok || name == "" {
		return
	}
	s.defaults["FEEDWIRE_"+name] = tag.Get("default")
}

func TestServerSourceParsed(t *testing.T) {
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
