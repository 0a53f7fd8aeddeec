package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// TestMain runs main itself when a test re-executes the test binary with
// GO_FEEDWIRE_RUN_MAIN=1 (not a FEEDWIRE_ name: it is no setting), with
// the arguments in GO_FEEDWIRE_ARGS.
func TestMain(m *testing.M) {
	if os.Getenv("GO_FEEDWIRE_RUN_MAIN") == "1" {
		os.Args = append([]string{"feedwire"}, strings.Fields(os.Getenv("GO_FEEDWIRE_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

// runMain runs main in a process of its own with args and the FEEDWIRE_
// variables of env (names without the prefix) and no other, and returns
// its exit code, stdout and stderr.
func runMain(t *testing.T, args []string, env map[string]string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, config.Prefix+"_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GO_FEEDWIRE_RUN_MAIN=1", "GO_FEEDWIRE_ARGS="+strings.Join(args, " "),
		config.Prefix+"_ADDR=127.0.0.1:0")
	for k, v := range env {
		cmd.Env = append(cmd.Env, config.Prefix+"_"+k+"="+v)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// TestStartupRejects starts feedwire with each setting that can never
// work: it exits 1 with one line naming the variable, the value and what
// is expected, and serves nothing.
func TestStartupRejects(t *testing.T) {
	hostname := filepath.Join(t.TempDir(), "hostname")
	if err := os.WriteFile(hostname, []byte("box\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badZone := sitetest.New(t)
	badZone.Write("_config.yml", "title: T\nurl: https://news.example.org\ntimezone: Mars/Olympus\n")
	badPermalink := sitetest.New(t)
	badPermalink.Write("_config.yml", "url: https://news.example.org\npermalink: /:nonsense/\n")
	const wantURL = "want an absolute http:// or https:// URL such as https://news.example.org"
	tests := []struct {
		name string
		env  map[string]string
		want string // the last line of stderr
	}{
		{"site url without scheme", map[string]string{"SITE_URL": "example.org"},
			`feedwire: config: FEEDWIRE_SITE_URL="example.org": it has no scheme; ` + wantURL},
		{"site url not a url", map[string]string{"SITE_URL": "not-a-url"},
			`feedwire: config: FEEDWIRE_SITE_URL="not-a-url": it has no scheme; ` + wantURL},
		{"site url ftp", map[string]string{"SITE_URL": "ftp://x.org"},
			`feedwire: config: FEEDWIRE_SITE_URL="ftp://x.org": scheme ftp is not http or https; ` + wantURL},
		{"site url with a space", map[string]string{"SITE_URL": "https://ex ample.org"},
			`feedwire: config: FEEDWIRE_SITE_URL="https://ex ample.org": it holds a space or control character; ` + wantURL},
		{"websub hub", map[string]string{"WEBSUB_HUB": "notaurl"},
			`feedwire: config: FEEDWIRE_WEBSUB_HUB="notaurl": it has no scheme; ` + wantURL},
		{"permalink", map[string]string{"PERMALINK": "/:nonsense/:title"},
			`feedwire: config: FEEDWIRE_PERMALINK="/:nonsense/:title": :nonsense is not a placeholder; want a Jekyll permalink style`},
		{"negative reload interval", map[string]string{"RELOAD_INTERVAL": "-1s"},
			`feedwire: config: FEEDWIRE_RELOAD_INTERVAL="-1s": want a duration such as 500ms, 30s, 5m or 1h30m, or 0 (off)`},
		{"metrics on the main address", map[string]string{"ADDR": ":18080", "METRICS_ADDR": ":18080"},
			`feedwire: config: FEEDWIRE_METRICS_ADDR=":18080": want empty, or a listen address host:port such as :8080 or localhost:8080 other than FEEDWIRE_ADDR's`},
		{"time zone", map[string]string{"TIMEZONE": "Mars/Olympus"},
			`feedwire: config: FEEDWIRE_TIMEZONE="Mars/Olympus": no such time zone; want an IANA time zone such as UTC, Asia/Shanghai or America/New_York`},
		{"time zone in _config.yml", map[string]string{"POSTS_DIR": badZone.Root},
			`feedwire: site settings of ` + badZone.Root + `: feed: _config.yml: timezone "Mars/Olympus": unknown time zone Mars/Olympus`},
		{"permalink in _config.yml", map[string]string{"POSTS_DIR": badPermalink.Root},
			`feedwire: site settings of ` + badPermalink.Root + `: config: _config.yml permalink="/:nonsense/": :nonsense is not a placeholder; want a Jekyll permalink style`},
		{"feed limit not a number", map[string]string{"FEED_LIMIT": "abc"},
			`feedwire: config: FEEDWIRE_FEED_LIMIT="abc": want a whole number of items, at least 1`},
		{"byte size", map[string]string{"MAX_POST_BYTES": "lots"},
			`feedwire: config: FEEDWIRE_MAX_POST_BYTES="lots": want a byte size such as 4194304, 512KB or 64MiB (KB = 1000 bytes, KiB = 1024), at least 1`},
		{"posts folder is a file", map[string]string{"POSTS_DIR": hostname},
			`feedwire: posts folder ` + hostname + ` is not a directory`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runMain(t, nil, tt.env)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, tt.want) {
				t.Errorf("last line of stderr\n got %s\nwant %s…", last, tt.want)
			}
			for _, l := range lines[:len(lines)-1] {
				if !json.Valid([]byte(l)) {
					t.Errorf("stderr has another line that is not a log record: %s", l)
				}
			}
			if strings.Contains(stderr, `"msg":"listening"`) || stdout != "" {
				t.Errorf("it started serving, or wrote to stdout:\n%s%s", stdout, stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version", "-version"} {
		t.Run(arg, func(t *testing.T) {
			var out, errs strings.Builder
			code, err := run(context.Background(), []string{arg}, &out, &errs)
			if code != 0 || err != nil {
				t.Fatalf("exit %d, %v", code, err)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != 3 || lines[0] != "feedwire dev" || !strings.HasPrefix(lines[1], "commit   ") ||
				lines[2] != "go       "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH {
				t.Errorf("printed\n%s", out.String())
			}
		})
	}
	t.Run("extra argument", func(t *testing.T) {
		var out strings.Builder
		if code, err := run(context.Background(), []string{"version", "x"}, &out, &out); code != 2 || err == nil {
			t.Errorf("exit %d, %v; want 2 and the usage", code, err)
		}
	})
	t.Run("stamped", func(t *testing.T) {
		var out strings.Builder
		writeVersion(&out, buildInfo{Version: "v1.4.0", Commit: "0123abcd", Modified: true, GoVersion: "go1.26.8", Platform: "linux/arm64"})
		want := "feedwire v1.4.0\ncommit   0123abcd (modified)\ngo       go1.26.8 linux/arm64\n"
		if out.String() != want {
			t.Errorf("printed\n%s\nwant\n%s", out.String(), want)
		}
	})
}

// TestVersionOfBuild builds the binary as make build does and checks that
// it prints the version and commit it was stamped with, or else the
// commit the toolchain recorded.
func TestVersionOfBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary twice")
	}
	tests := []struct {
		name, ldflags, commit string
	}{
		{"stamped", "-X main.version=v9.9.9 -X main.commit=0123abcd", "0123abcd"},
		{"from the toolchain", "-X main.version=v9.9.9", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), "feedwire")
			build := exec.Command("go", "build", "-buildvcs=auto", "-ldflags", tt.ldflags, "-o", bin, ".")
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			out, err := exec.Command(bin, "--version").Output()
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(out), "\n")
			if lines[0] != "feedwire v9.9.9" {
				t.Errorf("first line %q, want feedwire v9.9.9", lines[0])
			}
			want := tt.commit
			if want == "" {
				if lines[1] == "commit   unknown" {
					t.Skip("the toolchain recorded no commit (no git, a git worktree, or GOFLAGS=-buildvcs=false)")
				}
				head, err := exec.Command("git", "rev-parse", "HEAD").Output()
				if err != nil {
					t.Skipf("no git tree to compare the commit with: %v", err)
				}
				want = strings.TrimSpace(string(head))
			}
			if !strings.HasPrefix(lines[1], "commit   "+want) {
				t.Errorf("second line %q, want commit %s", lines[1], want)
			}
		})
	}
}

func TestNewLogger(t *testing.T) {
	tests := []struct {
		format string
		tty    bool
		want   string // what the record looks like
	}{
		{"auto", false, `{"time":"T","level":"INFO","msg":"m","duration":"2.03ms"}`},
		{"auto", true, `time=T level=INFO msg=m duration=2.03ms`},
		{"json", true, `{"time":"T","level":"INFO","msg":"m","duration":"2.03ms"}`},
		{"text", false, `time=T level=INFO msg=m duration=2.03ms`},
	}
	for _, tt := range tests {
		t.Run(tt.format+map[bool]string{true: " terminal", false: ""}[tt.tty], func(t *testing.T) {
			var out strings.Builder
			log, err := newLogger(&out, tt.format, "info", tt.tty)
			if err != nil {
				t.Fatal(err)
			}
			log.Info("m", slog.Duration("duration", 2030*time.Microsecond))
			line := strings.TrimSuffix(out.String(), "\n")
			// Replace the time, whatever it is.
			if i := strings.Index(line, "time="); i == 0 {
				line = "time=T" + line[strings.Index(line, " "):]
			} else if i := strings.Index(line, `"time":"`); i >= 0 {
				end := strings.Index(line[i+8:], `"`)
				line = line[:i+8] + "T" + line[i+8+end:]
			}
			if line != tt.want {
				t.Errorf("logged\n%s\nwant\n%s", line, tt.want)
			}
		})
	}
	t.Run("not terminals", func(t *testing.T) {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer null.Close()
		if isTerminal(null) || isTerminal(&strings.Builder{}) {
			t.Error("the null device or a buffer taken for a terminal")
		}
	})
}
