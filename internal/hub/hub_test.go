package hub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const topic = site + "/feed.xml"

// checkSignature verifies X-Hub-Signature as a subscriber does.
func checkSignature(t *testing.T, p push, secret string) {
	t.Helper()
	got, ok := strings.CutPrefix(p.header.Get("X-Hub-Signature"), "sha256=")
	if !ok {
		t.Fatalf("X-Hub-Signature %q, want sha256=…", p.header.Get("X-Hub-Signature"))
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(p.body)
	sig, err := hex.DecodeString(got)
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		t.Fatalf("X-Hub-Signature %q does not sign the body with the secret", got)
	}
}

func TestSubscribeVerifyPushUnsubscribe(t *testing.T) {
	for _, st := range stores(t) {
		t.Run(st.name, func(t *testing.T) {
			h := startHub(t, st.new(t), newClock(), &siteTopics{}, nil)
			sub := newSubscriber(t)
			witness := newSubscriber(t)
			q := h.subscribe(t, sub, topic, "hub.secret", "s3cret", "hub.lease_seconds", "7200")
			if q.Get("hub.mode") != "subscribe" || q.Get("hub.topic") != topic || q.Get("hub.challenge") == "" || q.Get("hub.lease_seconds") != "7200" {
				t.Fatalf("verification request %v", q)
			}
			h.subscribe(t, witness, topic)
			if n := h.Counts(context.Background())[topic]; n != 2 {
				t.Fatalf("%d subscriptions counted, want 2", n)
			}

			v := h.topics.bump()
			h.Publish([]string{topic, site + "/feed.json"})
			p := sub.nextPush(t)
			if !bytes.Contains(p.body, []byte("v"+v)) {
				t.Errorf("push body %q, want version %s", p.body, v)
			}
			if ct := p.header.Get("Content-Type"); ct != "application/rss+xml; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			wantLinks := []string{"<" + site + `/websub>; rel="hub"`, "<" + topic + `>; rel="self"`}
			if got := p.header.Values("Link"); !slices.Equal(got, wantLinks) {
				t.Errorf("Link %q, want %q", got, wantLinks)
			}
			checkSignature(t, p, "s3cret")
			if wp := witness.nextPush(t); wp.header.Get("X-Hub-Signature") != "" {
				t.Errorf("a subscriber without a secret got a signature")
			}

			if code, body := ask(t, h.URL, form("unsubscribe", topic, sub.URL)); code != http.StatusAccepted {
				t.Fatalf("unsubscribe: %d %s", code, body)
			}
			if q := sub.nextGet(t); q.Get("hub.mode") != "unsubscribe" || q.Has("hub.lease_seconds") {
				t.Fatalf("unsubscribe verification %v", q)
			}
			h.waitCount(t, "verification:verified", 3)
			h.topics.bump()
			h.Publish([]string{topic})
			witness.nextPush(t)
			if n := sub.count(); n != 1 {
				t.Fatalf("unsubscribed callback got %d pushes, want the 1 before", n)
			}
		})
	}
}

func TestDenyAndFailedVerification(t *testing.T) {
	h := startHub(t, NewMemory(), newClock(), &siteTopics{}, nil)
	sub := newSubscriber(t)
	tests := []struct {
		name, topic string
		refuse      bool
		want        string
	}{
		{"foreign topic", "https://elsewhere.example/feed.xml", false, "verification:denied"},
		{"an archive", site + "/archive/2026/10/feed.xml", false, "verification:denied"},
		{"challenge not echoed", topic, true, "verification:failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub.set(func(s *subscriber) { s.refuse = tt.refuse })
			before := h.obs.get(tt.want)
			if code, body := ask(t, h.URL, form("subscribe", tt.topic, sub.URL)); code != http.StatusAccepted {
				t.Fatalf("subscribe: %d %s", code, body)
			}
			q := sub.nextGet(t)
			if tt.want == "verification:denied" && (q.Get("hub.mode") != "denied" || q.Get("hub.topic") != tt.topic || q.Get("hub.reason") == "") {
				t.Fatalf("denial %v", q)
			}
			h.waitCount(t, tt.want, before+1)
			if _, err := h.o.Store.Lookup(context.Background(), tt.topic, sub.URL); err == nil {
				t.Fatal("subscription stored")
			}
		})
	}
}

