package feed

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		in   string
		want time.Time // zero: not a date
	}{
		{"2021-12-29 07:52:46 +0800", time.Date(2021, 12, 28, 23, 52, 46, 0, time.UTC)},
		{"2021-12-29 07:52:46 -05:00", time.Date(2021, 12, 29, 12, 52, 46, 0, time.UTC)},
		{"2021-12-29 07:52:46", time.Date(2021, 12, 28, 23, 52, 46, 0, time.UTC)},
		{"2021-12-29 07:52", time.Date(2021, 12, 28, 23, 52, 0, 0, time.UTC)},
		{"2021-12-29", time.Date(2021, 12, 28, 16, 0, 0, 0, time.UTC)},
		{"2021-12-29T07:52:46Z", time.Date(2021, 12, 29, 7, 52, 46, 0, time.UTC)},
		{"2021-12-29T07:52:46.5+08:00", time.Date(2021, 12, 28, 23, 52, 46, 5e8, time.UTC)},
		{"2021-12-29T07:52:46", time.Date(2021, 12, 28, 23, 52, 46, 0, time.UTC)},
		{"  2021-12-29  ", time.Date(2021, 12, 28, 16, 0, 0, 0, time.UTC)},
		{"", time.Time{}},
		{"+0800", time.Time{}},
		{"2021-13-01", time.Time{}},
		{"2021-02-30 10:00:00", time.Time{}},
		{"29/12/2021", time.Time{}},
		{"0001-01-01 00:00:00 +0000", time.Time{}},
		{"0999-12-31", time.Time{}},
		{"2021-12-29 07:52:46 +0800 extra", time.Date(2021, 12, 28, 23, 52, 46, 0, time.UTC)},
		{"2023-01-29 18:30:22 2023 -0800", time.Date(2023, 1, 30, 2, 30, 22, 0, time.UTC)},
		{"2017-2-5", time.Date(2017, 2, 4, 16, 0, 0, 0, time.UTC)},
		{"2017-2-5 9:05", time.Date(2017, 2, 5, 1, 5, 0, 0, time.UTC)},
		{"2017-2-30", time.Time{}},
		{"2021-12-29Tgarbage", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDate(tt.in, shanghai)
			if tt.want.IsZero() {
				if err == nil {
					t.Errorf("got %v, want an error", got)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestParseDateIgnoresLocalZone(t *testing.T) {
	got, err := parseDate("2021-12-29 07:52:46 +0800", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if name, off := got.Zone(); got.Location() == time.Local || off != 8*3600 || name != "" {
		t.Errorf("zone %q %d (local: %v), want an unnamed +0800 fixed zone", name, off, got.Location() == time.Local)
	}
}

func TestSplitFileName(t *testing.T) {
	tests := []struct {
		name, slug, ext string
		date            string // empty: no date
	}{
		{"2021-12-29-zhuzhou-finance.md", "zhuzhou-finance", ".md", "2021-12-29"},
		{"2021-12-08-202112082206672930.md", "202112082206672930", ".md", "2021-12-08"},
		{"2021-12-29-x.markdown", "x", ".markdown", "2021-12-29"},
		{"-202205262391921712.md", "-202205262391921712", ".md", ""},
		{"2021-12-29.md", "2021-12-29", ".md", ""},
		{"2021-12-32-bad.md", "2021-12-32-bad", ".md", ""},
		{"about.html", "about", ".html", ""},
		{"0001-01-01-x.md", "0001-01-01-x", ".md", ""},
		{"noext", "noext", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			date, slug, ext, ok := splitFileName(tt.name, time.UTC)
			if slug != tt.slug || ext != tt.ext || ok != (tt.date != "") {
				t.Errorf("got %q %q %v, want %q %q %v", slug, ext, ok, tt.slug, tt.ext, tt.date != "")
			}
			if ok && date.Format("2006-01-02") != tt.date {
				t.Errorf("date %v, want %s", date, tt.date)
			}
		})
	}
}
