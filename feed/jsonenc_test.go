package feed

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/gorilla/feeds"
)

// checkJSONItem fails unless encodeJSONItem gives appendJSON's bytes for ji,
// or both fail.
func checkJSONItem(t testing.TB, ji *jsonItem) {
	t.Helper()
	got, gotErr := encodeJSONItem([]byte{','}, ji)
	want, wantErr := appendJSON([]byte{','}, ji)
	if (gotErr != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
		t.Fatalf("JSON item:\ngot  %q, %v\nwant %q, %v", got, gotErr, want, wantErr)
	}
}

func TestJSONItemFixtures(t *testing.T) {
	for _, s := range []*Snapshot{fixtureSnapshot(t), benchSnapshot(t, 3)} {
		for _, p := range s.SiteFeed().Posts {
			it, err := s.item(p, new(htmlBuffer))
			if err != nil {
				t.Fatal(err)
			}
			ji := newJSONItem(p, it, "编辑部")
			if _, ok := appendJSONItem(nil, ji); !ok {
				t.Errorf("%s: item not written directly", p.Path)
			}
			checkJSONItem(t, ji)
		}
	}
}

func TestJSONItemEveryField(t *testing.T) {
	texts := []string{"a", "", "<&>\"'\\", "\t\n\r\b\f\x00\x1f\x7f", "\u2028\u2029\u2027", "\xff\xe2\x80\uFFFD", "株洲“新闻”…"}
	for _, present := range []uint64{0, 1, 0x5555, 0xAAAA, ^uint64(0)} {
		for n := range 3 {
			ji := new(jsonItem)
			fillStrings(reflect.ValueOf(ji).Elem(), texts, present, n)
			checkJSONItem(t, ji)
			if ji.JSONItem != nil { // also the shape written directly
				ji.Author, ji.Attachments = nil, nil
				if _, ok := appendJSONItem(nil, ji); !ok {
					t.Errorf("item not written directly: %+v", ji.JSONItem)
				}
				checkJSONItem(t, ji)
			}
		}
	}
}

func TestJSONItemTimes(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(2021, 12, 29, 7, 52, 46, 0, time.UTC),
		time.Date(2021, 12, 29, 7, 52, 46, 120000000, time.FixedZone("", -5*3600-1800)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2021, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600)),
		time.Date(2021, 1, 1, 0, 0, 0, 0, time.FixedZone("", -23*3600-59*60)),
		time.Date(2021, 1, 1, 0, 0, 0, 0, time.FixedZone("", 100*3600)),
		time.Date(2021, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", 1050)),
	} {
		checkJSONItem(t, &jsonItem{JSONItem: &feeds.JSONItem{Id: "x", PublishedDate: &d}})
	}
}

// FuzzJSONItemEncoding checks that encodeJSONItem gives encoding/json's
// bytes for arbitrary text in every field and arbitrary times.
func FuzzJSONItemEncoding(f *testing.F) {
	s := fixtureSnapshot(f)
	for i, p := range s.SiteFeed().Posts {
		it, err := s.item(p, new(htmlBuffer))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p.Title, it.content, it.summary, p.URL, uint64(i)*0x9E3779B97F4A7C15, p.Date.Unix(), 8*3600)
	}
	f.Add("a\x00b\u2028", "<p>\"\\\x01\x7f</p>\xff", "\xe2\x80", "//x/\x02\r\n", ^uint64(0), int64(-62167219200), -86400)
	f.Fuzz(func(t *testing.T, title, body, summary, url string, present uint64, unix int64, offset int) {
		ji := new(jsonItem)
		fillStrings(reflect.ValueOf(ji).Elem(), []string{title, body, summary, url}, present, int(present>>62))
		checkJSONItem(t, ji)
		if ji.JSONItem != nil { // also the shape written directly, with any time
			d := time.Unix(unix, int64(present%1e9)).In(time.FixedZone("", offset%(200*3600)))
			ji.PublishedDate, ji.Author, ji.Attachments = &d, nil, nil
			checkJSONItem(t, ji)
		}
	})
}

// FuzzJSONString checks that appendJSONString escapes any string as
// encoding/json does without HTML escaping.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\/\b\f\n\r\t\x00\x1f\x7f", "\u2028\u2029", "\xff\xc3(\xe2\x80", "株洲“新闻”…\uFFFD", benchBody(0)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		e := json.NewEncoder(&want)
		e.SetEscapeHTML(false)
		if err := e.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("appendJSONString(%q) = %q, want %q", s, got, want.Bytes())
		}
	})
}
