package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// rollingRestart runs two replicas under load and restarts each in turn
// with SIGTERM, as a Kubernetes rollout does. The client spreads requests
// over the ready replicas and, like a load balancer, retries a refused
// connection on another; every request a replica accepted must succeed.
func rollingRestart(ctx context.Context, c config, ps *procs) (*report, error) {
	s := c.scale
	dir, err := corpus(ctx, c, s.restartPosts)
	if err != nil {
		return nil, err
	}
	var reps [2]*proc
	for i := range reps {
		if reps[i], err = ps.feedwire(ctx, c.bin, fmt.Sprintf("restart-%d", i), dir, "FEEDWIRE_SHUTDOWN_TIMEOUT=10s"); err != nil {
			return nil, err
		}
	}
	paths, err := feedPaths(reps[0].base())
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	up := []string{reps[0].base(), reps[1].base()}
	backends := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return up
	}
	setUp := func(base string, on bool) {
		mu.Lock()
		defer mu.Unlock()
		var next []string
		for _, b := range []string{reps[0].base(), reps[1].base()} {
			if b == base && on || b != base && contains(up, b) {
				next = append(next, b)
			}
		}
		up = next
	}
	l := load{conns: s.conns, duration: s.restartFor, paths: paths, sample: 5, encoding: true, retry: true, backends: backends}
	done := make(chan *loadResult)
	began := time.Now()
	go func() { done <- l.run(ctx) }()

	type restart struct {
		at, exit, ready time.Duration
		err             error
	}
	var rs []restart
	for i, p := range reps {
		sleepUntil(ctx, began.Add(s.restartFor*time.Duration(i+1)/4))
		x := restart{at: time.Since(began)}
		t0 := time.Now()
		x.err = p.terminate(15 * time.Second)
		x.exit = time.Since(t0)
		setUp(p.base(), false) // after the exit: the rollout notices late on purpose
		if x.err == nil {
			if x.err = p.start(); x.err == nil {
				x.err = p.waitReady(ctx, time.Minute)
			}
		}
		x.ready = time.Since(t0)
		if x.err == nil {
			setUp(p.base(), true)
		}
		rs = append(rs, x)
	}
	res := <-done
	r := &report{title: "7. Rolling restart",
		setup: fmt.Sprintf("two feedwire replicas over %d posts, %d connections for %s spread over the ready replicas (a refused connection retried on the other, as a load balancer does); each replica in turn gets SIGTERM under load, exits, is started again on its port and rejoins once /readyz says 200",
			s.restartPosts, s.conns, s.restartFor)}
	for i, x := range rs {
		inflight, failed := 0, 0
		for _, o := range res.outcomes {
			if o.backend == reps[i].base() && o.start < x.at && o.start+o.took > x.at {
				inflight++
				if o.status != 200 && o.status != 304 {
					failed++
				}
			}
		}
		r.add(fmt.Sprintf("replica %d: SIGTERM at %.1f s", i, x.at.Seconds()), "exit 0 within the shutdown timeout; no request in flight fails",
			fmt.Sprintf("exited after %s (err %v), ready again after %.1f s; %d of its requests in flight at the signal, %d of them failed", ms(x.exit), x.err, x.ready.Seconds(), inflight, failed), x.err == nil && failed == 0, true)
	}
	st := summarise(res.outcomes)
	r.add("responses", "no failure (only 200/304)", st.statusText(), st.onlyOK(), true)
	r.add("transport errors", "0", fmt.Sprint(res.errors), len(res.errors) == 0, true)
	r.info("refused connections retried on the other replica", fmt.Sprint(res.refused))
	r.info("503s from a replica outside the ready set (sent on a stale view), retried", fmt.Sprint(res.misrouted))
	r.add("sampled bodies parse, one body per ETag", "no failure", fmt.Sprintf("%d sampled, %d failures %v", res.sampled, len(res.bad), res.bad), len(res.bad) == 0, true)
	r.info("latency", fmt.Sprintf("p50 %s, p99 %s, max %s over %d requests", ms(st.p50), ms(st.p99), ms(st.max), st.n))
	return r, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