func TestLeaseExpiryAndRenewal(t *testing.T) {
	for _, st := range stores(t) {
		t.Run(st.name, func(t *testing.T) {
			clk := newClock()
			h := startHub(t, st.new(t), clk, &siteTopics{}, nil)
			short, long := newSubscriber(t), newSubscriber(t)
			if q := h.subscribe(t, short, topic, "hub.lease_seconds", "60"); q.Get("hub.lease_seconds") != "3600" {
				t.Fatalf("lease %s granted for 60 s asked, want the minimum 3600", q.Get("hub.lease_seconds"))
			}
			if q := h.subscribe(t, long, topic); q.Get("hub.lease_seconds") != strconv.Itoa(int(DefaultLease/time.Second)) {
				t.Fatalf("default lease %s", q.Get("hub.lease_seconds"))
			}

			clk.Advance(50 * time.Minute)
			h.subscribe(t, short, topic, "hub.lease_seconds", "3600") // renewal: now lasts to 1h50m
			clk.Advance(30 * time.Minute)                             // past the first lease
			h.forgetCounts()
			if n := h.Counts(context.Background())[topic]; n != 2 {
				t.Fatalf("%d active after renewal, want 2", n)
			}

			clk.Advance(time.Hour) // past the renewed lease
			h.forgetCounts()
			if n := h.Counts(context.Background())[topic]; n != 1 {
				t.Fatalf("%d active after the lease ran out, want 1", n)
			}
			h.topics.bump()
			h.Publish([]string{topic})
			long.nextPush(t)
			if n := short.count(); n != 0 {
				t.Fatalf("expired subscriber got %d pushes", n)
			}
		})
	}
}

func TestRetryAfterOutage(t *testing.T) {
	for _, st := range stores(t) {
		t.Run(st.name, func(t *testing.T) {
			clk := newClock()
			h := startHub(t, st.new(t), clk, &siteTopics{}, nil)
			sub := newSubscriber(t)
			h.subscribe(t, sub, topic)
			sub.set(func(s *subscriber) { s.down = true })
			v := h.topics.bump()
			h.Publish([]string{topic})
			h.waitCount(t, "delivery:retry", 1)
			sub.set(func(s *subscriber) { s.down = false })
			clk.Advance(retryBase * 3 / 2) // the longest first wait
			if p := sub.nextPush(t); !bytes.Contains(p.body, []byte("v"+v)) {
				t.Fatalf("retried push %q", p.body)
			}

			// Down for longer than RetryFor: dropped and counted.
			sub.set(func(s *subscriber) { s.down = true })
			h.topics.bump()
			h.Publish([]string{topic})
			deadline := time.Now().Add(wait)
			for retries := h.obs.get("delivery:retry"); h.obs.get("delivery:dropped") == 0; {
				if n := h.obs.get("delivery:retry"); n > retries { // scheduled: let its time come
					retries = n
					clk.Advance(retryMax * 3 / 2)
				}
				if time.Now().After(deadline) {
					t.Fatalf("not dropped after %d retries", retries)
				}
				time.Sleep(5 * time.Millisecond)
			}
			if n := sub.count(); n != 1 {
				t.Fatalf("%d pushes, want the 1 before the second outage", n)
			}
		})
	}
}

func TestDeadCallbackDoesNotDelayLive(t *testing.T) {
	h := startHub(t, NewMemory(), newClock(), &siteTopics{}, func(o *Options) { o.Workers = 2 })
	hang := make(chan struct{})
	dead := newSubscriber(t) // never answers a push
	h.subscribe(t, dead, topic)
	dead.set(func(s *subscriber) { s.hang = hang })
	defer close(hang)
	refused := newSubscriber(t)
	h.subscribe(t, refused, topic)
	refused.Close() // connection refused from now on
	live := newSubscriber(t)
	h.subscribe(t, live, site+"/feed.json")

	// Two changes for the dead callback: the first holds a worker; the
	// second waits in its lane rather than holding the other.
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(wait)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within the deadline", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	h.topics.bump()
	h.Publish([]string{topic})
	waitFor("first push held", func() bool { return dead.hangs() == 1 })
	h.topics.bump()
	h.Publish([]string{topic})
	waitFor("second push claimed", func() bool { return dead.hangs() == 2 || h.lanes.waitingFor(dead.URL) == 1 })

	start := time.Now()
	h.Publish([]string{site + "/feed.json"})
	live.nextPush(t)
	if d := time.Since(start); d > callbackTimeout/2 {
		t.Fatalf("live subscriber served after %v, behind the dead one", d)
	}
}

