package hub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// Retry backoff of a delivery: doubling from retryBase to retryMax, each
// wait drawn from half to one and a half times that.
const (
	retryBase = 5 * time.Second
	retryMax  = 10 * time.Minute
)

// Sign returns the X-Hub-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// deliver sends one change to one subscriber. It reports whether the job
// was put back for a retry (and so must not be acknowledged).
func (h *Hub) deliver(ctx context.Context, j Job) bool {
	now := h.o.Now()
	sub, err := h.o.Store.Lookup(ctx, j.Topic, j.Callback)
	if errors.Is(err, ErrNotFound) || (err == nil && !sub.Expires.After(now)) {
		h.o.Observer.HubDelivery(ResultUnsubscribed)
		return false
	}
	if err != nil {
		return h.retry(ctx, j, now, err)
	}
	c, err := h.content(ctx, j.Content)
	if errors.Is(err, ErrNotFound) {
		h.o.Observer.HubDelivery(ResultDropped)
		h.o.Log.Warn("hub: delivery dropped: its content expired", "topic", j.Topic, "callback", j.Callback)
		return false
	}
	if err != nil {
		return h.retry(ctx, j, now, err)
	}
	code, err := h.post(ctx, sub, c)
	switch {
	case err == nil && code/100 == 2:
		h.o.Observer.HubDelivery(ResultDelivered)
		if j.Since != 0 {
			h.o.Observer.ObserveHubDelivery(h.o.Now().Sub(time.Unix(0, j.Since)))
		}
		return false
	case err == nil && code == http.StatusGone:
		h.o.Observer.HubDelivery(ResultGone)
		if err := h.o.Store.Remove(ctx, j.Topic, j.Callback); err != nil {
			h.o.Log.Warn("hub: gone subscription not removed", "err", err)
		}
		h.forgetCounts()
		return false
	case err == nil:
		err = errors.New("hub: callback answered " + http.StatusText(code))
	}
	return h.retry(ctx, j, now, err)
}

// post sends c to the subscriber and returns the answer's status.
func (h *Hub) post(ctx context.Context, sub Subscription, c Content) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Callback, bytes.NewReader(c.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", c.ContentType)
	req.Header["Link"] = c.Links
	if sub.Secret != "" {
		req.Header.Set("X-Hub-Signature", Sign(sub.Secret, c.Body))
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// retry puts a failed delivery back with a backoff, or drops it once
// RetryFor has passed since its first attempt. It reports whether the
// job was put back.
func (h *Hub) retry(ctx context.Context, j Job, now time.Time, cause error) bool {
	if j.First == 0 {
		j.First = now.UnixNano()
	}
	wait := min(retryBase<<min(j.Attempt, 16), retryMax)
	wait = wait/2 + rand.N(wait)
	at := now.Add(wait)
	if at.Sub(time.Unix(0, j.First)) > h.o.RetryFor {
		h.o.Observer.HubDelivery(ResultDropped)
		h.o.Log.Warn("hub: delivery dropped after retrying", "topic", j.Topic, "callback", j.Callback, "attempts", j.Attempt+1, "err", cause)
		return false
	}
	j.Attempt++
	if err := h.o.Store.Later(ctx, j, at); err != nil {
		h.o.Log.Error("hub: delivery not rescheduled", "topic", j.Topic, "callback", j.Callback, "err", err)
		return true // unacknowledged: reclaimed later when the store can take it
	}
	h.o.Observer.HubDelivery(ResultRetry)
	h.o.Log.Info("hub: delivery failed; retrying", "topic", j.Topic, "callback", j.Callback, "attempt", j.Attempt, "retry_in", wait.String(), "err", cause)
	return true
}
