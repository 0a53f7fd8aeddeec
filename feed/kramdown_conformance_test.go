package feed

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// conformanceFloors are the shares of kramdown's own test cases, per
// folder, that the converter must keep passing: the rates reached when the
// floors were set, so that a regression fails.
var conformanceFloors = map[string]float64{
	"kramdown/.":           0,
	"kramdown/block":       0.36,
	"kramdown/span":        0.33,
	"kramdown/block (GFM)": 1,
	"kramdown-gfm/.":       0.56,
}

// conformanceRoot is kramdown's reference material beside the repository.
const conformanceRoot = "../../shared/conformance"

// TestKramdownConformance converts the input of each case of kramdown's
// suite and of its GFM parser's suite, with the case's options, and
// compares the HTML with kramdown's after normalizing whitespace between
// tags, entities and attribute order. It reports the pass rate per folder
// and fails when one falls below its floor.
func TestKramdownConformance(t *testing.T) {
	if _, err := os.Stat(conformanceRoot); err != nil {
		t.Skipf("kramdown's test cases are not in %s: %v", conformanceRoot, err)
	}
	type result struct{ pass, total int }
	results := map[string]*result{}
	var failed []string
	for _, suite := range []struct {
		dir  string
		gfm  bool
		want string
	}{
		{"kramdown/test/testcases", false, ".html"},
		{"kramdown-gfm/test/testcases", true, ".html"},
		{"kramdown/test/testcases", true, ".html.gfm"},
	} {
		root := filepath.Join(conformanceRoot, suite.dir)
		_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".text") {
				return err
			}
			base := strings.TrimSuffix(path, ".text")
			want, err := os.ReadFile(base + suite.want)
			if err != nil {
				return nil // a case for another converter
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			opts, ok := conformanceOptions(t, base+".options", suite.gfm)
			if !ok {
				return nil
			}
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			rel = filepath.ToSlash(rel)
			if i := strings.IndexByte(rel, '/'); i >= 0 {
				rel = rel[:i]
			}
			rel = strings.TrimSuffix(suite.dir, "/test/testcases") + "/" + rel
			if suite.want == ".html.gfm" {
				rel += " (GFM)"
			}
			r := results[rel]
			if r == nil {
				r = new(result)
				results[rel] = r
			}
			r.total++
			var got bytes.Buffer
			if err := NewMarkdown(opts).Convert(src, &got); err != nil {
				t.Errorf("%s: %v", path, err)
				return nil
			}
			g, w := normalizeHTML(got.String(), ""), normalizeHTML(string(want), "")
			if g == w {
				r.pass++
				return nil
			}
			failed = append(failed, strings.TrimPrefix(base, conformanceRoot+"/"))
			if show := os.Getenv("FEEDWIRE_KRAMDOWN_CASE"); show != "" && strings.HasSuffix(base, show) {
				t.Logf("%s:\ngot  %s\nwant %s", base, g, w)
			}
			return nil
		})
	}
	var folders []string
	for f := range results {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	for _, f := range folders {
		r := results[f]
		rate := float64(r.pass) / float64(r.total)
		t.Logf("%-45s %3d/%3d  %5.1f%%", f, r.pass, r.total, 100*rate)
		if floor := conformanceFloors[f]; rate < floor {
			t.Errorf("%s: %.1f%% of kramdown's cases pass, below the floor of %.1f%%", f, 100*rate, 100*floor)
		}
	}
	if testing.Verbose() {
		t.Logf("failing: %s", strings.Join(failed, " "))
	}
}

// conformanceOptions reads a case's .options file (kramdown option names
// with a leading colon) into MarkdownOptions on top of kramdown's defaults
// for the parser, as kramdown's test runner sets them (auto_ids off). It
// reports false for a case the options rule out: one
// for another parser.
func conformanceOptions(t *testing.T, path string, gfm bool) (MarkdownOptions, bool) {
	o := MarkdownOptions{KramdownText: !gfm, HardWrap: gfm, NoGuessLang: true, NoAutoIDs: true}
	data, err := os.ReadFile(path)
	if err != nil {
		return o, true
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return o, true
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		key := strings.TrimPrefix(m.Content[i].Value, ":")
		v := m.Content[i+1]
		switch key {
		case "input":
			if gfm != strings.EqualFold(v.Value, "GFM") {
				return o, false
			}
		case "syntax_highlighter":
			o.NoHighlight = v.Value == "" || v.Value == "nil" || v.Value == "null" || v.Value == "~"
		default:
			o.readKramdown(key, v)
		}
	}
	return o, true
}
