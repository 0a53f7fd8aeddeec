package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// MaxAggregators bounds the aggregator label values NewSubscribers accepts;
// further ones are recorded as Other.
const MaxAggregators = 32

// Subscribers is the feedwire_subscribers gauge: the subscribers feed
// aggregators announce, summed over feeds, by aggregator. Its aggregator
// label takes values from the list given to NewSubscribers, or Other.
// Its methods are safe for concurrent use.
type Subscribers struct {
	vec     *prometheus.GaugeVec
	allowed map[string]bool
}

// NewSubscribers registers feedwire_subscribers on reg (the registry given
// to New) with aggregators as its allowed label values: at most
// MaxAggregators non-empty names, plus Other. Each starts at zero.
// NewSubscribers panics if reg already holds the metric.
func NewSubscribers(reg prometheus.Registerer, aggregators []string) *Subscribers {
	s := &Subscribers{
		vec: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "feedwire_subscribers",
			Help: "Subscribers announced by feed aggregators in their User-Agent, summed over feeds, by aggregator.",
		}, []string{"aggregator"}),
		allowed: map[string]bool{Other: true},
	}
	for _, a := range aggregators {
		if a != "" && len(s.allowed) <= MaxAggregators {
			s.allowed[a] = true
		}
	}
	reg.MustRegister(s.vec)
	for a := range s.allowed {
		s.vec.WithLabelValues(a)
	}
	return s
}

// SetSubscribers records that aggregator has n subscribers over all feeds.
// An aggregator outside the allowed list is recorded as Other, replacing
// Other's value: use Set to sum several.
func (s *Subscribers) SetSubscribers(aggregator string, n int) {
	s.vec.WithLabelValues(s.label(aggregator)).Set(float64(n))
}

// Set records totals, subscribers by aggregator, as the whole state:
// allowed aggregators absent from totals go to zero, and those outside the
// allowed list are summed under Other.
func (s *Subscribers) Set(totals map[string]int) {
	sums := make(map[string]int, len(s.allowed))
	for a := range s.allowed {
		sums[a] = 0
	}
	for a, n := range totals {
		sums[s.label(a)] += n
	}
	for a, n := range sums {
		s.vec.WithLabelValues(a).Set(float64(n))
	}
}

func (s *Subscribers) label(aggregator string) string {
	if s.allowed[aggregator] {
		return aggregator
	}
	return Other
}
