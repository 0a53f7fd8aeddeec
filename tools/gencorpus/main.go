// Command gencorpus writes a deterministic Jekyll site of generated posts in
// the shape of the target site, for load benchmarks: YAML front matter with
// a +0800 date, one category of forty, one to three Chinese tags, and about
// 6 KB of Chinese HTML paragraphs with Markdown links and autolinks, some of
// them relative or protocol-relative.
//
//	gencorpus -n 100000 -seed 1 -out /tmp/corpus
//
// The same -n and -seed always give the same files.
package main

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 10000, "number of posts")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "", "site root to create (required)")
	flag.Parse()
	if err := run(*out, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

// run writes the site.
func run(out string, n int, seed uint64) error {
	if out == "" {
		return errors.New("-out is required")
	}
	posts := filepath.Join(out, "_posts")
	if err := os.MkdirAll(posts, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", posts, err)
	}
	config := "title: 金融消息\nurl: https://finews.example.org\nlang: zh-CN\ntimezone: Asia/Shanghai\nauthor: ZNing\n"
	if err := os.WriteFile(filepath.Join(out, "_config.yml"), []byte(config), 0o644); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	g := newGenerator(seed)
	for i := range n {
		name, data := g.post(i, n)
		if err := os.WriteFile(filepath.Join(posts, name), data, 0o644); err != nil {
			return fmt.Errorf("write post: %w", err)
		}
	}
	return nil
}

// generator makes posts from a seeded source.
type generator struct {
	rnd        *rand.Rand
	categories []string
	tags       []string
	start      time.Time
	pool       []rune // characters of common
	buf        strings.Builder
}

func newGenerator(seed uint64) *generator {
	g := &generator{
		rnd:   rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		start: time.Date(2021, 12, 1, 0, 0, 0, 0, time.FixedZone("+0800", 8*3600)),
		pool:  []rune(common),
	}
	syllables := []string{"zhu", "zhou", "ri", "bao", "jing", "ji", "cai", "xin", "wen", "hua", "nan", "bei", "dong", "xi", "shang", "hai", "shen", "zhen", "guo", "min"}
	for i := range 40 {
		name := syllables[i%20] + syllables[(i*7+3)%20] + syllables[(i*3+11)%20]
		if i%10 == 9 {
			name = strings.ToUpper(name[:1]) + name[1:] // mixed case, as on the real site
		}
		g.categories = append(g.categories, fmt.Sprintf("%s%d", name, i))
	}
	for i := range 200 {
		g.tags = append(g.tags, g.hanzi(2+i%4)+"新闻")
	}
	return g
}

// common is a pool of frequent Chinese characters the text is drawn from.
const common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"

// hanzi returns n characters from the common pool.
func (g *generator) hanzi(n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(g.pool[g.rnd.IntN(len(g.pool))])
	}
	return b.String()
}

// post returns the file name and bytes of post i of n. Dates spread over
// four years, in order of i, with a few minutes' jitter.
func (g *generator) post(i, n int) (string, []byte) {
	span := 4 * 365 * 24 * time.Hour
	date := g.start.Add(time.Duration(int64(span) / int64(max(n, 1)) * int64(i)))
	date = date.Add(time.Duration(g.rnd.IntN(600)) * time.Second)
	id := fmt.Sprintf("%s%06d", date.Format("20060102"), i)
	b := &g.buf
	b.Reset()
	b.WriteString("---\nlayout: post\ntitle: \"")
	b.WriteString(g.hanzi(12 + g.rnd.IntN(20)))
	b.WriteString("\"\ndate: ")
	b.WriteString(date.Format("2006-01-02 15:04:05 -0700"))
	b.WriteString("\ncategories: ")
	b.WriteString(g.categories[g.rnd.IntN(len(g.categories))])
	b.WriteString("\ntags: ")
	for t := range 1 + g.rnd.IntN(3) {
		if t > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.tags[g.rnd.IntN(len(g.tags))])
	}
	b.WriteString("\n---\n")
	for b.Len() < 6000 {
		b.WriteString("<p>")
		b.WriteString(g.hanzi(30 + g.rnd.IntN(60)))
		switch g.rnd.IntN(5) {
		case 0:
			fmt.Fprintf(b, "[%s](http://finance.example.com/news/%d,%s.html)", g.hanzi(4), g.rnd.IntN(2000), id)
		case 1:
			fmt.Fprintf(b, "<http://finance.example.com/a/%s.html>", id)
		case 2:
			fmt.Fprintf(b, "[%s](//img.example.com/%d.png)", g.hanzi(2), g.rnd.IntN(9999))
		case 3:
			fmt.Fprintf(b, "[%s](../%s/)", g.hanzi(4), g.categories[g.rnd.IntN(len(g.categories))])
		}
		b.WriteString(g.hanzi(20 + g.rnd.IntN(40)))
		b.WriteString("。</p>\n ")
	}
	b.WriteString("\n")
	return date.Format("2006-01-02") + "-" + id + ".md", []byte(b.String())
}
