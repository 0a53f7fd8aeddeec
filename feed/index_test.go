package feed

import (
	"slices"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

func indexPost(path string, date time.Time, cats, tags []string) *Post {
	return &Post{Path: path, Title: path, Date: date, Updated: date, Categories: cats, Tags: tags,
		Hash: contentHash(path, []byte(path))}
}

func TestFold(t *testing.T) {
	tests := []struct{ a, b string }{
		{"TechWeb", "Techweb"},
		{"ÄBC", "äbc"},
		{"A\u0308BC", "äbc"}, // decomposed and composed
		{"ΣΟΦΟΣ", "σοφος"},   // final sigma
		{"STRASSE", "Straße"},
		{"\u212Aelvin", "kelvin"}, // Kelvin sign
		{"株洲日报新闻", "株洲日报新闻"},
		{"ＡＢＣ", "ａｂｃ"}, // full width
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			fa, fb := Fold(tt.a), Fold(tt.b)
			if fa != fb {
				t.Errorf("Fold(%q) = %q, Fold(%q) = %q; want equal", tt.a, fa, tt.b, fb)
			}
			if Fold(fa) != fa {
				t.Errorf("Fold is not idempotent on %q", fa)
			}
		})
	}
	for _, s := range []string{"株洲日报", "İstanbul", "ﬀ", "Ⓐ", "Ⅻ", "x\u0345", "ǅ", "ß", "ŉ", "e\u0301", "株洲ABC", "ａｂ", "٣"} {
		full := norm.NFC.String(cases.Fold().String(norm.NFC.String(s)))
		if got := Fold(s); got != full {
			t.Errorf("Fold(%q) = %q, full folding gives %q", s, got, full)
		}
	}
	if Fold("株洲") == Fold("株州") {
		t.Error("different names fold together")
	}
}

// FuzzFold holds Fold, with its shortcuts for ASCII and caseless names,
// to full case folding of the NFC form.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"news", "TechWeb", "tech-web_2", "株洲日报", "ΣΟΦΟΣ", "Straße", "\u212Aelvin", "", "a\xffB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		got := Fold(s)
		if full := norm.NFC.String(cases.Fold().String(norm.NFC.String(s))); got != full {
			t.Errorf("Fold(%q) = %q, full folding gives %q", s, got, full)
		}
		if Fold(got) != got {
			t.Errorf("Fold is not idempotent on %q", got)
		}
	})
}

