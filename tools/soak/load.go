package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

// load describes one run of the load generator.
type load struct {
	conns    int
	duration time.Duration
	paths    []string        // request targets, chosen at random
	backends func() []string // base URLs to spread over, read per request
	sample   int             // check the body of one 200 in sample (1: all)
	encoding bool            // also ask for gzip and br
	retry    bool            // a refused connection is retried on another backend, as a load balancer does
}

// outcome is one request as the client saw it.
type outcome struct {
	start   time.Duration // since the run began
	took    time.Duration
	status  int    // 0: transport error
	backend string // base URL of the replica that answered
}

// loadResult is everything one run recorded.
type loadResult struct {
	mu        sync.Mutex
	began     time.Time
	outcomes  []outcome
	errors    map[string]int // transport errors by kind
	sampled   int
	bad       []string          // bodies that do not parse, or an ETag seen with two bodies
	etags     map[string][]byte // ETag to the hash of the body served with it
	refused   int               // refused connections retried elsewhere
	misrouted int               // 503s from a replica no longer in the ready set, retried elsewhere
	condSent  int
	notModded int
}

// newClient returns an HTTP client that leaves Accept-Encoding alone.
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DisableCompression:  true,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// run sends requests from l.conns workers until l.duration has passed or
// ctx is done.
func (l load) run(ctx context.Context) *loadResult {
	res := &loadResult{began: time.Now(), errors: map[string]int{}, etags: map[string][]byte{}}
	ctx, cancel := context.WithTimeout(ctx, l.duration)
	defer cancel()
	client := newClient(l.conns * 2)
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for w := range l.conns {
		wg.Go(func() { l.worker(ctx, client, res, uint64(w)) })
	}
	wg.Wait()
	return res
}

var encodings = []string{"", "gzip", "br", "gzip, deflate, br"}

func (l load) worker(ctx context.Context, client *http.Client, res *loadResult, seed uint64) {
	rnd := rand.New(rand.NewPCG(seed, 42))
	seen := map[string]string{} // path+coding to the last ETag, for conditional requests
	var outs []outcome
	defer func() {
		res.mu.Lock()
		res.outcomes = append(res.outcomes, outs...)
		res.mu.Unlock()
	}()
	for n := 0; ctx.Err() == nil; n++ {
		path := l.paths[rnd.IntN(len(l.paths))]
		enc := ""
		if l.encoding {
			enc = encodings[rnd.IntN(len(encodings))]
		}
		key := path + "|" + enc
		inm := ""
		if e, ok := seen[key]; ok && rnd.IntN(3) == 0 {
			inm = e
		}
		backends := l.backends()
		if len(backends) == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Millisecond):
			}
			continue
		}
		b := rnd.IntN(len(backends))
		t0 := time.Now()
		var resp *http.Response
		var err error
		for try := 0; try < len(backends)+1; try++ {
			req, _ := http.NewRequest(http.MethodGet, backends[(b+try)%len(backends)]+path, nil)
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			}
			if inm != "" {
				req.Header.Set("If-None-Match", inm)
			}
			resp, err = client.Do(req)
			if l.retry && err == nil && resp.StatusCode == http.StatusServiceUnavailable &&
				!slices.Contains(l.backends(), backends[(b+try)%len(backends)]) {
				// Sent on a stale view to a replica that has left the
				// ready set since: a load balancer would not have.
				readAll(resp)
				res.mu.Lock()
				res.misrouted++
				res.mu.Unlock()
				continue
			}
			if err == nil || !l.retry || !refused(err) {
				b = (b + try) % len(backends)
				break
			}
			res.mu.Lock()
			res.refused++
			res.mu.Unlock()
		}
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
				return // the run ended, not the server
			}
			outs = append(outs, outcome{start: t0.Sub(res.began), took: time.Since(t0), backend: backends[b]})
			res.mu.Lock()
			res.errors[errKind(err)]++
			res.mu.Unlock()
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(t0)
		status := resp.StatusCode
		if err != nil {
			status = 0
			res.mu.Lock()
			res.errors["body: "+errKind(err)]++
			res.mu.Unlock()
		}
		outs = append(outs, outcome{start: t0.Sub(res.began), took: took, status: status, backend: backends[b]})
		etag := resp.Header.Get("ETag")
		if inm != "" {
			res.mu.Lock()
			res.condSent++
			if status == http.StatusNotModified {
				res.notModded++
			}
			res.mu.Unlock()
		}
		if status == http.StatusOK && etag != "" {
			seen[key] = etag
			if l.sample <= 1 || n%l.sample == 0 {
				res.check(path, etag, resp.Header.Get("Content-Encoding"), body)
			}
		}
	}
}

