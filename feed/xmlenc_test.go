package feed

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"testing"
	"time"
)

// encodeXMLElement returns v as encoding/xml encodes it with Indent(prefix,
// "  "): the reference that the item encoders must equal byte for byte.
func encodeXMLElement(t testing.TB, v any, prefix string) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := xml.NewEncoder(&buf)
	e.Indent(prefix, "  ")
	if err := e.Encode(v); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bytes returns the encoding in one piece.
func (e encoding) bytes() []byte {
	return append(append(append([]byte(nil), e.head...), e.text...), e.tail...)
}

// checkItemEncoding fails unless the fast encoders give encoding/xml's bytes
// for ri and e at every indentation the documents use, but for one
// difference on purpose: an RSS item with an empty description (an empty
// post) has no description element, where gorilla's item, whose
// description is not omitempty, has an empty one.
func checkItemEncoding(t testing.TB, ri *rssItem, e *atomEntry) {
	t.Helper()
	for _, prefix := range []string{"", "  ", "    "} {
		want := encodeXMLElement(t, ri, prefix)
		if ri.RssItem != nil && ri.Description == "" {
			want = bytes.Replace(want, []byte("\n"+prefix+"  <description></description>"), nil, 1)
		}
		if got := appendRSSItem(nil, ri, prefix).bytes(); !bytes.Equal(got, want) {
			t.Fatalf("RSS item at %q:\ngot  %q\nwant %q", prefix, got, want)
		}
		if got, want := appendAtomEntry(nil, e, prefix).bytes(), encodeXMLElement(t, e, prefix); !bytes.Equal(got, want) {
			t.Fatalf("Atom entry at %q:\ngot  %q\nwant %q", prefix, got, want)
		}
	}
}

// fillStrings sets every string that v reaches to texts in turn. Each
// pointer it meets is allocated when the next bit of present is set, and
// each slice gets n elements, so that a field the encoders do not know
// about shows up in encoding/xml's output and not in theirs.
func fillStrings(v reflect.Value, texts []string, present uint64, n int) {
	next, bit := 0, 0
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2021+next, 12, 29, 7, 52, 46, next*1000, time.FixedZone("", next*3600))))
			next++
			return
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString(texts[next%len(texts)])
			next++
		case reflect.Pointer:
			keep := present&(1<<(bit%64)) != 0
			bit++
			if keep {
				v.Set(reflect.New(v.Type().Elem()))
				fill(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).Type != reflect.TypeFor[xml.Name]() {
					fill(v.Field(i))
				}
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), n, n))
			for i := range n {
				fill(v.Index(i))
			}
		}
	}
	fill(v)
}

func TestItemEncodingFixtures(t *testing.T) {
	for _, s := range []*Snapshot{fixtureSnapshot(t), benchSnapshot(t, 3)} {
		for _, p := range s.SiteFeed().Posts {
			it, err := s.item(p, new(htmlBuffer))
			if err != nil {
				t.Fatal(err)
			}
			checkItemEncoding(t, newRSSItem(p, it, "编辑部"), newAtomEntry(p, it, "编辑部"))
		}
	}
}

func TestItemEncodingEveryField(t *testing.T) {
	texts := []string{"a", "", "<&>\"'", "\t\n\r", "]]>x]]>", "\x00\xff\uFFFE\uFFFD", "株洲"}
	for _, present := range []uint64{0, 1, 0x5555, 0xAAAA, ^uint64(0)} {
		for n := range 3 {
			ri, e := new(rssItem), new(atomEntry)
			fillStrings(reflect.ValueOf(ri).Elem(), texts, present, n)
			fillStrings(reflect.ValueOf(e).Elem(), texts[1:], present, n)
			checkItemEncoding(t, ri, e)
		}
	}
}

