package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/feedwire/feedwire/internal/sitetest"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Chromium for the test, with a fresh profile and
// no network of its own, and returns a context bound to one tab. The test
// skips when Chromium is missing, unless it runs in CI.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing in CI: apt-get install chromium", chromiumPath)
		}
		t.Skipf("%s not found; install it with: apt-get install chromium", chromiumPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	return ctx
}

// consoleProblems collects every console error and warning, uncaught
// exception and browser log error (a blocked resource, a CSP violation) of
// the tab.
type consoleProblems struct {
	mu   sync.Mutex
	list []string
}

func (c *consoleProblems) listen(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Listen(ctx, func(ev any) {
		var problem string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning ||
				ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problem = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			problem = "exception: " + ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil {
				problem += " " + ex.Description
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				problem = fmt.Sprintf("log %s %s: %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		}
		if problem != "" {
			c.mu.Lock()
			c.list = append(c.list, problem)
			c.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
}

func (c *consoleProblems) check(t *testing.T, when string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.list {
		t.Errorf("%s: %s", when, p)
	}
	c.list = nil
}

// browserSite generates a site of 300 categories, some with Chinese names
// and some with markup in them, each with two posts whose titles carry
// markup too (as entities: titles are plain text), and 40 tags.
func browserSite(t *testing.T) (root string, categories, tags []string, posts []sitetest.Post) {
	base := time.Date(2026, 1, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for i := range 300 {
		name := fmt.Sprintf("paper%03d", i)
		switch {
		case i%10 == 3:
			name = fmt.Sprintf("株洲日报第%03d版", i)
		case i%50 == 7:
			name = fmt.Sprintf(`<script>console.error("category %d ran")</script>`, i)
		}
		categories = append(categories, name)
		for j := range 2 {
			tag := fmt.Sprintf("topic%02d", (i+j)%40)
			posts = append(posts, sitetest.Post{
				Title:      fmt.Sprintf(`&lt;script&gt;console.error("post %d.%d ran")&lt;/script&gt;&lt;img src=x&gt; 第%d条 %d`, i, j, j, i),
				Date:       base.Add(time.Duration(i)*time.Hour + time.Duration(j)*time.Minute),
				Categories: []string{name},
				Tags:       []string{tag},
			})
			if !slices.Contains(tags, tag) {
				tags = append(tags, tag)
			}
		}
	}
	return sitetest.Write(t, "Browser <Test>", posts), categories, tags, posts
}

// pageLink is a feed link as the browser resolved it.
type pageLink struct {
	Href string `json:"href"`
	Type string `json:"type"`
}

// collectLinks is a script that returns every feed link of the page: the
// autodiscovery links and the links typed as a feed or OPML.
const collectLinks = `Array.from(document.querySelectorAll('link[rel=alternate], a[type]'),
	(a) => ({href: a.href, type: a.getAttribute('type')}))`

// clearFilter is a script that empties the filter box as a reader would.
const clearFilter = `(() => {
	const box = document.getElementById('filter');
	box.value = '';
	box.dispatchEvent(new Event('input'));
})()`

// visibleRows is a script that returns the names of the rows the reader sees.
const visibleRows = `Array.from(document.querySelectorAll('tbody tr'))
	.filter((tr) => tr.getClientRects().length > 0)
	.map((tr) => tr.cells[0].textContent)`

func TestBrowserDiscoveryPages(t *testing.T) {
	ctx := browser(t)
	root, categories, tags, posts := browserSite(t)
	ts := startServer(t, map[string]string{"POSTS_DIR": root})

	var problems consoleProblems
	problems.listen(t, ctx)
	// do runs steps within a bounded time; on failure it reports what the
	// console said first, as that is usually why.
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		bounded, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(bounded, steps...); err != nil {
			problems.check(t, what)
			t.Fatalf("%s: %v", what, err)
		}
	}
	do("open the index", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("filter")))
	all, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](visibleRows))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(categories)+len(tags) {
		t.Fatalf("%d rows visible before filtering, want %d", len(all), len(categories)+len(tags))
	}
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]pageLink](collectLinks))
	if err != nil {
		t.Fatal(err)
	}
	// 3 autodiscovery, 3 site, 3 OPML (all, categories, tags), 3 per category and tag.
	if want := 9 + 3*(len(categories)+len(tags)); len(links) != want {
		t.Errorf("%d feed links on the index, want %d", len(links), want)
	}

	// The filter finds one category among hundreds as it is typed, and
	// every name holding markup with a shorter query.
	filter := func(query string) []string {
		t.Helper()
		var want []string
		for _, name := range append(slices.Clone(categories), tags...) {
			if strings.Contains(strings.ToLower(name), strings.ToLower(query)) {
				want = append(want, name)
			}
		}
		slices.Sort(want)
		do("filter "+query,
			chromedp.Evaluate[chromedp.Void](clearFilter),
			chromedp.SendKeys(chromedp.ID("filter"), query),
			chromedp.Poll[chromedp.Void](fmt.Sprintf(`(%s).length === %d`, visibleRows, len(want))),
		)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](visibleRows))
		slices.Sort(got)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("filter %q: visible rows %q, want %q (%v)", query, got, want, err)
		}
		return got
	}
	if got := filter("第153版"); len(got) != 1 {
		t.Fatalf("filter 第153版: %q", got)
	}
	filter("<script")
	filter("paper29")

	// Every feed link answers 200 with the type it announces. Names with
	// escapes are all fetched; the rest are sampled.
	var escaped, plain []pageLink
	for _, l := range links {
		if strings.Contains(l.Href, "%") {
			escaped = append(escaped, l)
		} else {
			plain = append(plain, l)
		}
	}
	sample := escaped
	room := max(1, 300-len(escaped))
	for i, stride := 0, (len(plain)+room-1)/room; i < len(plain); i += stride {
		sample = append(sample, plain[i])
	}

	// The page of one category, reached by its link on the filtered index,
	// lists its posts newest first.
	filter("第153版")
	do("open the category page",
		chromedp.Click(chromedp.CSS(`tbody tr:not([hidden]) a`)),
		chromedp.WaitVisible(chromedp.CSS("ol.latest")),
	)
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if want := ts.URL + "/categories/" + url.PathEscape("株洲日报第153版") + "/"; location != want {
		t.Errorf("category page at %s, want %s", location, want)
	}
	titles, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('ol.latest a'), (a) => a.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{html.UnescapeString(posts[153*2+1].Title), html.UnescapeString(posts[153*2].Title)}; !slices.Equal(titles, want) {
		t.Errorf("category page titles %q, want %q", titles, want)
	}
	pageLinks, err := chromedp.Run(ctx, chromedp.Evaluate[[]pageLink](collectLinks))
	if err != nil {
		t.Fatal(err)
	}
	if len(pageLinks) != 3+3+2 { // head, body, the category's tags OPML and every feed's
		t.Errorf("%d feed links on the category page, want 8: %v", len(pageLinks), pageLinks)
	}
	sample = append(sample, pageLinks...)

	// Anything the browser still had to say about either page has arrived
	// once a later command has returned.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`0`)); err != nil {
		t.Fatal(err)
	}
	problems.check(t, "console")

	client := &http.Client{Timeout: 10 * time.Second}
	for _, l := range sample {
		if !strings.HasPrefix(l.Href, ts.URL+"/") {
			t.Errorf("link %s leaves the server", l.Href)
			continue
		}
		resp, err := client.Get(l.Href)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), l.Type+";") {
			t.Errorf("GET %s: %d %s, want 200 %s", l.Href, resp.StatusCode, resp.Header.Get("Content-Type"), l.Type)
		}
	}
	t.Logf("fetched %d of %d feed links", len(sample), len(links)+len(pageLinks))
}