func TestNewSnapshot(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2022, 1, d, 8, 0, 0, 0, time.UTC) }
	now := day(10)
	posts := []*Post{
		indexPost("b.md", day(2), []string{"TechWeb"}, []string{"ΣΟΦΟΣ"}),
		indexPost("a.md", day(2), []string{"news"}, nil), // same date as b: path breaks the tie
		indexPost("c.md", day(5), []string{"Techweb", "techWEB"}, []string{"σοφος", "Straße"}),
		indexPost("d.md", day(1), nil, []string{"STRASSE"}),
		indexPost("future.md", day(20), []string{"later"}, nil),
		indexPost("soon.md", day(11), []string{"later"}, nil),
		indexPost("zone.md", time.Date(2022, 1, 5, 16, 0, 0, 0, time.FixedZone("+0800", 8*3600)), nil, nil), // = day(5) in UTC
	}
	orig := slices.Clone(posts)
	s := NewSnapshot(Site{URL: "https://example.org"}, fstest.MapFS{}, posts, nil, now)

	t.Run("newest first, path tie-break", func(t *testing.T) {
		var got []string
		for _, p := range s.Posts() {
			got = append(got, p.Path)
		}
		if want := []string{"c.md", "zone.md", "a.md", "b.md", "d.md"}; !slices.Equal(got, want) {
			t.Errorf("order %q, want %q", got, want)
		}
		if !slices.Equal(posts, orig) {
			t.Error("NewSnapshot modified its posts argument")
		}
	})
	t.Run("future posts held back", func(t *testing.T) {
		if len(s.AllPosts()) != 7 || len(s.Posts()) != 5 {
			t.Errorf("%d posts, %d visible", len(s.AllPosts()), len(s.Posts()))
		}
		if !s.NextPublish().Equal(day(11)) {
			t.Errorf("NextPublish %v, want %v", s.NextPublish(), day(11))
		}
		if _, err := s.Category("later"); err != ErrNotFound {
			t.Errorf("category of held-back posts: %v, want ErrNotFound", err)
		}
	})
	lookups := []struct {
		kind  Kind
		name  string
		want  string // display name
		posts int
	}{
		{KindCategory, "techweb", "Techweb", 2},
		{KindCategory, "TECHWEB", "Techweb", 2},
		{KindCategory, "News", "news", 1},
		{KindTag, "σοφοσ", "σοφος", 2},
		{KindTag, "ΣΟΦΟΣ", "σοφος", 2},
		{KindTag, "strasse", "Straße", 2},
		{KindTag, "Straße", "Straße", 2},
	}
	for _, tt := range lookups {
		t.Run(tt.kind.String()+" "+tt.name, func(t *testing.T) {
			get := s.Category
			if tt.kind == KindTag {
				get = s.Tag
			}
			f, err := get(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if f.Name != tt.want || len(f.Posts) != tt.posts || f.Kind != tt.kind {
				t.Errorf("got %q (%v) with %d posts, want %q with %d", f.Name, f.Kind, len(f.Posts), tt.want, tt.posts)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		if _, err := s.Tag("nope"); err != ErrNotFound {
			t.Errorf("err %v, want ErrNotFound", err)
		}
	})
	t.Run("feeds sorted by key", func(t *testing.T) {
		for _, list := range [][]*Feed{s.Categories(), s.Tags()} {
			if !slices.IsSortedFunc(list, func(a, b *Feed) int { return compareStrings(a.Key, b.Key) }) {
				t.Error("not sorted")
			}
		}
		if len(s.Categories()) != 2 || len(s.Tags()) != 2 {
			t.Errorf("%d categories, %d tags; want 2 and 2", len(s.Categories()), len(s.Tags()))
		}
	})
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestValidator(t *testing.T) {
	day := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	build := func(site Site, posts ...*Post) *Snapshot {
		return NewSnapshot(site, fstest.MapFS{}, posts, nil, day.AddDate(1, 0, 0))
	}
	a := indexPost("a.md", day, []string{"x"}, nil)
	b := indexPost("b.md", day.AddDate(0, 0, 1), []string{"x"}, nil)
	base := build(Site{Title: "t"}, a, b).SiteFeed().Validator("rss", 10)
	changed := *b
	changed.Hash = contentHash("b.md", []byte("new bytes"))
	tests := []struct {
		name string
		got  string
		same bool
	}{
		{"same input, other order", build(Site{Title: "t"}, b, a).SiteFeed().Validator("rss", 10), true},
		{"other format", build(Site{Title: "t"}, a, b).SiteFeed().Validator("atom", 10), false},
		{"other limit", build(Site{Title: "t"}, a, b).SiteFeed().Validator("rss", 1), false},
		{"other site title", build(Site{Title: "u"}, a, b).SiteFeed().Validator("rss", 10), false},
		{"changed content", build(Site{Title: "t"}, a, &changed).SiteFeed().Validator("rss", 10), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.got == base) != tt.same {
				t.Errorf("validator %s vs %s, want same=%v", tt.got, base, tt.same)
			}
		})
	}
	s := build(Site{}, a, b)
	cat, _ := s.Category("x")
	if cat.Validator("rss", 10) == s.SiteFeed().Validator("rss", 10) {
		t.Error("category and site feeds share a validator")
	}
	if !s.SiteFeed().Updated(10).Equal(b.Updated) || !s.SiteFeed().Updated(0).IsZero() {
		t.Errorf("Updated: %v, %v", s.SiteFeed().Updated(10), s.SiteFeed().Updated(0))
	}
}
