package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestHubMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := NewHub(reg)
	h.HubSubscriptions(HubActive, 7)
	h.HubSubscriptions("expired", 3) // not a state: other
	h.HubVerification(HubDenied)
	h.HubDelivery(HubDelivered)
	h.HubDelivery(HubDelivered)
	h.HubDelivery("https://reader.example/cb") // never a label value
	h.ObserveHubDelivery(300 * time.Millisecond)
	tests := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"feedwire_hub_subscriptions", map[string]string{"state": HubActive}, 7},
		{"feedwire_hub_subscriptions", map[string]string{"state": HubPending}, 0},
		{"feedwire_hub_subscriptions", map[string]string{"state": Other}, 3},
		{"feedwire_hub_verifications_total", map[string]string{"result": HubDenied}, 1},
		{"feedwire_hub_verifications_total", map[string]string{"result": HubVerified}, 0},
		{"feedwire_hub_deliveries_total", map[string]string{"result": HubDelivered}, 2},
		{"feedwire_hub_deliveries_total", map[string]string{"result": Other}, 1},
		{"feedwire_hub_deliveries_total", map[string]string{"result": HubDropped}, 0},
		{"feedwire_hub_delivery_latency_seconds", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sample(t, reg, tt.name, tt.labels); got != tt.want {
				t.Fatalf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
			}
		})
	}
}
