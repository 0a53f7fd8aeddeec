#!/usr/bin/env bash
# Load benchmark: cold loads (one fresh process each) of generated Jekyll
# sites of 10,000 and 100,000 posts, and hugo building the 10,000-post site.
#
# Environment:
#   BENCH_DIR     where corpora and tools are kept (default /tmp/feedwire-bench);
#                 corpora are generated once and reused
#   BENCH_SIZES   post counts (default "10000 100000")
#   BENCH_ROUNDS  fresh-process loads per size (default 3); the median is reported
#   BENCH_SEED    corpus seed (default 1)
#   BENCH_HUGO    set to 0 to skip the hugo comparison
#
# Cold means a new process with nothing loaded; the page cache is warm
# (the corpus was just written or read), which the report says. Each run
# also prints its CPU time and the machine's CPU pressure (PSI "some" avg10):
# on a shared machine wall time mostly measures the others, so a baseline
# line times cat reading the same files.
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
dir=${BENCH_DIR:-/tmp/feedwire-bench}
sizes=${BENCH_SIZES:-10000 100000}
rounds=${BENCH_ROUNDS:-3}
seed=${BENCH_SEED:-1}
mkdir -p "$dir/bin"

$GO build -o "$dir/bin/gencorpus" ./tools/gencorpus
$GO build -o "$dir/bin/loadbench" ./tools/loadbench

corpus() { # n -> path of a complete corpus of n posts
	local n=$1 c="$dir/corpus-$1-seed$seed"
	if [ ! -f "$c/.complete" ]; then
		rm -rf "$c"
		echo "generating $n posts in $c" >&2
		"$dir/bin/gencorpus" -n "$n" -seed "$seed" -out "$c"
		touch "$c/.complete"
	fi
	echo "$c"
}

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
cpu_pressure() { sed -nE 's/^some avg10=([0-9.]+).*/cpu_pressure=\1%/p' /proc/pressure/cpu 2>/dev/null || true; }
cpu_secs() { sed -E 's/.*cpu_user_s=([0-9.]+) cpu_sys_s=([0-9.]+).*/\1 \2/' "$dir/time" | awk '{print $1+$2}'; }

echo "machine: $(nproc) cores, $(uname -sr), go $($GO env GOVERSION); page cache warm"
declare -A load_median load_cpu
for n in $sizes; do
	c=$(corpus "$n")
	echo "== feedwire load, $n posts ($(du -sh "$c" | cut -f1) on disk), $rounds fresh processes"
	start=$(date +%s.%N)
	/usr/bin/time -f "cpu_user_s=%U cpu_sys_s=%S max_rss_kb=%M" -o "$dir/time" \
		sh -c 'find "$1" -type f -print0 | xargs -0 cat >/dev/null' sh "$c/_posts"
	end=$(date +%s.%N)
	echo "  baseline, cat of the same files: seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b-a}') $(cat "$dir/time") $(cpu_pressure)"
	: >"$dir/secs"
	: >"$dir/cpus"
	for r in $(seq "$rounds"); do
		line=$(/usr/bin/time -f "cpu_user_s=%U cpu_sys_s=%S max_rss_kb=%M" -o "$dir/time" "$dir/bin/loadbench" -dir "$c")
		echo "  $line $(cat "$dir/time") loadavg=$(cut -d' ' -f1 /proc/loadavg) $(cpu_pressure)"
		echo "$line" | sed -E 's/.*seconds=([0-9.]+).*/\1/' >>"$dir/secs"
		cpu_secs >>"$dir/cpus"
	done
	m=$(median <"$dir/secs")
	cpu=$(median <"$dir/cpus")
	load_median[$n]=$m
	load_cpu[$n]=$cpu
	echo "  median: ${m}s wall, $(awk -v n="$n" -v s="$m" 'BEGIN {printf "%.0f", n/s}') posts/s; ${cpu}s CPU (user+sys)"
done

if [ "${BENCH_HUGO:-1}" != 0 ]; then
	if ! command -v hugo >/dev/null; then
		echo "hugo not installed (apt-get install hugo): comparison skipped"
		exit 0
	fi
	n=10000
	c=$(corpus "$n")
	site=$(mktemp -d)
	trap 'rm -rf "$site"' EXIT
	mkdir -p "$site/content/posts"
	cp "$c"/_posts/*.md "$site/content/posts/"
	cat >"$site/config.toml" <<'TOML'
baseURL = "https://finews.example.org/"
title = "bench"
disableKinds = ["sitemap", "robotsTXT", "404"]
[taxonomies]
  category = "categories"
  tag = "tags"
[outputs]
  home = ["RSS"]
  section = ["RSS"]
  taxonomy = ["RSS"]
  term = ["RSS"]
[markup.goldmark.renderer]
  unsafe = true
TOML
	echo "== hugo $(hugo version | cut -d' ' -f2), same $n posts, $rounds builds"
	: >"$dir/secs"
	: >"$dir/cpus"
	for r in $(seq "$rounds"); do
		rm -rf "$site/public" "$site/resources"
		start=$(date +%s.%N)
		/usr/bin/time -f "cpu_user_s=%U cpu_sys_s=%S max_rss_kb=%M" -o "$dir/time" \
			hugo --quiet --source "$site" --destination "$site/public" >"$dir/hugo.log" 2>&1 || { cat "$dir/hugo.log"; exit 1; }
		end=$(date +%s.%N)
		s=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b-a}')
		echo "  seconds=$s $(cat "$dir/time") feeds=$(find "$site/public" -name index.xml | wc -l) loadavg=$(cut -d' ' -f1 /proc/loadavg) $(cpu_pressure)"
		echo "$s" >>"$dir/secs"
		cpu_secs >>"$dir/cpus"
	done
	h=$(median <"$dir/secs")
	hcpu=$(median <"$dir/cpus")
	echo "  median: ${h}s wall; ${hcpu}s CPU (user+sys)"
	f=${load_median[$n]:-}
	if [ -n "$f" ]; then
		echo "hugo/feedwire ($n posts): wall $(awk -v h="$h" -v f="$f" 'BEGIN {printf "%.1f", h/f}')x, CPU $(awk -v h="$hcpu" -v f="${load_cpu[$n]}" 'BEGIN {printf "%.1f", h/f}')x"
	fi
fi
