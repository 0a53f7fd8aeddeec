package hub

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Request bounds.
const (
	maxRequestBytes = 8 << 10 // form body of a subscription request
	maxURLBytes     = 2048    // hub.callback and hub.topic
	maxSecretBytes  = 199     // hub.secret: under 200 bytes
	requestTimeout  = 2 * time.Second
)

// request is one parsed subscription request.
type request struct {
	mode, topic, callback, secret string
	lease                         int // seconds; subscribe only
}

// badRequest is a request error whose text is fit for the client.
type badRequest struct {
	code   int
	reason string
}

func (e *badRequest) Error() string { return e.reason }

func reject(code int, format string, args ...any) error {
	return &badRequest{code: code, reason: fmt.Sprintf(format, args...)}
}

// ServeHTTP answers a subscription request (POST /websub): 202 Accepted
// once it is queued for verification, or a 4xx or 429 with a short reason.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.limiter.allow(clientAddr(r), h.o.Now()) {
		w.Header().Set("Retry-After", "60")
		plain(w, http.StatusTooManyRequests, "too many subscription requests from this address; retry in a minute")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	err := h.accept(ctx, w, r)
	var br *badRequest
	switch {
	case err == nil:
		plain(w, http.StatusAccepted, "accepted; verification follows")
	case errors.As(err, &br):
		plain(w, br.code, br.reason)
	default:
		h.o.Log.Error("hub: subscription request not queued", "err", err)
		w.Header().Set("Retry-After", "5")
		plain(w, http.StatusServiceUnavailable, "hub temporarily unavailable")
	}
}

// accept checks and queues one request.
func (h *Hub) accept(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return reject(http.StatusUnsupportedMediaType, "body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return reject(http.StatusRequestEntityTooLarge, "request body over %d bytes", maxRequestBytes)
		}
		return reject(http.StatusBadRequest, "malformed form body")
	}
	req, err := h.parse(r.PostForm)
	if err != nil {
		return err
	}
	if req.mode == "subscribe" {
		if err := h.checkHost(ctx, req); err != nil {
			return err
		}
	}
	n, err := h.o.Store.Pending(ctx, 1)
	if err != nil {
		return err
	}
	h.o.Observer.HubSubscriptions(StatePending, n)
	if n > h.o.MaxPending {
		h.o.Store.Pending(ctx, -1)
		return reject(http.StatusTooManyRequests, "too many verifications pending; retry later")
	}
	j := Job{Kind: jobVerify, Mode: req.mode, Topic: req.topic, Callback: req.callback, Secret: req.secret, Lease: req.lease}
	if topic, ok := h.o.Topics.Topic(req.topic); ok {
		j.Topic, j.Asked = topic, req.topic
	} else {
		j = Job{Kind: jobDeny, Topic: req.topic, Callback: req.callback, Reason: "not a feed of this site"}
	}
	if err := h.o.Store.Enqueue(ctx, []Job{j}); err != nil {
		h.o.Store.Pending(ctx, -1)
		return err
	}
	return nil
}

// checkHost refuses a new subscription past MaxPerHost for its callback's
// host; a renewal always passes.
func (h *Hub) checkHost(ctx context.Context, req request) error {
	n, err := h.o.Store.Hosts(ctx, callbackHost(req.callback))
	if err != nil || n < h.o.MaxPerHost {
		return err
	}
	if topic, ok := h.o.Topics.Topic(req.topic); ok {
		if _, err := h.o.Store.Lookup(ctx, topic, req.callback); err == nil {
			return nil
		}
	}
	return reject(http.StatusTooManyRequests, "too many subscriptions for this callback host (at most %d)", h.o.MaxPerHost)
}

// parse reads and checks the fields of a subscription request.
func (h *Hub) parse(form url.Values) (request, error) {
	req := request{
		mode:     form.Get("hub.mode"),
		topic:    form.Get("hub.topic"),
		callback: form.Get("hub.callback"),
		secret:   form.Get("hub.secret"),
	}
	switch req.mode {
	case "subscribe", "unsubscribe":
	case "publish":
		return req, reject(http.StatusBadRequest, "this hub learns of changes from the site itself; hub.mode=publish is not taken")
	case "":
		return req, reject(http.StatusBadRequest, "hub.mode is required")
	default:
		return req, reject(http.StatusBadRequest, "hub.mode must be subscribe or unsubscribe")
	}
	if req.topic == "" || len(req.topic) > maxURLBytes {
		return req, reject(http.StatusBadRequest, "hub.topic is required, at most %d bytes", maxURLBytes)
	}
	if err := h.checkCallback(req.callback); err != nil {
		return req, err
	}
	if len(req.secret) > maxSecretBytes {
		return req, reject(http.StatusBadRequest, "hub.secret must be under 200 bytes")
	}
	lease := h.o.LeaseDefault
	if v := form.Get("hub.lease_seconds"); v != "" && req.mode == "subscribe" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return req, reject(http.StatusBadRequest, "hub.lease_seconds must be a whole number of seconds from 1")
		}
		lease = time.Duration(min(n, int64(h.o.LeaseMax/time.Second)+1)) * time.Second
	}
	lease = min(max(lease, h.o.LeaseMin), h.o.LeaseMax)
	req.lease = int(lease / time.Second)
	return req, nil
}

// checkCallback accepts an absolute http(s) URL without a fragment; unless
// AllowPrivate, a literal address or a name that is local is refused now
// (names are checked again when connecting).
func (h *Hub) checkCallback(raw string) error {
	if raw == "" || len(raw) > maxURLBytes {
		return reject(http.StatusBadRequest, "hub.callback is required, at most %d bytes", maxURLBytes)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return reject(http.StatusBadRequest, "hub.callback must be an absolute http or https URL without a fragment")
	}
	if h.o.AllowPrivate {
		return nil
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".internal") {
		return reject(http.StatusBadRequest, "hub.callback must not be a local address")
	}
	if ip, err := netip.ParseAddr(host); err == nil && refused(ip) {
		return reject(http.StatusBadRequest, "hub.callback must not be a loopback, private, link-local or metadata address")
	}
	return nil
}

// clientAddr is the address requests are rate-limited by: the peer's IP.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// plain writes a short plain-text answer.
func plain(w http.ResponseWriter, code int, reason string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write([]byte(reason + "\n"))
}
