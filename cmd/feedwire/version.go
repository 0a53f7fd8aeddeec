package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is stamped at build time with -ldflags "-X main.version=...";
// commit may be too (-X main.commit=...), where the build has no VCS
// information of its own, as in a container build without .git.
var (
	version = "dev"
	commit  = ""
)

// buildInfo is what `feedwire version` prints.
type buildInfo struct {
	Version   string // -X main.version, else the module version of go install, else "dev"
	Commit    string // -X main.commit, else vcs.revision, else "unknown"
	Modified  bool   // built from a tree with uncommitted changes
	GoVersion string
	Platform  string // GOOS/GOARCH
}

// readBuildInfo reads the version stamped at link time and what the Go
// toolchain recorded in the binary.
func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Commit: commit, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

// writeVersion prints the version, the commit and the Go version, one
// to a line.
func writeVersion(w io.Writer, b buildInfo) error {
	modified := ""
	if b.Modified {
		modified = " (modified)"
	}
	_, err := fmt.Fprintf(w, "feedwire %s\ncommit   %s%s\ngo       %s %s\n", b.Version, b.Commit, modified, b.GoVersion, b.Platform)
	return err
}
