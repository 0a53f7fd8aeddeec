package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOperatingListsEveryMetric keeps the metrics table of the README's
// Operating section in step with the metric names defined in package metrics.
func TestOperatingListsEveryMetric(t *testing.T) {
	doc, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../metrics/*.go")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`Name:\s+"(feedwire_[a-z_]+)"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range name.FindAllStringSubmatch(string(src), -1) {
			found++
			t.Run(m[1], func(t *testing.T) {
				if !strings.Contains(string(doc), "`"+m[1]+"`") {
					t.Errorf("README.md does not document %s", m[1])
				}
			})
		}
	}
	if found < 19 {
		t.Errorf("found %d metric definitions in ../metrics, want at least 19", found)
	}
}
