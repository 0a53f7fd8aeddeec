package feed

import (
	"errors"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		format                      Format
		name, contentType, fileName string
	}{
		{RSS, "rss", "application/rss+xml; charset=utf-8", "feed.xml"},
		{Atom, "atom", "application/atom+xml; charset=utf-8", "atom.xml"},
		{JSON, "json", "application/feed+json; charset=utf-8", "feed.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.format.String(); got != tt.name {
				t.Errorf("String() = %q, want %q", got, tt.name)
			}
			if got := tt.format.ContentType(); got != tt.contentType {
				t.Errorf("ContentType() = %q, want %q", got, tt.contentType)
			}
			if got := tt.format.FileName(); got != tt.fileName {
				t.Errorf("FileName() = %q, want %q", got, tt.fileName)
			}
			got, err := ParseFormat(tt.fileName)
			if err != nil || got != tt.format {
				t.Errorf("ParseFormat(%q) = %v, %v", tt.fileName, got, err)
			}
		})
	}
	for _, name := range []string{"", "feed.rss", "FEED.XML", "opml.xml", "index.html"} {
		if _, err := ParseFormat(name); !errors.Is(err, ErrFormat) {
			t.Errorf("ParseFormat(%q) error = %v, want ErrFormat", name, err)
		}
	}
}

func TestFeedPath(t *testing.T) {
	tests := []struct {
		name                   string
		feed                   *Feed
		home, rss, atom, jsonf string
	}{
		{"site", &Feed{Kind: KindSite}, "/", "/feed.xml", "/atom.xml", "/feed.json"},
		{"category", &Feed{Kind: KindCategory, Name: "zhuzhouribao", Key: "zhuzhouribao", URLName: "zhuzhouribao"},
			"/categories/zhuzhouribao/", "/categories/zhuzhouribao/feed.xml",
			"/categories/zhuzhouribao/atom.xml", "/categories/zhuzhouribao/feed.json"},
		{"category with space and parens", &Feed{Kind: KindCategory, URLName: "Sina (HK) news"},
			"/categories/Sina%20%28HK%29%20news/", "/categories/Sina%20%28HK%29%20news/feed.xml",
			"/categories/Sina%20%28HK%29%20news/atom.xml", "/categories/Sina%20%28HK%29%20news/feed.json"},
		{"chinese tag", &Feed{Kind: KindTag, URLName: "株洲日报新闻"},
			"/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/",
			"/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/feed.xml",
			"/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/atom.xml",
			"/tags/%E6%A0%AA%E6%B4%B2%E6%97%A5%E6%8A%A5%E6%96%B0%E9%97%BB/feed.json"},
		{"tag with slash", &Feed{Kind: KindTag, URLName: "A/B"}, "/tags/A%2FB/", "/tags/A%2FB/feed.xml",
			"/tags/A%2FB/atom.xml", "/tags/A%2FB/feed.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct{ got, want string }{
				{tt.feed.HomePath(), tt.home},
				{tt.feed.Path(RSS), tt.rss},
				{tt.feed.Path(Atom), tt.atom},
				{tt.feed.Path(JSON), tt.jsonf},
			} {
				if c.got != c.want {
					t.Errorf("got %q, want %q", c.got, c.want)
				}
			}
		})
	}
}
