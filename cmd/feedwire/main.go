// Command feedwire publishes a Jekyll-style posts directory as RSS, Atom and
// JSON feeds over HTTP.
//
// Usage:
//
//	feedwire [serve]      serve the feeds (the default)
//	feedwire check [DIR]  report every broken post; exit 1 if any
//	feedwire -h           list every FEEDWIRE_ variable with its default
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/feedwire/feedwire/internal/config"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "feedwire:", err)
	}
	os.Exit(code)
}

// errUsage marks a command line that could not be understood.
var errUsage = errors.New("usage: feedwire [serve | check [DIR]]; feedwire -h lists the settings")

// run executes one command and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "-h", "-help", "--help", "help":
		return 0, usage(stdout)
	case "serve", "check":
	default:
		return 2, errUsage
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return 1, err
	}
	if cmd == "check" {
		if len(args) > 1 {
			return 2, errUsage
		}
		return check(ctx, cfg, args, stdout)
	}
	if len(args) > 0 {
		return 2, errUsage
	}
	log, err := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return 1, err
	}
	if err := serve(ctx, cfg, log, nil); err != nil {
		return 1, err
	}
	return 0, nil
}

// usage writes the commands and every variable with its default.
func usage(w io.Writer) error {
	fmt.Fprintf(w, "Usage: feedwire [serve | check [DIR]]\n\n")
	fmt.Fprintf(w, "  serve   serve the feeds of FEEDWIRE_POSTS_DIR over HTTP (the default)\n")
	fmt.Fprintf(w, "  check   load DIR (default FEEDWIRE_POSTS_DIR), print every broken post, exit 1 if any\n\n")
	return config.Usage(w)
}

// newLogger builds the one logger passed down to everything.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, fmt.Errorf("config: FEEDWIRE_LOG_LEVEL: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(w, opts)), nil
}
