package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/fleet"
	"github.com/feedwire/feedwire/internal/httpx"
)

// Hub is a WebSub hub for the site's feeds; *hub.Hub is one.
type Hub interface {
	// ServeHTTP answers a subscription request at POST /websub.
	http.Handler
	// Counts returns the push subscribers per feed URL.
	Counts(ctx context.Context) map[string]int
}

// Push is what WebSub subscribers of a feed document get for its latest
// change.
type Push struct {
	Body        []byte
	ContentType string
	Links       []string // Link header values: the hub and the feed itself
	Version     string   // names the change: the validators before and after
}

// errNoTopic reports a URL that is none of the site's feed documents.
var errNoTopic = errors.New("server: not a feed of this site")

// Topic returns the canonical URL of the feed document raw names (site,
// category or tag feed, any format; archives and pages are none), false
// when raw names none of the current snapshot's feeds.
func (s *Server) Topic(raw string) (string, bool) {
	st := s.state.Load()
	if st == nil {
		return "", false
	}
	f, format, ok := st.topicFeed(raw)
	if !ok {
		return "", false
	}
	return st.snap.Site.URL + f.Path(format), true
}

// Push returns what subscribers of topic get for its latest change: for RSS
// and Atom, the document with only the items added or changed since the
// version before (and its tombstones), as an RFC 3229 delta has them; for
// JSON Feed, or a feed with no earlier version, the whole document.
func (s *Server) Push(ctx context.Context, topic string) (Push, error) {
	st := s.state.Load()
	if st == nil {
		return Push{}, errNoTopic
	}
	f, format, ok := st.topicFeed(topic)
	if !ok {
		return Push{}, errNoTopic
	}
	i := formatIndex(format)
	m := st.feeds[f]
	cur := &m.docs[i]
	d, version := cur, cur.validator
	if v := st.prior[fleet.FeedID(f)]; v != nil && v.Validators[i] != "" {
		version = v.Validators[i] + " " + cur.validator // the change, not only its result: a revert is pushed too
		if format != feed.JSON {
			delta := deltaDocument(st, f, i, cur, s.feedLimit, v.Validators[i], v.Hashes)
			d = &delta
		}
	}
	body, err := s.fetch(ctx, d, httpx.Identity)
	if err != nil {
		return Push{}, err
	}
	return Push{Body: body, ContentType: cur.contentType, Links: cur.links, Version: version}, nil
}

// topicFeed finds the feed and format of a feed document URL of the site.
func (st *state) topicFeed(raw string) (*feed.Feed, feed.Format, bool) {
	rest, ok := strings.CutPrefix(raw, st.snap.Site.URL)
	if !ok || !strings.HasPrefix(rest, "/") || strings.ContainsAny(rest, "?#") {
		return nil, 0, false
	}
	kind, name, file := feed.KindSite, "", rest[1:]
	for _, k := range []feed.Kind{feed.KindCategory, feed.KindTag} {
		prefix := "/categories/"
		if k == feed.KindTag {
			prefix = "/tags/"
		}
		if r, found := strings.CutPrefix(rest, prefix); found {
			kind = k
			if name, file, ok = strings.Cut(r, "/"); !ok {
				return nil, 0, false
			}
			var err error
			if name, err = url.PathUnescape(name); err != nil || name == "" {
				return nil, 0, false
			}
		}
	}
	format, err := feed.ParseFormat(file)
	if err != nil {
		return nil, 0, false
	}
	f, err := st.snap.Feed(kind, name)
	if err != nil || st.feeds[f] == nil {
		return nil, 0, false
	}
	return f, format, true
}

// pushCounts returns the push subscribers per feed, keyed as the polling
// counts of /stats.json are, nil without a hub.
func (s *Server) pushCounts(ctx context.Context) map[string]int {
	st := s.state.Load()
	if s.hub == nil || st == nil {
		return nil
	}
	out := map[string]int{}
	for topic, n := range s.hub.Counts(ctx) {
		if f, format, ok := st.topicFeed(topic); ok {
			out[subscriberKey(f.Kind, f.Key, format)] += n
		}
	}
	return out
}
