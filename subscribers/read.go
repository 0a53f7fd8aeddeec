package subscribers

import (
	"context"
	"slices"
	"strings"
)

// Feed returns the current counts of feedKey by aggregator name, or nil.
func (s *Store) Feed(feedKey string) []Count {
	cutoff := s.cutoff()
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.feeds[feedKey]
	if !ok {
		return nil
	}
	return el.Value.(*feedEntry).current(cutoff)
}

// current returns the entries seen after cutoff, by aggregator name.
func (fe *feedEntry) current(cutoff int64) []Count {
	var out []Count
	for _, e := range fe.counts {
		if e.at > cutoff {
			out = append(out, Count{Aggregator: e.aggregator, Subscribers: e.count})
		}
	}
	slices.SortFunc(out, func(a, b Count) int { return strings.Compare(a.Aggregator, b.Aggregator) })
	return out
}

// Totals returns the current counts per aggregator, summed over feeds.
// Aggregators with no count are absent.
func (s *Store) Totals() map[string]int {
	cutoff := s.cutoff()
	s.mu.Lock()
	defer s.mu.Unlock()
	totals := map[string]int{}
	for el := s.lru.Front(); el != nil; el = el.Next() {
		for _, e := range el.Value.(*feedEntry).counts {
			if e.at > cutoff {
				totals[e.aggregator] += e.count
			}
		}
	}
	return totals
}

// Snapshot returns every current count. With Redis, it first merges what
// other replicas wrote if the last merge is older than ReadThrough, within
// ctx; a failed merge leaves the counts in memory.
func (s *Store) Snapshot(ctx context.Context) Stats {
	if s.opts.Redis != nil {
		s.mu.Lock()
		now := s.now()
		due := now.Sub(s.lastRefresh) >= s.opts.ReadThrough
		if due {
			s.lastRefresh = now // also when Redis fails: ask it again after ReadThrough, not at once
		}
		s.mu.Unlock()
		if due {
			_ = s.Refresh(ctx) // logged by Refresh
		}
	}
	cutoff := s.cutoff()
	var st Stats
	totals := map[string]int{}
	s.mu.Lock()
	for el := s.lru.Front(); el != nil; el = el.Next() {
		fe := el.Value.(*feedEntry)
		fc := FeedCounts{Feed: fe.key, Counts: fe.current(cutoff)}
		if len(fc.Counts) == 0 {
			continue
		}
		for _, c := range fc.Counts {
			fc.Total += c.Subscribers
			totals[c.Aggregator] += c.Subscribers
		}
		st.Feeds = append(st.Feeds, fc)
	}
	s.mu.Unlock()
	slices.SortFunc(st.Feeds, func(a, b FeedCounts) int { return strings.Compare(a.Feed, b.Feed) })
	for agg, n := range totals {
		st.Totals = append(st.Totals, Count{Aggregator: agg, Subscribers: n})
		st.Total += n
	}
	slices.SortFunc(st.Totals, func(a, b Count) int { return strings.Compare(a.Aggregator, b.Aggregator) })
	return st
}

// cutoff is the Unix millisecond at or before which a count is too old.
func (s *Store) cutoff() int64 {
	return s.now().Add(-s.opts.MaxAge).UnixMilli()
}

// dropOld removes counts too old to report, and feeds left with none.
func (s *Store) dropOld() {
	cutoff := s.cutoff()
	s.mu.Lock()
	defer s.mu.Unlock()
	for el := s.lru.Front(); el != nil; {
		next := el.Next()
		fe := el.Value.(*feedEntry)
		fe.counts = slices.DeleteFunc(fe.counts, func(e entry) bool { return e.at <= cutoff })
		if len(fe.counts) == 0 {
			s.remove(el)
		}
		el = next
	}
}
