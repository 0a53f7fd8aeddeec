package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Hub label values, as the built-in WebSub hub reports them.
const (
	HubActive       = "active"
	HubPending      = "pending"
	HubVerified     = "verified"
	HubFailed       = "failed"
	HubDenied       = "denied"
	HubDelivered    = "delivered"
	HubRetry        = "retry"
	HubDropped      = "dropped"
	HubGone         = "gone"
	HubUnsubscribed = "unsubscribed"
)

// Hub holds the built-in WebSub hub's metrics. Its methods are safe for
// concurrent use.
type Hub struct {
	subscriptions *prometheus.GaugeVec
	verifications *prometheus.CounterVec
	deliveries    *prometheus.CounterVec
	latency       prometheus.Histogram
}

// NewHub registers the hub's metrics on reg (the registry given to New),
// every label value at zero. It panics if reg already holds them.
func NewHub(reg prometheus.Registerer) *Hub {
	h := &Hub{
		subscriptions: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "feedwire_hub_subscriptions",
			Help: "WebSub subscriptions of the built-in hub by state (active, pending verification).",
		}, []string{"state"}),
		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedwire_hub_verifications_total",
			Help: "WebSub intent verifications by result (verified, failed, denied).",
		}, []string{"result"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "feedwire_hub_deliveries_total",
			Help: "WebSub content deliveries by result (delivered, retry, dropped, gone, unsubscribed).",
		}, []string{"result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "feedwire_hub_delivery_latency_seconds",
			Help:    "Time from the reload that changed a feed to a subscriber's 2xx answer to its push.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600},
		}),
	}
	reg.MustRegister(h.subscriptions, h.verifications, h.deliveries, h.latency)
	for _, s := range []string{HubActive, HubPending} {
		h.subscriptions.WithLabelValues(s)
	}
	for _, r := range []string{HubVerified, HubFailed, HubDenied} {
		h.verifications.WithLabelValues(r)
	}
	for _, r := range []string{HubDelivered, HubRetry, HubDropped, HubGone, HubUnsubscribed} {
		h.deliveries.WithLabelValues(r)
	}
	return h
}

// HubSubscriptions records n subscriptions in state HubActive or
// HubPending.
func (h *Hub) HubSubscriptions(state string, n int) {
	h.subscriptions.WithLabelValues(oneOf(state, HubActive, HubPending)).Set(float64(n))
}

// HubVerification counts one verification with its result.
func (h *Hub) HubVerification(result string) {
	h.verifications.WithLabelValues(oneOf(result, HubVerified, HubFailed, HubDenied)).Inc()
}

// HubDelivery counts one delivery attempt's outcome.
func (h *Hub) HubDelivery(result string) {
	h.deliveries.WithLabelValues(oneOf(result, HubDelivered, HubRetry, HubDropped, HubGone, HubUnsubscribed)).Inc()
}

// ObserveHubDelivery records the time from a change to its delivery.
func (h *Hub) ObserveHubDelivery(d time.Duration) { h.latency.Observe(d.Seconds()) }
