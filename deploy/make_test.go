package deploy

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeSchemaToolsWithoutRegistry: with npm installed but its registry
// unreachable, `make tools/node_modules` (which make test depends on)
// succeeds, says the schema checks will be skipped, and leaves no partial
// node_modules that would make them fail instead of skip. It runs the
// Makefile in a copy, against a loopback port nothing listens on.
func TestMakeSchemaToolsWithoutRegistry(t *testing.T) {
	for _, tool := range []string{"make", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found in PATH", tool)
		}
	}
	dir := t.TempDir()
	for _, f := range []string{"Makefile", "tools/package.json", "tools/package-lock.json"} {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	cmd := exec.Command("make", "tools/node_modules")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_registry=http://"+closed+"/", "npm_config_cache="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make tools/node_modules with the registry unreachable: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "JSON Feed schema checks will be skipped") {
		t.Errorf("make said nothing of the skipped checks:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "tools", "node_modules", ".bin", "ajv")); err == nil {
		t.Error("ajv installed from an unreachable registry?")
	}
	if _, err := os.Stat(filepath.Join(dir, "tools", "node_modules")); err == nil {
		t.Error("a partial tools/node_modules is left behind")
	}
}
