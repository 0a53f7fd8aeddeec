package server

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/sitetest"
)

var (
	atomID     = regexp.MustCompile(`<id>([^<]*)</id>`)
	atomTitle  = regexp.MustCompile(`<title>([^<]*)</title>`)
	atomSelf   = regexp.MustCompile(`<link href="([^"]*)" rel="self"`)
	opmlXMLURL = regexp.MustCompile(`(?i)xmlUrl="([^"]*/categories/techweb/[^"]*)"`)
)

// identity is what of a feed must never change once published.
type identity struct {
	feedID, self, xmlURL          string
	archiveID, archiveTitle, etag string
	tagSelf                       string
}

func identityOf(t *testing.T, url string) identity {
	t.Helper()
	var id identity
	_, feedDoc := get(t, "GET", url+"/categories/techweb/atom.xml", nil)
	id.feedID = atomID.FindStringSubmatch(string(feedDoc))[1]
	id.self = atomSelf.FindStringSubmatch(string(feedDoc))[1]
	_, opml := get(t, "GET", url+"/categories.opml", nil)
	m := opmlXMLURL.FindStringSubmatch(string(opml))
	if m == nil {
		t.Fatalf("categories.opml lacks the category:\n%s", opml)
	}
	id.xmlURL = m[1]
	resp, archive := get(t, "GET", url+"/categories/TechWeb/archive/2026/01/atom.xml", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("January archive: %d", resp.StatusCode)
	}
	id.archiveID = atomID.FindStringSubmatch(string(archive))[1]
	id.archiveTitle = atomTitle.FindStringSubmatch(string(archive))[1]
	id.etag = resp.Header.Get("ETag")
	_, tagDoc := get(t, "GET", url+"/tags/Markets/atom.xml", nil)
	id.tagSelf = atomSelf.FindStringSubmatch(string(tagDoc))[1]
	return id
}

// TestRespellingKeepsIdentity adds a newer post spelling a category
// TECHWEB and a tag MARKETS where earlier posts said TechWeb and Markets:
// the feeds' ids, self links and OPML entries, and the closed months'
// archives, stay as they were (RFC 4287 4.2.6); the display title may
// follow the newest spelling.
func TestRespellingKeepsIdentity(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-01-10-a.md", "一月", "2026-01-10 08:00:00", "TechWeb", "Markets")
	s.Post("2026-02-10-b.md", "二月", "2026-02-10 08:00:00", "TechWeb", "Markets")
	now := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	r := startReplica(t, s.Root, 7, nil, now)
	before := identityOf(t, r.URL)
	if !strings.Contains(before.self, "/categories/TechWeb/") {
		t.Fatalf("self link %s: want the posts' spelling", before.self)
	}

	s.Post("2026-03-10-c.md", "三月", "2026-03-10 08:00:00", "TECHWEB", "MARKETS")
	r.reload(now.Add(time.Hour))
	after := identityOf(t, r.URL)
	if after != before {
		t.Errorf("a respelling changed the feed's identity:\n%+v\nwas\n%+v", after, before)
	}
	_, feedDoc := get(t, "GET", r.URL+"/categories/techweb/atom.xml", nil)
	if title := atomTitle.FindStringSubmatch(string(feedDoc))[1]; !strings.HasSuffix(title, "TECHWEB") {
		t.Errorf("feed title %q: the display name follows the newest post", title)
	}
}
