package main

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/redistest"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// seenDoc is one answer a replica gave for a document.
type seenDoc struct {
	replica, state string
	path           string
	body           string
	etag, lm       string
}

// fleetCheck fetches documents from replicas at each state of a site and
// checks the caching model on everything it has seen: a client never gets a
// 304 from a replica whose bytes changed after the date it sends, whichever
// replica it had them from; one ETag names one body; a replica's
// Last-Modified moves forward when its bytes change and never changes while
// its ETag stays. With shared records, every replica serves the same bytes;
// without, replicas that noticed a correction or a removal at different
// times show different times, each its own.
type fleetCheck struct {
	t      *testing.T
	shared bool // replicas share Redis
	paths  []string
	seen   []seenDoc
	last   map[string]seenDoc // replica + path → its latest answer
	bodies map[string]string  // replica + path + state → its body then
}

func (c *fleetCheck) observe(state string, replicas map[string]*testServer) {
	c.t.Helper()
	current := map[string]seenDoc{}
	for name, r := range replicas {
		for _, path := range c.paths {
			resp, b := get(c.t, "GET", r.URL+path, nil)
			if resp.StatusCode != 200 {
				c.t.Fatalf("%s %s at %s: %d", name, path, state, resp.StatusCode)
			}
			d := seenDoc{name, state, path, string(b), resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")}
			if d.lm == "" {
				c.t.Errorf("%s %s at %s: no Last-Modified", name, path, state)
				continue
			}
			if prev, ok := c.last[name+path]; ok {
				lm, _ := http.ParseTime(d.lm)
				prevLM, _ := http.ParseTime(prev.lm)
				switch {
				case prev.etag == d.etag && prev.lm != d.lm:
					c.t.Errorf("%s %s at %s: Last-Modified changed from %s to %s while the ETag stayed %s", name, path, state, prev.lm, d.lm, d.etag)
				case prev.body != d.body && !lm.After(prevLM):
					c.t.Errorf("%s %s at %s: the bytes changed, Last-Modified went from %s to %s", name, path, state, prev.lm, d.lm)
				}
			}
			c.last[name+path] = d
			c.bodies[name+path+"\x00"+state] = d.body
			current[name+path] = d
			c.seen = append(c.seen, d)
		}
	}
	for _, d := range c.seen {
		for name, r := range replicas {
			cur := current[name+d.path]
			if d.etag == cur.etag && d.body != cur.body {
				c.t.Errorf("ETag %s names two bodies: %s at %s and %s at %s (%s)", d.etag, d.replica, d.state, name, state, d.path)
			}
			resp, _ := get(c.t, "GET", r.URL+d.path, map[string]string{"If-Modified-Since": d.lm})
			if resp.StatusCode != http.StatusNotModified || cur.body == d.body {
				continue
			}
			then, existed := c.bodies[name+d.path+"\x00"+d.state]
			if !c.shared && (d.state == state || existed && then == cur.body) {
				continue // no change since d; the replicas' own times differ
			}
			c.t.Errorf("%s %s at %s: 304 for If-Modified-Since %s, yet its bytes changed since %s sent them with that date at %s", name, d.path, state, d.lm, d.replica, d.state)
		}
	}
}

var atomUpdated = regexp.MustCompile(`<updated>([^<]+)</updated>`)

// entryUpdated returns the updated of the Atom entry whose id is id.
func entryUpdated(t *testing.T, doc, id string) time.Time {
	t.Helper()
	for _, entry := range strings.Split(doc, "<entry>")[1:] {
		if !strings.Contains(entry, "<id>"+id+"</id>") {
			continue
		}
		m := atomUpdated.FindStringSubmatch(entry)
		if m == nil {
			t.Fatalf("entry %s has no updated", id)
		}
		u, err := time.Parse(time.RFC3339, m[1])
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	t.Fatalf("no entry %s in\n%s", id, doc)
	return time.Time{}
}

// nextSecond waits until the clock is past every Last-Modified seen:
// HTTP dates count seconds, and replicas that share no record cannot order
// two changes within one second (RFC 9110 makes such a date a weak
// validator).
func (c *fleetCheck) nextSecond() {
	c.t.Helper()
	var last time.Time
	for _, d := range c.seen {
		if lm, err := http.ParseTime(d.lm); err == nil && lm.After(last) {
			last = lm
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for !time.Now().Truncate(time.Second).After(last) {
		if time.Now().After(deadline) {
			c.t.Fatalf("Last-Modified %v is ahead of the clock", last)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDocumentsChangeOnlyWithTheirValidators runs replicas over one site
// through a backdated post, a deletion, an edit, its revert and the edit
// made again, with and without Redis, and replicas started on the way.
func TestDocumentsChangeOnlyWithTheirValidators(t *testing.T) {
	for _, withRedis := range []bool{false, true} {
		name := "without Redis"
		if withRedis {
			name = "with Redis"
		}
		t.Run(name, func(t *testing.T) {
			s := sitetest.New(t)
			s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
			s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
			s.Post("2026-10-03-a3.md", "甲报三", "2026-10-03 08:00:00", "jiabao", "甲报新闻")
			env := replicaEnv(t, s.Root, withRedis)
			replicas := map[string]*testServer{"a": startServer(t, env), "b": startServer(t, env)}
			c := &fleetCheck{t: t, shared: withRedis, bodies: map[string]string{}, paths: []string{"/atom.xml", "/feed.xml", "/feed.json", "/categories/jiabao/atom.xml",
				"/categories/jiabao/feed.json", "/tags/%E7%94%B2%E6%8A%A5%E6%96%B0%E9%97%BB/feed.xml", "/opml.xml"}, last: map[string]seenDoc{}}
			c.observe("start", replicas)
			const a2 = "https://news.example.org/jiabao/2026/10/02/a2"
			var updates []time.Time
			edit := func(title string) func() {
				return func() { s.Post("2026-10-02-a2.md", title, "2026-10-02 08:00:00", "jiabao", "甲报新闻") }
			}
			steps := []struct {
				name   string
				change func()
			}{
				{"backdated", func() { s.Post("2026-09-01-old.md", "甲报旧", "2026-09-01 08:00:00", "jiabao", "甲报新闻") }},
				{"deleted", func() { s.Remove("_posts/2026-10-01-a1.md") }},
				{"edited", edit("甲报二（更正）")},
				{"reverted", edit("甲报二")},
				{"edited again", edit("甲报二（更正）")},
			}
			for i, step := range steps {
				before := replicas["a"]
				prevAtom, prevRSS := etagOf(t, before.URL+"/atom.xml"), etagOf(t, before.URL+"/feed.xml")
				if !withRedis {
					c.nextSecond()
				}
				step.change()
				for _, r := range replicas {
					r.waitLoaded(t)
				}
				// Replicas started now never saw what came before.
				if !withRedis {
					c.observe(step.name, replicas)
					c.nextSecond()
				}
				fresh := fmt.Sprintf("fresh%d", i)
				replicas[fresh] = startServer(t, env)
				c.observe(step.name, replicas)
				if withRedis {
					want := c.last["a/atom.xml"]
					for name := range replicas {
						if got := c.last[name+"/atom.xml"]; got.etag != want.etag || got.lm != want.lm {
							t.Errorf("%s: replica %s serves %s %s, replica a %s %s", step.name, name, got.etag, got.lm, want.etag, want.lm)
						}
					}
				}
				if step.name != "deleted" {
					updates = append(updates, entryUpdated(t, body(t, before.URL+"/atom.xml"), a2))
					delete(replicas, fresh) // keep the number of processes down
					continue
				}
				// A delta of deletions only says when the feed changed, as the
				// feed does, never 1970.
				full := body(t, before.URL+"/atom.xml")
				status, delta := askDelta(t, before.URL+"/atom.xml", prevAtom, nil)
				if status != http.StatusIMUsed || strings.Contains(string(delta), "<entry") {
					t.Fatalf("Atom delta of a deletion: %d\n%s", status, delta)
				}
				if got, want := atomUpdated.FindString(string(delta)), atomUpdated.FindString(full); got != want || strings.Contains(got, "1970") {
					t.Errorf("Atom delta says %s, the feed %s", got, want)
				}
				rss := regexp.MustCompile(`<lastBuildDate>[^<]+</lastBuildDate>`)
				status, delta = askDelta(t, before.URL+"/feed.xml", prevRSS, nil)
				if status != http.StatusIMUsed {
					t.Fatalf("RSS delta of a deletion: %d", status)
				}
				if got, want := rss.FindString(string(delta)), rss.FindString(body(t, before.URL+"/feed.xml")); got != want || strings.Contains(got, "1970") {
					t.Errorf("RSS delta says %s, the feed %s", got, want)
				}
				delete(replicas, fresh)
			}
			for i := 1; i < len(updates); i++ {
				if updates[i].Before(updates[i-1]) {
					t.Errorf("updated of the corrected post went back from %v to %v at %s", updates[i-1], updates[i], steps[i+1].name)
				}
			}
			if n := len(updates); !updates[n-1].After(updates[n-2]) || !updates[n-2].After(updates[n-3]) {
				t.Errorf("an edit, its revert and the edit again did not each move updated forward: %v", updates)
			}
		})
	}
}

// TestCorrectionOneETagOneBody edits a post, then reverts it, starting a
// replica after each: the replica that saw the edit shows when it was
// noticed, a replica started later without Redis cannot, and their
// documents then differ in bytes, so they must differ in ETag.
func TestCorrectionOneETagOneBody(t *testing.T) {
	for _, withRedis := range []bool{false, true} {
		name := "without Redis"
		if withRedis {
			name = "with Redis"
		}
		t.Run(name, func(t *testing.T) {
			s := sitetest.New(t)
			s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
			s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
			env := replicaEnv(t, s.Root, withRedis)
			replicas := map[string]*testServer{"a": startServer(t, env)}
			c := &fleetCheck{t: t, shared: withRedis, bodies: map[string]string{}, last: map[string]seenDoc{},
				paths: []string{"/atom.xml", "/feed.xml", "/feed.json", "/categories/jiabao/atom.xml"}}
			c.observe("start", replicas)
			for i, title := range []string{"甲报二（更正）", "甲报二"} {
				c.nextSecond()
				s.Post("2026-10-02-a2.md", title, "2026-10-02 08:00:00", "jiabao", "甲报新闻")
				for _, r := range replicas {
					r.waitLoaded(t)
				}
				c.observe(title, replicas)
				c.nextSecond()
				replicas[fmt.Sprintf("fresh%d", i)] = startServer(t, env)
				c.observe(title+", a replica started", replicas)
			}
			if withRedis {
				for _, path := range c.paths {
					want := c.last["a"+path]
					for name := range replicas {
						if got := c.last[name+path]; got.body != want.body || got.lm != want.lm {
							t.Errorf("%s: replica %s differs from replica a (Last-Modified %s, %s)", path, name, got.lm, want.lm)
						}
					}
				}
			}
		})
	}
}

// replicaEnv is the setting of replicas serving root without polling,
// sharing a throwaway redis-server when withRedis.
func replicaEnv(t *testing.T, root string, withRedis bool) map[string]string {
	t.Helper()
	env := map[string]string{"POSTS_DIR": root, "RELOAD_INTERVAL": "0"}
	if withRedis {
		env["REDIS_URL"] = redistest.Start(t).URL()
		env["REDIS_TIMEOUT"] = "2s"
	}
	return env
}
