package main

import (
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/feedwire/feedwire/internal/redistest"
	"github.com/feedwire/feedwire/internal/sitetest"
)

// atomItem returns the ID and updated time of the Atom entry titled title.
func atomItem(t *testing.T, url, title string) (string, time.Time) {
	t.Helper()
	parsed, err := gofeed.NewParser().ParseString(body(t, url))
	if err != nil {
		t.Fatalf("gofeed: %v", err)
	}
	for _, it := range parsed.Items {
		if it.Title == title && it.UpdatedParsed != nil {
			return it.GUID, *it.UpdatedParsed
		}
	}
	t.Fatalf("%s has no entry %q with an updated time", url, title)
	return "", time.Time{}
}

func TestCorrectionGetsNewUpdated(t *testing.T) {
	rs := redistest.Start(t)
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-02-a2.md", "甲报二", "2026-10-02 08:00:00", "jiabao", "甲报新闻")
	env := map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0", "REDIS_URL": rs.URL(), "REDIS_TIMEOUT": "2s"}
	a := startServer(t, env)
	url := a.URL + "/atom.xml"
	id, published := atomItem(t, url, "甲报一")
	_, otherUpdated := atomItem(t, url, "甲报二")

	start := time.Now().Truncate(time.Second)
	s.Post("2026-10-01-a1.md", "甲报一（更正）", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	a.waitLoaded(t)
	gotID, updated := atomItem(t, url, "甲报一（更正）")
	if gotID != id {
		t.Errorf("the corrected post's ID changed from %s to %s", id, gotID)
	}
	if !updated.After(published) || updated.Before(start) {
		t.Errorf("corrected post updated %v; want the time the change was noticed (from %v), not %v", updated, start, published)
	}
	if _, u := atomItem(t, url, "甲报二"); !u.Equal(otherUpdated) {
		t.Errorf("an unchanged post's updated moved from %v to %v", otherUpdated, u)
	}

	// A replica started after the correction never saw the old content, and
	// still agrees, through Redis.
	b := startServer(t, env)
	if got, want := body(t, b.URL+"/atom.xml"), body(t, url); got != want {
		t.Errorf("replica started later differs:\n%s\nwant\n%s", got, want)
	}
}
