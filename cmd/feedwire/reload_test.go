package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedwire/feedwire/internal/sitetest"
)

// waitLoaded waits for the next snapshot swap.
func (ts *testServer) waitLoaded(t *testing.T) {
	t.Helper()
	select {
	case <-ts.loaded:
	case <-time.After(10 * time.Second):
		t.Fatal("no reload within 10s of the change")
	}
}

// waitMetric polls /metrics until the metric reaches at least want.
func waitMetric(t *testing.T, ts *testServer, want float64, name string, labels ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for scrape(t, ts.URL, name, labels...) < want {
		if time.Now().After(deadline) {
			t.Fatalf("%s%v stayed below %v", name, labels, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// titles returns the item titles of an RSS document.
func titles(t *testing.T, body []byte) []string {
	t.Helper()
	var doc struct {
		Items []struct {
			Title string `xml:"title"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("RSS does not parse: %v", err)
	}
	var out []string
	for _, it := range doc.Items {
		out = append(out, it.Title)
	}
	return out
}

func etagOf(t *testing.T, url string) string {
	t.Helper()
	resp, _ := get(t, "HEAD", url, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("HEAD %s: %d", url, resp.StatusCode)
	}
	return resp.Header.Get("ETag")
}

func TestReloadFollowsChanges(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "甲报一", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	s.Post("2026-10-02-b1.md", "乙报一", "2026-10-02 08:00:00", "yibao", "乙报新闻")
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0"})
	jia := ts.URL + "/categories/jiabao/feed.xml"
	yi := ts.URL + "/categories/yibao/feed.xml"
	jiaTag := etagOf(t, jia)

	steps := []struct {
		name   string
		change func()
		url    string
		want   []string
	}{
		{"add", func() { s.Post("2026-10-03-b2.md", "乙报二", "2026-10-03 08:00:00", "yibao", "乙报新闻") }, yi, []string{"乙报二", "乙报一"}},
		{"change", func() {
			s.Post("2026-10-03-b2.md", "乙报二（更正）", "2026-10-03 08:00:00", "yibao", "乙报新闻")
		}, yi, []string{"乙报二（更正）", "乙报一"}},
		{"delete", func() { os.Remove(filepath.Join(s.Root, "_posts/2026-10-02-b1.md")) }, yi, []string{"乙报二（更正）"}},
		{"break", func() {
			s.Write("_posts/2026-10-03-b2.md", "---\ntitle: \"坏\"标题\"\ndate: 2026-10-03\ncategories: yibao\n---\n<p>x</p>\n")
		}, ts.URL + "/feed.xml", []string{"甲报一"}},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.change()
			ts.waitLoaded(t)
			resp, body := get(t, "GET", step.url, nil)
			if step.name == "break" {
				if resp.StatusCode != 200 {
					t.Fatalf("site feed %d after a post broke", resp.StatusCode)
				}
				// Its other post was deleted: the category keeps answering
				// with that deleted entry, and no item.
				if r, b := get(t, "GET", yi, nil); r.StatusCode != 200 || len(titles(t, b)) != 0 || !strings.Contains(string(b), "deleted-entry") {
					t.Errorf("category of the broken post's only post: %d, want 200 with its deleted entry only:\n%s", r.StatusCode, b)
				}
				if n := scrape(t, ts.URL, "feedwire_post_problems"); n != 1 {
					t.Errorf("feedwire_post_problems = %v, want 1", n)
				}
			}
			if got := titles(t, body); strings.Join(got, "|") != strings.Join(step.want, "|") {
				t.Fatalf("titles %q, want %q", got, step.want)
			}
			if got := etagOf(t, jia); got != jiaTag {
				t.Fatalf("untouched category's ETag changed from %s to %s", jiaTag, got)
			}
		})
	}

	t.Run("folder removed", func(t *testing.T) {
		before := scrape(t, ts.URL, "feedwire_reloads_total", "result=error")
		if err := os.RemoveAll(s.Root); err != nil {
			t.Fatal(err)
		}
		waitMetric(t, ts, before+1, "feedwire_reloads_total", "result=error")
		if resp, _ := get(t, "GET", ts.URL+"/readyz", nil); resp.StatusCode != 200 {
			t.Fatalf("readyz %d after the folder vanished; want 200 (previous snapshot kept)", resp.StatusCode)
		}
		if got := etagOf(t, jia); got != jiaTag {
			t.Fatalf("previous snapshot not kept: ETag %s, want %s", got, jiaTag)
		}
	})
}

func TestReloadFollowsSymlinkSwap(t *testing.T) {
	dir := t.TempDir()
	rev := func(name, title string) string {
		s := sitetest.At(t, filepath.Join(dir, name))
		s.Write("_config.yml", "title: 测试站\nurl: https://news.example.org\n")
		s.Post("2026-10-01-x.md", title, "2026-10-01 08:00:00", "jiabao", "甲报新闻")
		return s.Root
	}
	link := filepath.Join(dir, "current")
	if err := os.Symlink(rev("rev1", "第一版"), link); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, map[string]string{"POSTS_DIR": link, "RELOAD_INTERVAL": "0"})
	_, body := get(t, "GET", ts.URL+"/feed.xml", nil)
	if got := titles(t, body); len(got) != 1 || got[0] != "第一版" {
		t.Fatalf("before swap: %q", got)
	}
	// git-sync publishes a revision: a new folder, a new link, an atomic rename.
	target := rev("rev2", "第二版")
	if err := os.Symlink(target, link+".tmp"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(link+".tmp", link); err != nil {
		t.Fatal(err)
	}
	ts.waitLoaded(t)
	_, body = get(t, "GET", ts.URL+"/feed.xml", nil)
	if got := titles(t, body); len(got) != 1 || got[0] != "第二版" {
		t.Fatalf("after swap: %q", got)
	}
}

func TestScheduledPostAppearsOnTime(t *testing.T) {
	s := sitetest.New(t)
	s.Post("2026-10-01-a1.md", "已发布", "2026-10-01 08:00:00", "jiabao", "甲报新闻")
	due := time.Now().Add(2 * time.Second).Truncate(time.Second).In(time.FixedZone("CST", 8*3600))
	s.Post("2099-01-01-later.md", "定时发布", due.Format("2006-01-02 15:04:05"), "jiabao", "甲报新闻")
	ts := startServer(t, map[string]string{"POSTS_DIR": s.Root, "RELOAD_INTERVAL": "0"})
	_, body := get(t, "GET", ts.URL+"/feed.xml", nil)
	if got := titles(t, body); len(got) != 1 {
		t.Fatalf("before its time: %q", got)
	}
	ts.waitLoaded(t)
	if time.Now().Before(due) {
		t.Fatal("held-back post published early")
	}
	_, body = get(t, "GET", ts.URL+"/feed.xml", nil)
	if got := titles(t, body); len(got) != 2 || got[0] != "定时发布" {
		t.Fatalf("after its time: %q", got)
	}
}
