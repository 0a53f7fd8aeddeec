// Command soak proves feedwire under load, faults, hostile input and scale.
// It starts real feedwire binaries and a real redis-server on loopback
// ports, drives them with its own load generator (every status and latency
// recorded, sampled bodies parsed and their ETags checked), and writes each
// figure next to its target as Markdown.
//
//	soak -bin bin/feedwire -gencorpus /tmp/gencorpus [-short] [-only faults,storm]
//
// Scenarios: faults (Redis killed and restarted under load), storm (posts
// rewritten under load), hostile (malformed and abusive requests, slowloris),
// fleet (three replicas sharing one Redis), memory (a large corpus and many
// distinct documents), restart (SIGTERM under load). All traffic goes to
// 127.0.0.1, and every run is bounded in time. With -short every scenario
// runs at a small scale in well under a minute; the correctness targets are
// the same, the latency figures are not meaningful.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

// scale sets the sizes and durations of every scenario.
type scale struct {
	conns        int
	faultsFor    time.Duration // the whole Redis fault run; kill at a third, restart at two thirds
	stormPosts   int           // corpus size of the reload storm
	stormFor     time.Duration
	hostileTags  int // unknown tags requested in a row
	slowloris    int // idle connections held open
	fleetPosts   int
	fleetTags    bool // the fleet also asks for every tag feed
	memoryPosts  int
	memoryDocs   int   // distinct documents requested
	memoryCache  int64 // FEEDWIRE_MEMORY_CACHE_BYTES
	restartFor   time.Duration
	restartPosts int
	faultPosts   int
}

var (
	full = scale{conns: 64, faultsFor: 30 * time.Second, faultPosts: 10000,
		stormPosts: 10000, stormFor: 30 * time.Second,
		hostileTags: 2000, slowloris: 500, fleetPosts: 10000, fleetTags: true,
		memoryPosts: 100000, memoryDocs: 10000, memoryCache: 64 << 20,
		restartFor: 20 * time.Second, restartPosts: 10000}
	short = scale{conns: 8, faultsFor: 6 * time.Second, faultPosts: 1000,
		stormPosts: 1000, stormFor: 4 * time.Second,
		hostileTags: 2000, slowloris: 500, fleetPosts: 1000,
		memoryPosts: 1000, memoryDocs: 1000, memoryCache: 2 << 20,
		restartFor: 6 * time.Second, restartPosts: 1000}
)

// scenarioNames in the order they run.
var scenarioNames = []string{"faults", "storm", "hostile", "fleet", "memory", "restart"}

// config is what a run needs.
type config struct {
	bin       string // feedwire binary
	gencorpus string // gencorpus binary
	corpora   string // where generated corpora are kept and reused
	work      string // scratch directory, removed afterwards
	scale     scale
	short     bool
	log       io.Writer
}

func main() {
	var c config
	var only string
	var out string
	flag.StringVar(&c.bin, "bin", "bin/feedwire", "feedwire binary")
	flag.StringVar(&c.gencorpus, "gencorpus", "", "gencorpus binary (built from ./tools/gencorpus)")
	flag.StringVar(&c.corpora, "corpora", "/tmp/feedwire-bench", "where generated corpora are kept (shared with bench/load.sh)")
	flag.BoolVar(&c.short, "short", false, "every scenario at a small scale, for make test")
	flag.StringVar(&only, "only", strings.Join(scenarioNames, ","), "comma-separated scenarios to run")
	flag.StringVar(&out, "out", "", "also write the Markdown report to this file")
	flag.StringVar(&c.work, "work", "", "scratch directory, kept afterwards with every process's log (default: a temporary one, removed)")
	flag.Parse()
	c.scale = full
	if c.short {
		c.scale = short
	}
	c.log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	reports, err := run(ctx, c, strings.Split(only, ","))
	md := markdown(reports)
	fmt.Print(md)
	if out != "" {
		if werr := os.WriteFile(out, []byte(md), 0o644); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	for _, r := range reports {
		if !r.passed() {
			fmt.Fprintf(os.Stderr, "soak: %s: a correctness target was missed\n", r.name)
			os.Exit(2)
		}
	}
}

// row is one figure next to its target.
type row struct {
	what, target, figure string
	met                  bool
	check                bool   // a correctness target: missing it fails the run
	note                 string // the reason a target was missed, or a remark
}

// report is the outcome of one scenario.
type report struct {
	name, title, setup string
	rows               []row
	took               time.Duration
}

func (r *report) add(what, target, figure string, met, check bool) *row {
	r.rows = append(r.rows, row{what: what, target: target, figure: figure, met: met, check: check})
	return &r.rows[len(r.rows)-1]
}

// info adds a figure without a target.
func (r *report) info(what, figure string) {
	r.rows = append(r.rows, row{what: what, target: "-", figure: figure, met: true})
}

// passed reports whether every correctness target was met.
func (r *report) passed() bool {
	return !slices.ContainsFunc(r.rows, func(x row) bool { return x.check && !x.met })
}

// run runs the scenarios in order; a scenario that cannot run is an error.
func run(ctx context.Context, c config, only []string) ([]*report, error) {
	if c.work == "" {
		dir, err := os.MkdirTemp("", "soak-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		c.work = dir
	}
	if err := os.MkdirAll(c.work, 0o755); err != nil {
		return nil, err
	}
	ps := &procs{dir: c.work}
	defer ps.killAll()
	scenarios := map[string]func(context.Context, config, *procs) (*report, error){
		"faults": redisFaults, "storm": reloadStorm, "hostile": hostile,
		"fleet": fleet, "memory": memoryScale, "restart": rollingRestart,
	}
	var reports []*report
	for _, name := range scenarioNames {
		if !slices.Contains(only, name) {
			continue
		}
		fmt.Fprintf(c.log, "soak: %s...\n", name)
		t0 := time.Now()
		r, err := scenarios[name](ctx, c, ps)
		ps.killAll()
		if err != nil {
			return reports, fmt.Errorf("%s: %w", name, err)
		}
		r.name, r.took = name, time.Since(t0)
		reports = append(reports, r)
		fmt.Fprintf(c.log, "soak: %s done in %s\n", name, r.took.Round(time.Second))
	}
	return reports, nil
}

// markdown writes each report as a section with one table.
func markdown(reports []*report) string {
	var b strings.Builder
	for _, r := range reports {
		fmt.Fprintf(&b, "### %s\n\n%s (%s wall time.)\n\n", r.title, r.setup, r.took.Round(time.Second))
		b.WriteString("| measure | target | figure | verdict |\n|---|---|---|---|\n")
		for _, x := range r.rows {
			verdict := "met"
			switch {
			case x.target == "-":
				verdict = ""
			case !x.met:
				verdict = "**missed**"
			}
			if x.note != "" {
				verdict = strings.TrimSpace(verdict + " " + x.note)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", x.what, x.target, x.figure, verdict)
		}
		b.WriteString("\n")
	}
	return b.String()
}
