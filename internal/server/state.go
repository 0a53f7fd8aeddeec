package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/feedwire/feedwire/feed"
	"github.com/feedwire/feedwire/internal/fleet"
)

// state is everything the server derives from one snapshot. It is built
// once per snapshot and never changes, so a request that loaded it sees one
// whole snapshot.
type state struct {
	snap  *feed.Snapshot
	all   []*feed.Feed             // site, categories, tags
	feeds map[*feed.Feed]*feedMeta // precomputed for the default limit
	opml  static
	opmls opmlDocs  // the other OPML documents, made on first request
	index static    // set by server.swap: the pages render it
	live  liveIndex // index with newer subscriber counts; see server.home

	hubLink string                    // Link header value naming the WebSub hub, if any
	prior   map[string]*fleet.Version // by fleet.FeedID: the version each changed feed replaced

	replaced chan struct{} // closed when a newer state replaces this one
}

// feedMeta holds what a request for a feed at the default limit needs,
// computed once: per format, the document and its ETags.
type feedMeta struct {
	docs [3]document
	tags [3]etags
}

// static is a document rendered eagerly, once per snapshot.
type static struct {
	doc  document
	tags etags
}

// newState derives the server state of snap.
func newState(snap *feed.Snapshot, limit int, hubLink string) (*state, error) {
	st := &state{snap: snap, feeds: map[*feed.Feed]*feedMeta{}, hubLink: hubLink, replaced: make(chan struct{})}
	st.all = snap.Feeds()
	for _, f := range st.all {
		m := &feedMeta{}
		for i, format := range formats {
			m.docs[i] = feedDocument(snap, f, format, limit, hubLink)
			m.docs[i].prepare()
			m.tags[i] = newETags(m.docs[i].validator)
		}
		st.feeds[f] = m
	}
	var err error
	if st.opml, err = newStatic("opml", "text/x-opml; charset=utf-8", snap.RenderOPML); err != nil {
		return nil, err
	}
	return st, nil
}

// stamp sets the Last-Modified of the documents st serves at every swap,
// the current document of each feed and the OPML list, to the times when
// their validators were first seen, as times gives them. Other documents
// (pages, other limits, archives, the other OPML lists, the HTML pages,
// which subscriber counts change between swaps) have none: they are
// validated by their ETags alone.
func (st *state) stamp(times func([]fleet.Doc, time.Time) []time.Time, now time.Time) {
	docs := make([]fleet.Doc, 0, 3*len(st.all)+2)
	var targets []*document
	for _, f := range st.all {
		m := st.feeds[f]
		for i, format := range formats {
			docs = append(docs, fleet.Doc{Slot: fleet.FeedID(f) + ":" + format.String(), Validator: m.docs[i].validator})
			targets = append(targets, &m.docs[i])
		}
	}
	docs = append(docs, fleet.Doc{Slot: "opml", Validator: st.opml.doc.validator})
	targets = append(targets, &st.opml.doc)
	for i, t := range times(docs, now) {
		targets[i].modTime = t
		targets[i].prepare()
	}
}

// formats lists the feed formats in the order of feedMeta's arrays.
var formats = [3]feed.Format{feed.RSS, feed.Atom, feed.JSON}

// feedDocument describes the current document of f at the default limit:
// page 1. With a WebSub hub, its responses carry the hub and self Link
// headers.
func feedDocument(snap *feed.Snapshot, f *feed.Feed, format feed.Format, limit int, hubLink string) document {
	return pageDocument(snap, f, format, feed.Paging{Size: limit, Page: 1}, hubLink)
}

// newStatic renders a document now and validates it by its bytes.
func newStatic(format, contentType string, render func(io.Writer) error) (static, error) {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return static{}, fmt.Errorf("render %s: %w", format, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	validator := format + "-" + hex.EncodeToString(sum[:16])
	b := buf.Bytes()
	return static{
		doc: document{
			validator:   validator,
			contentType: contentType,
			format:      format,
			render:      func(w io.Writer) error { _, err := w.Write(b); return err },
		},
		tags: newETags(validator),
	}, nil
}