func TestRequestLimits(t *testing.T) {
	h := startHub(t, NewMemory(), newClock(), &siteTopics{}, func(o *Options) {
		o.AllowPrivate = false
		o.MaxPerHost = 1
		o.RatePerMin = 1000
	})
	tests := []struct {
		name        string
		contentType string
		body        string
		want        int
	}{
		{"loopback callback", "", form("subscribe", topic, "http://127.0.0.1:9/cb").Encode(), 400},
		{"localhost callback", "", form("subscribe", topic, "http://localhost:9/cb").Encode(), 400},
		{"metadata callback", "", form("subscribe", topic, "http://169.254.169.254/cb").Encode(), 400},
		{"private callback", "", form("subscribe", topic, "http://10.1.2.3/cb").Encode(), 400},
		{"mapped loopback", "", form("subscribe", topic, "http://[::ffff:127.0.0.1]/cb").Encode(), 400},
		{"not http", "", form("subscribe", topic, "ftp://example.com/cb").Encode(), 400},
		{"no mode", "", "hub.topic=" + topic, 400},
		{"publish", "", form("publish", topic, "https://example.com/cb").Encode(), 400},
		{"secret of 200 bytes", "", form("subscribe", topic, "https://example.com/cb", "hub.secret", strings.Repeat("x", 200)).Encode(), 400},
		{"bad lease", "", form("subscribe", topic, "https://example.com/cb", "hub.lease_seconds", "-5").Encode(), 400},
		{"json body", "application/json", `{}`, 415},
		{"huge body", "", "hub.mode=subscribe&x=" + strings.Repeat("a", maxRequestBytes), 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.contentType
			if ct == "" {
				ct = "application/x-www-form-urlencoded"
			}
			resp, err := http.Post(h.URL, ct, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	// A subscription per callback host: the first is taken.
	if err := h.o.Store.Save(context.Background(), Subscription{Topic: topic, Callback: "https://example.com/a", Expires: h.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if code, body := ask(t, h.URL, form("subscribe", topic, "https://example.com/b")); code != http.StatusTooManyRequests {
		t.Fatalf("second subscription of one host: %d %s", code, body)
	}
	if code, _ := ask(t, h.URL, form("subscribe", topic, "https://example.com/a")); code != http.StatusAccepted {
		t.Fatalf("renewal refused by the host limit: %d", code)
	}
}

func TestRateAndPendingLimits(t *testing.T) {
	store := NewMemory()
	h := New(Options{Store: store, Topics: &siteTopics{}, Now: newClock().Now, RatePerMin: 3, MaxPending: 2})
	// Not running: verifications stay pending.
	codes := []int{}
	for i := range 4 {
		r := httpPost(h, form("subscribe", topic, "https://example.com/"+strconv.Itoa(i)).Encode())
		codes = append(codes, r)
	}
	want := []int{202, 202, 429, 429} // third: pending; fourth: rate
	if !slices.Equal(codes, want) {
		t.Fatalf("statuses %v, want %v", codes, want)
	}
}

func TestConnectTimeCheck(t *testing.T) {
	sub := newSubscriber(t)
	// A name (here a loopback URL) passes the request check only when it
	// is not a literal; the dialer refuses it whatever the name resolves to.
	_, err := NewClient(false, 1).Get(sub.URL)
	if err == nil || !strings.Contains(err.Error(), errRefused.Error()) {
		t.Fatalf("dial to loopback: %v, want refused", err)
	}
	resp, err := NewClient(true, 1).Get(sub.URL)
	if err != nil {
		t.Fatalf("with private callbacks allowed: %v", err)
	}
	resp.Body.Close()
}
