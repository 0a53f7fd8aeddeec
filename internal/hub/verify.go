package hub

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// maxChallengeAnswer bounds the body read from a verification answer.
const maxChallengeAnswer = 1 << 10

// withQuery returns callback with params added to its own query, which
// the Recommendation says the hub must keep.
func withQuery(callback string, params url.Values) string {
	sep := "?"
	if u, err := url.Parse(callback); err == nil && u.RawQuery != "" {
		sep = "&"
	} else if err == nil && u.ForceQuery {
		sep = ""
	}
	return callback + sep + params.Encode()
}

// verify confirms a subscriber's intent (a GET with hub.challenge that it
// must echo with a 2xx) and only then saves or removes its subscription.
func (h *Hub) verify(ctx context.Context, j Job) {
	defer h.donePending(ctx)
	challenge := rand.Text()
	asked := j.Asked
	if asked == "" {
		asked = j.Topic
	}
	params := url.Values{"hub.mode": {j.Mode}, "hub.topic": {asked}, "hub.challenge": {challenge}}
	if j.Mode == "subscribe" {
		params.Set("hub.lease_seconds", strconv.Itoa(j.Lease))
	}
	if !h.challenge(ctx, withQuery(j.Callback, params), challenge) {
		h.o.Observer.HubVerification(ResultFailed)
		h.o.Log.Info("hub: verification failed", "mode", j.Mode, "topic", j.Topic, "callback", j.Callback)
		return
	}
	var err error
	if j.Mode == "subscribe" {
		lease := time.Duration(j.Lease) * time.Second
		err = h.o.Store.Save(ctx, Subscription{Topic: j.Topic, Callback: j.Callback, Secret: j.Secret, Expires: h.o.Now().Add(lease)})
	} else {
		err = h.o.Store.Remove(ctx, j.Topic, j.Callback)
	}
	if err != nil {
		h.o.Observer.HubVerification(ResultFailed)
		h.o.Log.Error("hub: verified subscription not stored", "mode", j.Mode, "topic", j.Topic, "err", err)
		return
	}
	h.o.Observer.HubVerification(ResultVerified)
	h.o.Log.Info("hub: subscription verified", "mode", j.Mode, "topic", j.Topic, "callback", j.Callback, "lease_seconds", j.Lease)
	h.forgetCounts()
}

// challenge sends one verification GET and reports whether the answer
// was a 2xx carrying exactly the challenge.
func (h *Hub) challenge(ctx context.Context, target, challenge string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return false
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxChallengeAnswer))
	return err == nil && resp.StatusCode/100 == 2 && bytes.Equal(body, []byte(challenge))
}

// deny tells a subscriber its request was refused (hub.mode=denied); its
// answer does not matter.
func (h *Hub) deny(ctx context.Context, j Job) {
	defer h.donePending(ctx)
	params := url.Values{"hub.mode": {"denied"}, "hub.topic": {j.Topic}, "hub.reason": {j.Reason}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, withQuery(j.Callback, params), nil)
	if err == nil {
		if resp, err := h.client.Do(req); err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, maxChallengeAnswer))
			resp.Body.Close()
		}
	}
	h.o.Observer.HubVerification(ResultDenied)
	h.o.Log.Info("hub: subscription denied", "topic", j.Topic, "callback", j.Callback, "reason", j.Reason)
}

// donePending counts one verification less waiting.
func (h *Hub) donePending(ctx context.Context) {
	if n, err := h.o.Store.Pending(ctx, -1); err == nil {
		h.o.Observer.HubSubscriptions(StatePending, n)
	}
}

// forgetCounts makes the next Counts ask the store.
func (h *Hub) forgetCounts() {
	h.mu.Lock()
	h.counted = time.Time{}
	h.mu.Unlock()
}
