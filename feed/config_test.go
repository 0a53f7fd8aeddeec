package feed

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestReadSiteConfig(t *testing.T) {
	tests := []struct {
		name    string
		config  string // absent when empty
		want    Site
		wantErr string
	}{
		{"no config", "", Site{Location: time.UTC}, ""},
		{"full", "url: https://example.org/\nbaseurl: /blog/\ntitle: T\ndescription: D\nlang: zh-CN\ntimezone: Asia/Shanghai\npermalink: pretty\nauthor: A\nplugins: [jekyll-feed]\n",
			Site{URL: "https://example.org/blog", Title: "T", Description: "D", Lang: "zh-CN", Permalink: "pretty", Author: "A"}, ""},
		{"author map", "author:\n  name: 甲\n  email: a@example.org\n", Site{Author: "甲", Location: time.UTC}, ""},
		{"empty", "# nothing\n", Site{Location: time.UTC}, ""},
		{"bad yaml", "title: \"a\"b\"\n", Site{}, "_config.yml"},
		{"not a mapping", "- a\n", Site{}, "_config.yml"},
		{"bad timezone", "timezone: Mars/Olympus\n", Site{}, "_config.yml: timezone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			if tt.config != "" {
				fsys[ConfigFile] = &fstest.MapFile{Data: []byte(tt.config)}
			}
			got, err := ReadSiteConfig(fsys)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "full" {
				if got.Location == nil || got.Location.String() != "Asia/Shanghai" {
					t.Errorf("location %v", got.Location)
				}
				got.Location = nil
			}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
