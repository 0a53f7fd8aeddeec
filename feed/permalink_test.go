package feed

import (
	"testing"
	"time"
)

func TestExpandPermalink(t *testing.T) {
	u := urlParts{
		categories: []string{"TechWeb", "Foo Bar", "techweb"},
		date:       time.Date(2021, 3, 7, 9, 5, 2, 0, time.UTC),
		slug:       "Hello World!",
		outputExt:  ".html",
	}
	tests := []struct{ pattern, want string }{
		{permalinkPattern("date"), "/techweb/foo%20bar/2021/03/07/Hello-World!.html"},
		{permalinkPattern(""), "/techweb/foo%20bar/2021/03/07/Hello-World!.html"},
		{permalinkPattern("pretty"), "/techweb/foo%20bar/2021/03/07/Hello-World!/"},
		{permalinkPattern("ordinal"), "/techweb/foo%20bar/2021/066/Hello-World!.html"},
		{permalinkPattern("weekdate"), "/techweb/foo%20bar/2021/W09/Sun/Hello-World!.html"},
		{permalinkPattern("none"), "/techweb/foo%20bar/Hello-World!.html"},
		{"/:year/:i_month/:i_day/:slug", "/2021/3/7/hello-world"},
		{"/:short_year/:short_month/:long_month/:long_day/:hour:minute:second/", "/21/Mar/March/Sunday/090502/"},
		{"blog/:title.htm", "/blog/Hello-World!.htm"},
		{"/:unknown/:title", "/:unknown/Hello-World!"},
		{"/a//b/../c/./:slug:output_ext", "/a/b/c/hello-world.html"},
		{"", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			if got := expandPermalink(tt.pattern, u); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("no categories", func(t *testing.T) {
		if got := expandPermalink(permalinkPattern("date"), urlParts{date: u.date, slug: "x", outputExt: ".html"}); got != "/2021/03/07/x.html" {
			t.Errorf("got %q", got)
		}
	})
}

func TestSlugify(t *testing.T) {
	tests := []struct {
		in            string
		pretty, cased bool
		want          string
	}{
		{"Hello World", false, false, "hello-world"},
		{"Hello World", false, true, "Hello-World"},
		{"--a__b--", false, false, "a-b"},
		{"it's (here).", true, true, "it's-(here)."},
		{"中文 标题", false, false, "中文-标题"},
		{"202112082206672930", true, true, "202112082206672930"},
		{"!!!", false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := slugify(tt.in, tt.pretty, tt.cased); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEscapePathAndID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/emnews/2021/12/08/1.html", "/emnews/2021/12/08/1.html"},
		{"/anxinguojizhengquan(xianggang)/x.html", "/anxinguojizhengquan(xianggang)/x.html"},
		{"/foo bar/株洲.html", "/foo%20bar/%E6%A0%AA%E6%B4%B2.html"},
		{"/a?b#c%d", "/a%3Fb%23c%25d"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := escapePath(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	for _, tt := range []struct{ url, slug, want string }{
		{"/emnews/2021/12/08/1.html", "1", "/emnews/2021/12/08/1"},
		{"/emnews/2021/12/08/1/", "1", "/emnews/2021/12/08/1"},
		{"/custom.html", "x", "/x"},
	} {
		if got := postID(tt.url, tt.slug); got != tt.want {
			t.Errorf("postID(%q, %q) = %q, want %q", tt.url, tt.slug, got, tt.want)
		}
	}
}
