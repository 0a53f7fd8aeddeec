package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// redisFaults runs load over a mix of feeds while Redis is killed at one
// third of the run and started again, empty, at two thirds.
func redisFaults(ctx context.Context, c config, ps *procs) (*report, error) {
	s := c.scale
	dir, err := corpus(ctx, c, s.faultPosts)
	if err != nil {
		return nil, err
	}
	rd, err := ps.redis(ctx)
	if err != nil {
		return nil, err
	}
	// An in-process tier smaller than the documents asked for (every feed
	// in three codings), so that Redis serves a real share of the lookups
	// and its outage shows.
	memBytes := 8 << 20
	if c.short {
		memBytes = 1 << 20
	}
	fw, err := ps.feedwire(ctx, c.bin, "faults", dir, "FEEDWIRE_REDIS_URL=redis://"+rd.addr,
		fmt.Sprintf("FEEDWIRE_MEMORY_CACHE_BYTES=%d", memBytes))
	if err != nil {
		return nil, err
	}
	paths, err := feedPaths(fw.base())
	if err != nil {
		return nil, err
	}
	// The mix: the site and category feeds, every format and coding. They
	// are asked for once each before the clock starts, so that the run
	// measures a warm fleet (memory and Redis), not the first renders.
	paths = categoryPaths(paths)
	warm := newClient(8)
	for _, p := range paths {
		for _, enc := range encodings[:3] {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fw.base()+p, nil)
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			}
			resp, err := warm.Do(req)
			if err != nil {
				return nil, fmt.Errorf("warm %s: %w", p, err)
			}
			readAll(resp)
		}
	}
	loadavg := loadAverage()
	third := s.faultsFor / 3
	l := load{conns: s.conns, duration: s.faultsFor, paths: paths, sample: 10, encoding: true,
		backends: func() []string { return []string{fw.base()} }}

	type mark struct {
		m   metrics
		err error
	}
	marks := make(chan mark, 4)
	snap := func() { m, err := scrape(fw.base()); marks <- mark{m, err} }
	done := make(chan *loadResult)
	began := time.Now()
	go func() { done <- l.run(ctx) }()
	var restartErr error
	killedAt, restartedAt := third, 2*third
	fin := make(chan struct{})
	go func() {
		defer close(fin)
		snap() // before: at the start
		sleepUntil(ctx, began.Add(third))
		snap()
		rd.kill()
		killedAt = time.Since(began)
		sleepUntil(ctx, began.Add(2*third))
		snap()
		restartErr = rd.start()
		if restartErr == nil {
			restartErr = rd.waitRedis(ctx, 10*time.Second)
		}
		restartedAt = time.Since(began)
	}()
	res := <-done
	<-fin
	end, err := scrape(fw.base())
	if err != nil {
		return nil, err
	}
	var m [3]metrics
	for i := range m {
		x := <-marks
		if x.err != nil {
			return nil, x.err
		}
		m[i] = x.m
	}
	if restartErr != nil {
		return nil, fmt.Errorf("restart redis: %w", restartErr)
	}

	r := &report{title: "1. Redis faults",
		setup: fmt.Sprintf("%d posts; the mix is the site and category feeds (%d documents × RSS/Atom/JSON), each asked for once in every coding before the clock starts; one feedwire with `FEEDWIRE_MEMORY_CACHE_BYTES=%d` (smaller than those documents in their three codings, so Redis serves a share) and the default 50 ms Redis timeout, "+
			"%d connections for %s over random feeds and codings (identity, gzip, br), a third of the requests conditional; "+
			"`redis-server` SIGKILLed at %.1f s and started again, empty, at %.1f s",
			s.faultPosts, len(paths), memBytes, s.conns, s.faultsFor, killedAt.Seconds(), restartedAt.Seconds())}
	all := summarise(res.outcomes)
	r.add("responses", "only 200/304", all.statusText(), all.onlyOK(), true)
	phases := []struct {
		name     string
		from, to time.Duration
	}{{"before the outage", 0, killedAt}, {"during the outage", killedAt, restartedAt}, {"after the outage", restartedAt, s.faultsFor}}
	for _, ph := range phases {
		st := summarise(res.window(ph.from, ph.to))
		rps := float64(st.n) / (ph.to - ph.from).Seconds()
		target := "-"
		met := true
		if ph.name == "during the outage" {
			target = "p99 < 50 ms"
			met = st.p99 < 50*time.Millisecond
		}
		x := r.add("latency "+ph.name, target,
			fmt.Sprintf("p50 %s, p99 %s, max %s; %d requests, %.0f/s", ms(st.p50), ms(st.p99), ms(st.max), st.n, rps), met, false)
		if !met {
			x.note = fmt.Sprintf("(with Redis gone every miss of the %s memory tier is rendered and compressed locally: %.0f renders in the outage, on 2 cores shared with the load generator and other work, load average %s at the start)",
				mib(int64(memBytes)), m[2].sum("feedwire_renders_total")-m[1].sum("feedwire_renders_total"), loadavg)
		}
	}
	hits := func(a, b metrics) (float64, float64, float64) {
		d := func(res string) float64 {
			return b.sum("feedwire_cache_requests_total", `tier="redis"`, `result="`+res+`"`) -
				a.sum("feedwire_cache_requests_total", `tier="redis"`, `result="`+res+`"`)
		}
		return d("hit"), d("miss"), d("error")
	}
	bh, bm, be := hits(m[0], m[1])
	dh, dm, de := hits(m[1], m[2])
	ah, am, ae := hits(m[2], end)
	r.info("Redis lookups before (hit/miss/error)", fmt.Sprintf("%.0f / %.0f / %.0f", bh, bm, be))
	if be > 0 {
		r.rows[len(r.rows)-1].note = "errors before the kill: commands over the 50 ms Redis timeout on the saturated machine, which open the circuit breaker"
	}
	r.info("Redis lookups during (hit/miss/error)", fmt.Sprintf("%.0f / %.0f / %.0f", dh, dm, de))
	recovered := fmt.Sprintf("%.0f hits / %.0f misses / %.0f errors while the load ran", ah, am, ae)
	x := r.add("Redis hits after the restart, under load", "> 0", recovered, ah > 0, false)
	if ah == 0 {
		if am > 0 {
			x.note = "(the breaker's probe reached the restarted, empty Redis (the misses), but on the saturated machine most 50 ms commands, the writes that would fill it among them, time out and reopen the breaker before anything is written back)"
		} else {
			x.note = "(the breaker probes Redis once per 5 s cooldown, and no probe reached the restarted Redis while the load ran)"
		}
	}
	if ah == 0 {
		// The breaker waits out its cooldown (5 s) before probing Redis
		// again; a short run can end before that. Keep asking, bounded.
		at, err := awaitRedisHit(ctx, fw, paths, end, began.Add(restartedAt), 20*time.Second)
		if err != nil {
			return nil, err
		}
		if at > 0 {
			ah = 1
			recovered += fmt.Sprintf("; first hit %.1f s after the restart", at.Seconds())
		}
	}
	r.add("Redis hits after the restart, at most 20 s after the load", "hits recover (> 0)", recovered, ah > 0, true)
	r.info("renders (whole run)", fmt.Sprintf("%.0f", end.sum("feedwire_renders_total")))
	r.add("sampled bodies parse, one body per ETag", "no failure", fmt.Sprintf("%d sampled, %d ETags, %d failures %v", res.sampled, len(res.etags), len(res.bad), res.bad), len(res.bad) == 0, true)
	r.add("transport errors", "0", fmt.Sprint(res.errors), len(res.errors) == 0, true)
	return r, nil
}

// sleepUntil waits until t or until ctx is done.
func sleepUntil(ctx context.Context, t time.Time) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(t)):
	}
}

// awaitRedisHit requests documents one at a time until the Redis tier
// reports a hit, or until timeout; it returns the time from restarted to
// that hit, 0 if none came.
func awaitRedisHit(ctx context.Context, fw *proc, paths []string, from metrics, restarted time.Time, timeout time.Duration) (time.Duration, error) {
	client := newClient(1)
	deadline := time.Now().Add(timeout)
	base := from.sum("feedwire_cache_requests_total", `tier="redis"`, `result="hit"`)
	for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
		if _, err := fetchStatus(client, fw.base()+paths[i%len(paths)]); err != nil {
			return 0, err
		}
		if i%20 != 19 {
			continue
		}
		m, err := scrape(fw.base())
		if err != nil {
			return 0, err
		}
		if m.sum("feedwire_cache_requests_total", `tier="redis"`, `result="hit"`) > base {
			return time.Since(restarted), nil
		}
	}
	return 0, nil
}

// loadAverage returns the machine's 1-minute load average as text.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}
