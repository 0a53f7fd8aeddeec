package feed

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// benchBody returns a post body shaped like the target site's: about 6 KB of
// Chinese HTML paragraphs with Markdown, relative and protocol-relative links.
func benchBody(n int) string {
	phrases := []string{
		"全市金融系统立足新发展阶段，贯彻新发展理念，构建新发展格局。",
		"截至目前，辖内银行业金融机构各项贷款余额同比增长百分之十二。",
		"记者从市地方金融监督管理局获悉，直接融资规模再创新高。",
		"围绕产业项目建设年活动，金融机构加大对制造业的中长期信贷投放。",
	}
	var b strings.Builder
	b.WriteString("<p>本报记者/王小明 通讯员/李华</p>\n")
	for i := 0; b.Len() < 6000; i++ {
		fmt.Fprintf(&b, " <p>%s%s</p>\n", phrases[(i+n)%len(phrases)], phrases[(i+n+1)%len(phrases)])
		if i%6 == 5 {
			b.WriteString(` <p>详见[财经要闻](../emnews/)与[首页](//finews.example.com/)，<a href="/img/a.png">图</a>。</p>` + "\n")
		}
	}
	return b.String()
}

// benchSnapshot returns a snapshot of n posts of one category and tag.
func benchSnapshot(b testing.TB, n int) *Snapshot {
	b.Helper()
	files := map[string]string{}
	start := time.Date(2021, 12, 1, 8, 0, 0, 0, time.FixedZone("", 8*3600))
	for i := range n {
		d := start.Add(time.Duration(i) * 37 * time.Minute)
		files[fmt.Sprintf("_posts/%s-%d.md", d.Format("2006-01-02"), 202112080000+i)] = fmt.Sprintf(
			"---\nlayout: post\ntitle: \"第%d条财经新闻：金融活水润泽实体经济\"\ndate: %s\ncategories: zhuzhouribao\ntags: 株洲日报新闻\n---\n%s",
			i, d.Format("2006-01-02 15:04:05 -0700"), benchBody(i))
	}
	return buildSnapshot(b, testSite(), files, nil)
}

// BenchmarkRender measures one document of the category feed. warm renders
// with every item already processed by an earlier render of the snapshot;
// cold empties the item cache before each render, so every post body is
// read, converted from Markdown, made absolute and summarized.
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{20, 100} {
		for _, format := range formats {
			b.Run(fmt.Sprintf("%s/%d/warm", format, n), func(b *testing.B) {
				s := benchSnapshot(b, n)
				f := s.Categories()[0]
				if err := s.Render(io.Discard, f, format, n); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if err := s.Render(io.Discard, f, format, n); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprintf("%s/%d/cold", format, n), func(b *testing.B) {
				s := benchSnapshot(b, n)
				f := s.Categories()[0]
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					s.items.reset()
					if err := s.Render(io.Discard, f, format, n); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
