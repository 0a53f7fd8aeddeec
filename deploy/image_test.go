package deploy

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// instructions returns a Dockerfile's instructions, continuation lines
// joined and comments dropped, each as [keyword, rest].
func instructions(t *testing.T, name string) [][2]string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if l, ok := strings.CutSuffix(line, "\\"); ok {
			cur.WriteString(l + " ")
			continue
		}
		cur.WriteString(line)
		kw, rest, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		out = append(out, [2]string{strings.ToUpper(kw), strings.TrimSpace(rest)})
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// fromTags maps the image of each FROM line of a Dockerfile to the
// comment line just above it (without "# "), where a pinned image names
// its tag.
func fromTags(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	prev := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "FROM "); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				out[f[0]] = strings.TrimSpace(strings.TrimPrefix(prev, "#"))
			}
		}
		prev = line
	}
	return out
}

// buildFlags are what every release build of the binary must use.
func checkBuildFlags(t *testing.T, line string) {
	t.Helper()
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-X main.version=", "./cmd/feedwire"} {
		if !strings.Contains(line, want) {
			t.Errorf("build line lacks %q: %s", want, line)
		}
	}
	if !regexp.MustCompile(`-ldflags[ =]["']?-s -w`).MatchString(line) {
		t.Errorf("build line does not strip symbols (-ldflags \"-s -w ...\"): %s", line)
	}
}

func TestDockerfile(t *testing.T) {
	ins := instructions(t, "../Dockerfile")
	var froms, runs []string
	env := map[string]bool{}
	for _, in := range ins {
		switch in[0] {
		case "FROM":
			froms = append(froms, strings.Fields(in[1])[0])
		case "RUN":
			runs = append(runs, in[1])
		case "ENV":
			env[in[1]] = true
		}
	}
	t.Run("base images pinned by digest, tag in a comment", func(t *testing.T) {
		if len(froms) < 2 {
			t.Fatalf("want a multi-stage build, got FROM %v", froms)
		}
		tags := fromTags(t, "../Dockerfile")
		for _, img := range froms {
			name, digest, ok := strings.Cut(img, "@")
			if !ok || !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).MatchString(digest) {
				t.Errorf("base image %s is not pinned by a sha256 digest", img)
				continue
			}
			// The comment names the tag the digest was taken from; the FROM
			// line may repeat it (name:tag@digest), and Docker then uses the
			// digest.
			tag := tags[img]
			repo := name[:strings.LastIndex(name, "/")+1] + strings.Split(name[strings.LastIndex(name, "/")+1:], ":")[0]
			if !strings.HasPrefix(tag, repo+":") || (name != repo && name != tag) {
				t.Errorf("FROM %s: the comment above names %q, want %s:<tag>", img, tag, repo)
			}
		}
		if last := froms[len(froms)-1]; tags[last] != "gcr.io/distroless/static-debian12:nonroot" {
			t.Errorf("final image %s (%s), want gcr.io/distroless/static-debian12:nonroot", last, tags[last])
		}
	})
	t.Run("numeric non-root user", func(t *testing.T) {
		var user string
		for _, in := range ins {
			if in[0] == "USER" {
				user = in[1]
			}
		}
		// runAsNonRoot can only check a numeric user.
		if m := regexp.MustCompile(`^([0-9]+)(:[0-9]+)?$`).FindStringSubmatch(user); m == nil || m[1] == "0" {
			t.Errorf("USER %q, want a numeric non-root uid such as 65532:65532", user)
		}
	})
	t.Run("build line", func(t *testing.T) {
		var build []string
		for _, r := range runs {
			if strings.Contains(r, "go build") {
				build = append(build, r)
			}
		}
		if len(build) != 1 {
			t.Fatalf("want one go build line, got %q", build)
		}
		checkBuildFlags(t, build[0])
	})
	t.Run("only the build's modules fetched, cached across builds", func(t *testing.T) {
		copied, built := -1, -1
		for i, in := range ins {
			switch {
			case in[0] == "RUN" && regexp.MustCompile(`go mod download\s*(&&|;|$)`).MatchString(in[1]):
				t.Errorf("RUN %s downloads the whole module graph, test-only modules too; let go build fetch what it needs", in[1])
			case in[0] == "COPY" && strings.HasPrefix(in[1], ". "):
				copied = i
			case in[0] == "RUN" && strings.Contains(in[1], "go build"):
				built = i
				for _, dir := range []string{"/go/pkg/mod", "/root/.cache/go-build"} {
					if !strings.Contains(in[1], "--mount=type=cache,target="+dir+" ") {
						t.Errorf("go build has no cache mount on %s, so every source change downloads or recompiles it all again", dir)
					}
				}
			}
		}
		if copied < 0 || built < copied {
			t.Errorf("sources copied at instruction %d, built at %d: want them copied before go build", copied, built)
		}
	})
	t.Run("listens on 8080", func(t *testing.T) {
		if !env["FEEDWIRE_ADDR=:8080"] {
			t.Errorf("no ENV FEEDWIRE_ADDR=:8080 in %v", env)
		}
	})
}

// makeRecipe returns the recipe lines of target in a Makefile, with
// $(VAR) references to its variables expanded.
func makeRecipe(t *testing.T, name, target string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	assign := regexp.MustCompile(`^([A-Z_]+)\s*[:?]?=\s*(.*)$`)
	var recipe []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		if m := assign.FindStringSubmatch(line); m != nil {
			vars[m[1]] = m[2]
		}
		switch {
		case strings.HasPrefix(line, target+":"):
			in = true
		case in && strings.HasPrefix(line, "\t"):
			recipe = append(recipe, line[1:])
		case in:
			in = false
		}
	}
	ref := regexp.MustCompile(`\$\(([A-Z_]+)\)`)
	for i := range recipe {
		for range 3 { // variables may refer to variables
			recipe[i] = ref.ReplaceAllStringFunc(recipe[i], func(s string) string {
				if v, ok := vars[ref.FindStringSubmatch(s)[1]]; ok {
					return v
				}
				return s
			})
		}
	}
	return recipe
}

func TestMakefile(t *testing.T) {
	tests := []struct {
		target string
		check  func(t *testing.T, line string)
	}{
		{"build", checkBuildFlags},
		{"image", func(t *testing.T, line string) {
			if !strings.Contains(line, "docker build") || !strings.Contains(line, "VERSION=") {
				t.Errorf("image target does not pass VERSION to docker build: %s", line)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			recipe := makeRecipe(t, "../Makefile", tt.target)
			if len(recipe) != 1 {
				t.Fatalf("want one recipe line for %s, got %q", tt.target, recipe)
			}
			tt.check(t, recipe[0])
		})
	}
}
