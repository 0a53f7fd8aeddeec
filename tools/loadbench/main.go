// Command loadbench measures one cold load of a posts tree in a fresh
// process: wall time of feed.Load (walk, parse, index), posts per second and
// the peak resident memory of the process (VmHWM).
//
//	loadbench -dir /tmp/corpus [-cpuprofile cpu.out] [-memprofile mem.out]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/feedwire/feedwire/feed"
)

func main() {
	dir := flag.String("dir", "", "Jekyll site root to load (required)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the load to this file")
	memProfile := flag.String("memprofile", "", "write a heap profile after the load to this file")
	workers := flag.Int("workers", 0, "parallel parsers; 0 means GOMAXPROCS")
	flag.Parse()
	if err := run(*dir, *cpuProfile, *memProfile, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(dir, cpuProfile, memProfile string, workers int) error {
	if dir == "" {
		return errors.New("-dir is required")
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	fsys := os.DirFS(dir)
	site, err := feed.ReadSiteConfig(fsys)
	if err != nil {
		return err
	}
	snap, err := feed.Load(context.Background(), fsys, feed.LoadOptions{Site: site, Now: time.Now(), Workers: workers})
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	posts := len(snap.AllPosts())
	if memProfile != "" {
		runtime.GC()
		f, err := os.Create(memProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.WriteHeapProfile(f); err != nil {
			return err
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("posts=%d problems=%d categories=%d tags=%d seconds=%.3f posts_per_second=%.0f peak_rss_mb=%.1f heap_inuse_mb=%.1f gomaxprocs=%d\n",
		posts, len(snap.Problems), len(snap.Categories()), len(snap.Tags()), elapsed.Seconds(),
		float64(posts)/elapsed.Seconds(), peakRSSMB(), float64(ms.HeapInuse)/(1<<20), runtime.GOMAXPROCS(0))
	runtime.KeepAlive(snap)
	return nil
}

// peakRSSMB reads the process's peak resident set size from /proc, or -1
// where it is not available.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%f kB", &kb); err == nil {
				return kb / 1024
			}
		}
	}
	return -1
}
