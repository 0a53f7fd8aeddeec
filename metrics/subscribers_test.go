package metrics

import (
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestSubscribersGauge(t *testing.T) {
	aggregators := []string{"feedly", "inoreader", Other}
	tests := []struct {
		name   string
		set    func(s *Subscribers)
		labels map[string]string
		want   float64
	}{
		{"starts at zero", func(*Subscribers) {}, map[string]string{"aggregator": "feedly"}, 0},
		{"one aggregator", func(s *Subscribers) { s.SetSubscribers("feedly", 42) },
			map[string]string{"aggregator": "feedly"}, 42},
		{"unknown is other", func(s *Subscribers) { s.SetSubscribers("/tags/x/feed.xml", 5) },
			map[string]string{"aggregator": Other}, 5},
		{"totals", func(s *Subscribers) { s.Set(map[string]int{"feedly": 42, "inoreader": 3}) },
			map[string]string{"aggregator": "inoreader"}, 3},
		{"totals sum unknowns under other", func(s *Subscribers) {
			s.Set(map[string]int{"a": 1, "b": 2, Other: 4})
		}, map[string]string{"aggregator": Other}, 7},
		{"totals zero the absent", func(s *Subscribers) {
			s.Set(map[string]int{"feedly": 42})
			s.Set(map[string]int{"inoreader": 1})
		}, map[string]string{"aggregator": "feedly"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			s := NewSubscribers(reg, aggregators)
			tt.set(s)
			if got := sample(t, reg, "feedwire_subscribers", tt.labels); got != tt.want {
				t.Errorf("feedwire_subscribers%v = %v, want %v", tt.labels, got, tt.want)
			}
		})
	}
}

func TestSubscribersLabelsAreBounded(t *testing.T) {
	var many []string
	for i := range 3 * MaxAggregators {
		many = append(many, fmt.Sprintf("agg%d", i))
	}
	reg := prometheus.NewRegistry()
	s := NewSubscribers(reg, append(many, ""))
	totals := map[string]int{}
	for i, a := range many {
		s.SetSubscribers(a, i)
		totals[a+"-x"] = 1
	}
	s.Set(totals)
	if got := testutil.CollectAndCount(s.vec); got != MaxAggregators+1 {
		t.Errorf("%d series, want at most %d aggregators plus other", got, MaxAggregators+1)
	}
}

func TestSubscribersNextToMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	New(reg, "dev")
	NewSubscribers(reg, []string{"feedly"}).SetSubscribers("feedly", 2)
	if got := sample(t, reg, "feedwire_subscribers", map[string]string{"aggregator": "feedly"}); got != 2 {
		t.Errorf("feedwire_subscribers{aggregator=feedly} = %v, want 2", got)
	}
}
