package hub

import (
	"bytes"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/redistest"
)

func TestReplicasShareOneRedis(t *testing.T) {
	srv := redistest.Start(t)
	clk, topics := newClock(), &siteTopics{}
	a := startHub(t, NewRedis(srv.Client(), "a", time.Second), clk, topics, nil)
	b := startHub(t, NewRedis(srv.Client(), "b", time.Second), clk, topics, nil)
	sub := newSubscriber(t)
	a.subscribe(t, sub, topic, "hub.secret", "k")

	// Both replicas reload and see the same change: one delivery.
	for round := 1; round <= 3; round++ {
		v := topics.bump()
		a.Publish([]string{topic})
		b.Publish([]string{topic})
		p := sub.nextPush(t)
		if !bytes.Contains(p.body, []byte("v"+v)) {
			t.Fatalf("round %d: push %q", round, p.body)
		}
		checkSignature(t, p, "k")
	}
	// Each change once: a fourth, pushed by b alone, is the next to arrive.
	v := topics.bump()
	b.Publish([]string{topic})
	if p := sub.nextPush(t); !bytes.Contains(p.body, []byte("v"+v)) {
		t.Fatalf("a change was pushed twice: got %q after the third", p.body)
	}
	if n := sub.count(); n != 4 {
		t.Fatalf("%d pushes for 4 changes", n)
	}
}

func TestRestartLosesNothing(t *testing.T) {
	srv := redistest.Start(t)
	clk, topics := newClock(), &siteTopics{}
	first := startHub(t, NewRedis(srv.Client(), "first", time.Second), clk, topics, nil)
	sub := newSubscriber(t)
	first.subscribe(t, sub, topic)
	first.stop()

	// A change queued while no replica runs (a replica that published it
	// and went away before delivering), then a new process.
	idle := New(Options{Store: NewRedis(srv.Client(), "idle", time.Second), Topics: topics, Now: clk.Now, AllowPrivate: true})
	v := topics.bump()
	idle.Publish([]string{topic})

	second := startHub(t, NewRedis(srv.Client(), "second", time.Second), clk, topics, nil)
	if p := sub.nextPush(t); !bytes.Contains(p.body, []byte("v"+v)) {
		t.Fatalf("push after restart %q", p.body)
	}
	if _, err := second.o.Store.Lookup(t.Context(), topic, sub.URL); err != nil {
		t.Fatalf("subscription lost across the restart: %v", err)
	}
}

func TestUnacknowledgedJobIsReclaimed(t *testing.T) {
	srv := redistest.Start(t)
	clk, topics := newClock(), &siteTopics{}
	store := NewRedis(srv.Client(), "crashed", 100*time.Millisecond)
	sub := newSubscriber(t)
	h := startHub(t, store, clk, topics, nil)
	h.subscribe(t, sub, topic)
	h.stop()
	v := topics.bump()
	h.Publish([]string{topic})
	// The crashed replica claimed the fan-out and died before finishing it.
	jobs, err := store.Claim(t.Context(), 10, clk.Now())
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claimed %d jobs, err %v", len(jobs), err)
	}
	startHub(t, NewRedis(srv.Client(), "survivor", 100*time.Millisecond), clk, topics, nil)
	if p := sub.nextPush(t); !bytes.Contains(p.body, []byte("v"+v)) {
		t.Fatalf("push %q", p.body)
	}
}