// refused reports whether the error is a connection the server refused.
func refused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// errKind shortens a transport error to a stable description.
func errKind(err error) string {
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Op + ": " + op.Err.Error()
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// check parses a sampled body and records which body its ETag names.
func (res *loadResult) check(path, etag, coding string, raw []byte) {
	sum := sha256.Sum256(raw)
	problem := ""
	body, err := decode(coding, raw)
	if err != nil {
		problem = fmt.Sprintf("%s (%s): %v", path, coding, err)
	} else if err := wellFormed(path, body); err != nil {
		problem = fmt.Sprintf("%s (%s): %v", path, coding, err)
	}
	res.mu.Lock()
	defer res.mu.Unlock()
	res.sampled++
	if prev, ok := res.etags[etag]; ok && !bytes.Equal(prev, sum[:]) {
		problem = fmt.Sprintf("%s: ETag %s served with two different bodies", path, etag)
	}
	res.etags[etag] = sum[:]
	if problem != "" && len(res.bad) < 20 {
		res.bad = append(res.bad, problem)
	}
}

// decode undoes a content coding.
func decode(coding string, b []byte) ([]byte, error) {
	switch coding {
	case "":
		return b, nil
	case "gzip":
		r, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(r)
	case "br":
		return io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	}
	return nil, fmt.Errorf("unknown content coding %q", coding)
}

// wellFormed parses a feed document: JSON Feed for .json, XML otherwise.
func wellFormed(path string, b []byte) error {
	p, _, _ := strings.Cut(path, "?")
	if strings.HasSuffix(p, ".json") {
		var doc struct {
			Version string            `json:"version"`
			Items   []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return err
		}
		if !strings.HasPrefix(doc.Version, "https://jsonfeed.org/version/") {
			return fmt.Errorf("no JSON Feed version: %q", doc.Version)
		}
		return nil
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	elems := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if _, ok := tok.(xml.StartElement); ok {
			elems++
		}
	}
	if elems == 0 {
		return errors.New("no XML element")
	}
	return nil
}

// window selects the outcomes that started in [from, to).
func (res *loadResult) window(from, to time.Duration) []outcome {
	var out []outcome
	for _, o := range res.outcomes {
		if o.start >= from && o.start < to {
			out = append(out, o)
		}
	}
	return out
}

// stats summarises outcomes.
type stats struct {
	n             int
	statuses      map[int]int
	p50, p99, max time.Duration
}

func summarise(os []outcome) stats {
	s := stats{n: len(os), statuses: map[int]int{}}
	if len(os) == 0 {
		return s
	}
	lat := make([]time.Duration, len(os))
	for i, o := range os {
		s.statuses[o.status]++
		lat[i] = o.took
	}
	slices.Sort(lat)
	s.p50 = lat[len(lat)/2]
	s.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	s.max = lat[len(lat)-1]
	return s
}

// onlyOK reports whether every outcome was a 200 or a 304.
func (s stats) onlyOK() bool { return s.statuses[200]+s.statuses[304] == s.n }

// statusText lists the counts per status, "0" meaning a transport error.
func (s stats) statusText() string {
	codes := make([]int, 0, len(s.statuses))
	for c := range s.statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		name := fmt.Sprint(c)
		if c == 0 {
			name = "error"
		}
		parts[i] = fmt.Sprintf("%s: %d", name, s.statuses[c])
	}
	return strings.Join(parts, ", ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// readAll reads and closes a response body.
func readAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