// FuzzItemEncoding checks that the item encoders give encoding/xml's bytes
// for arbitrary text in every field, and for items made from posts with an
// arbitrary title, body, category and URL.
func FuzzItemEncoding(f *testing.F) {
	s := fixtureSnapshot(f)
	for i, p := range s.SiteFeed().Posts {
		it, err := s.item(p, new(htmlBuffer))
		if err != nil {
			f.Fatal(err)
		}
		cat := ""
		if len(p.Categories) > 0 {
			cat = p.Categories[0]
		}
		f.Add(p.Title, it.content, cat, p.URL, uint64(i)*0x9E3779B97F4A7C15)
	}
	f.Add("a\x00b]]>\uFFFE", "<p>]]>\x01\x0b</p>]]", "\xff", "//x/\x02\r\n", ^uint64(0))
	f.Fuzz(func(t *testing.T, title, body, category, url string, present uint64) {
		texts := []string{title, body, category, url}
		ri, e := new(rssItem), new(atomEntry)
		fillStrings(reflect.ValueOf(ri).Elem(), texts, present, int(present>>62))
		fillStrings(reflect.ValueOf(e).Elem(), texts, present>>1, int(present>>60)&3)
		checkItemEncoding(t, ri, e)

		p := &Post{Title: title, URL: url, ID: url, Categories: []string{category}, Tags: []string{title},
			Author: category, Image: url, Lang: category}
		it := &item{content: cleanText(body), summary: cleanText(title + body)}
		checkItemEncoding(t, newRSSItem(p, it, ""), newAtomEntry(p, it, ""))
	})
}

func TestAppendEscaped(t *testing.T) {
	for _, s := range []string{"", "plain", "<a href=\"x\">'&'</a>", "\t\n\r\x00\x1f\x7f", "\xff\xc3(", "\xed\xa0\x80",
		"\uFFFD\uFFFE\uFFFF\U0010FFFF", "株洲日报 & 新闻"} {
		var want bytes.Buffer
		if err := xml.EscapeText(&want, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if got := appendEscaped(nil, s); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("appendEscaped(%q) = %q, want %q", s, got, want.Bytes())
		}
	}
}

func TestItemEncodingSharesContent(t *testing.T) {
	s := benchSnapshot(t, 1)
	p := s.SiteFeed().Posts[0]
	it, err := s.item(p, new(htmlBuffer))
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []encoding{appendRSSItem(nil, newRSSItem(p, it, ""), "    "), appendAtomEntry(nil, newAtomEntry(p, it, ""), "  ")} {
		if enc.text != it.content || len(enc.head)+len(enc.tail) > 2048 {
			t.Errorf("content copied into the encoding: %d+%d bytes besides %d shared", len(enc.head), len(enc.tail), len(enc.text))
		}
	}
	it.content = "<p>]]></p>"
	if enc := appendRSSItem(nil, newRSSItem(p, it, ""), ""); enc.text != "" {
		t.Errorf("content with ]]> shared: %q", enc.text)
	}
}

func TestTerms(t *testing.T) {
	for _, n := range []int{3, 40} {
		p := &Post{Categories: []string{"a", "b", "a", ""}, Tags: []string{"b", "c\x00"}}
		for i := range n {
			p.Tags = append(p.Tags, string(rune('d'+i%20)))
		}
		want := []string{"a", "b", "c"}
		for i := range min(n, 20) {
			want = append(want, string(rune('d'+i)))
		}
		if got := terms(p); !reflect.DeepEqual(got, want) {
			t.Errorf("terms with %d tags = %q, want %q", n, got, want)
		}
	}
}

// FuzzAppendEscaped checks that appendEscaped escapes any string as
// xml.EscapeText does.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range []string{"<a href=\"x\">'&'</a>", "\t\n\r\x00\x1f\x7f", "\xff\xc3(\xef\xbf", "\uFFFD\uFFFE\uFFFF\U0010FFFF",
		"株洲日报，新闻：“金融”", benchBody(0)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		if err := xml.EscapeText(&want, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if got := appendEscaped(nil, s); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("appendEscaped(%q) = %q, want %q", s, got, want.Bytes())
		}
	})
}
