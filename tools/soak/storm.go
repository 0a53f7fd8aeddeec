package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// reloadStorm rewrites 1% of the posts every 100 ms under load.
func reloadStorm(ctx context.Context, c config, ps *procs) (*report, error) {
	s := c.scale
	src, err := corpus(ctx, c, s.stormPosts)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(c.work, "storm")
	if err := copyTree(src, dir); err != nil {
		return nil, err
	}
	names, err := filepath.Glob(filepath.Join(dir, "_posts", "*.md"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	originals := make([][]byte, len(names))
	for i, n := range names {
		if originals[i], err = os.ReadFile(n); err != nil {
			return nil, err
		}
	}
	fw, err := ps.feedwire(ctx, c.bin, "storm", dir)
	if err != nil {
		return nil, err
	}
	paths, err := feedPaths(fw.base())
	if err != nil {
		return nil, err
	}
	paths = categoryPaths(paths) // the feeds every rewrite lands in
	before, err := scrape(fw.base())
	if err != nil {
		return nil, err
	}
	l := load{conns: s.conns, duration: s.stormFor, paths: paths, sample: 2, encoding: true,
		backends: func() []string { return []string{fw.base()} }}
	done := make(chan *loadResult)
	go func() { done <- l.run(ctx) }()

	// Every 100 ms, 1% of the posts get a new paragraph, written in place.
	per := max(1, len(names)/100)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var res *loadResult
	rounds, written, next := 0, 0, 0
	var writeErr error
	for res == nil {
		select {
		case res = <-done:
		case <-tick.C:
			if writeErr != nil {
				continue
			}
			rounds++
			for range per {
				i := next % len(names)
				next += 7919 // a prime: the rewrites wander over the whole corpus
				body := append(append([]byte{}, originals[i]...), fmt.Sprintf("\n<p>修订 %d</p>\n", rounds)...)
				if writeErr = os.WriteFile(names[i], body, 0o644); writeErr != nil {
					break
				}
				written++
			}
		}
	}
	if writeErr != nil {
		return nil, writeErr
	}
	after, err := scrape(fw.base())
	if err != nil {
		return nil, err
	}
	r := &report{title: "2. Reload storm",
		setup: fmt.Sprintf("%d posts (copy of the generated corpus), one feedwire with its file watcher; %d connections for %s over the site and category feeds (%d documents), every format and coding; "+
			"every 100 ms %d posts (1%%) rewritten in place with a new paragraph", s.stormPosts, s.conns, s.stormFor, len(paths), per)}
	st := summarise(res.outcomes)
	x := r.add("responses", "no error (only 200/304)", st.statusText(), st.onlyOK(), true)
	if logs, err := os.ReadFile(fw.logs); err == nil && !x.met {
		if n := strings.Count(string(logs), "the reload did not come in time"); n > 0 {
			x.note = fmt.Sprintf("(%d answered 503 \"feed is being updated; retry shortly\": a post changed under the snapshot, and for as long as the server waits (staleWait, 10 s) each newer snapshot was stale again before the render finished)", n)
		}
	}
	r.add("transport errors", "0", fmt.Sprint(res.errors), len(res.errors) == 0, true)
	r.add("sampled bodies parse, ETag matches body", "every one", fmt.Sprintf("%d sampled, %d distinct ETags, %d failures %v", res.sampled, len(res.etags), len(res.bad), res.bad), len(res.bad) == 0 && res.sampled > 0, true)
	r.info("latency", fmt.Sprintf("p50 %s, p99 %s, max %s over %d requests", ms(st.p50), ms(st.p99), ms(st.max), st.n))
	reloads := after.sum("feedwire_reloads_total") - before.sum("feedwire_reloads_total")
	r.add("reloads", "> 0 (the rewrites were seen)", fmt.Sprintf("%.0f reloads for %d rewrite rounds (%d files written)", reloads, rounds, written), reloads > 0, true)
	r.info("reload outcomes", fmt.Sprintf("%v", filterSeries(after, "feedwire_reloads_total")))
	if logs, err := os.ReadFile(fw.logs); err == nil {
		r.info("posts read half-written and skipped for one reload (\"broken post skipped\" in the log)",
			fmt.Sprint(strings.Count(string(logs), "broken post skipped")))
	}
	return r, nil
}

// filterSeries returns the series of one metric.
func filterSeries(m metrics, name string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if len(k) >= len(name) && k[:len(name)] == name {
			out[k[len(name):]] = v
		}
	}
	return out
}
