package feed

import (
	"context"
	"os"
	"testing"
	"time"
)

// BenchmarkParsePost measures parsing one post of the target site's shape
// from bytes already in memory: front matter, date, permalink, hash.
func BenchmarkParsePost(b *testing.B) {
	data, err := os.ReadFile("testdata/site/_posts/2021-12-29-offset.md")
	if err != nil {
		b.Fatal(err)
	}
	if example, err := os.ReadFile("../../shared/examples/2021-12-29-zhuzhou-finance.md"); err == nil {
		data = example // the real 6 KB post when it is there
	}
	cfg := newLoadConfig(LoadOptions{Site: Site{URL: "https://example.org", Location: time.UTC}})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if p, prob := parsePost(candidate{path: "_posts/2021-12-29-zhuzhou-finance.md", inPosts: true}, data, cfg); p == nil {
			b.Fatal(prob)
		}
	}
}

// BenchmarkLoad loads the site in FEEDWIRE_BENCH_SITE (for example a
// gencorpus output), else the fixtures. The whole-process figures, cold
// and with peak memory, come from make bench-load.
func BenchmarkLoad(b *testing.B) {
	dir := os.Getenv("FEEDWIRE_BENCH_SITE")
	if dir == "" {
		dir = "testdata/site"
	}
	fsys := os.DirFS(dir)
	site, err := ReadSiteConfig(fsys)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var posts int
	for b.Loop() {
		s, err := Load(context.Background(), fsys, LoadOptions{Site: site})
		if err != nil {
			b.Fatal(err)
		}
		posts = len(s.AllPosts())
	}
	b.ReportMetric(float64(posts)*float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}
