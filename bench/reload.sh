#!/usr/bin/env bash
# Reload benchmark: with a generated 100,000-post site loaded, write one new
# post at a time and measure how long until feedwire serves it (file watcher,
# debounce, incremental load, swap) and the CPU time the reload costs, next
# to the CPU time of the cold load. Only loopback traffic; the posts it writes
# are removed afterwards.
#
# Environment: BENCH_DIR (default /tmp/feedwire-bench, corpora are kept and
# shared with bench/load.sh), BENCH_RELOAD_POSTS (default 100000),
# BENCH_ROUNDS (default 7), BENCH_SEED (default 1).
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
dir=${BENCH_DIR:-/tmp/feedwire-bench}
n=${BENCH_RELOAD_POSTS:-100000}
seed=${BENCH_SEED:-1}
mkdir -p "$dir/bin"
$GO build -o "$dir/bin/gencorpus" ./tools/gencorpus
$GO build -o "$dir/bin/reloadbench" ./tools/reloadbench
make --no-print-directory build >/dev/null

c="$dir/corpus-$n-seed$seed"
if [ ! -f "$c/.complete" ]; then
	rm -rf "$c"
	echo "generating $n posts in $c" >&2
	"$dir/bin/gencorpus" -n "$n" -seed "$seed" -out "$c"
	touch "$c/.complete"
fi
echo "machine: $(nproc) cores, $(uname -sr); $n posts in $c; loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
"$dir/bin/reloadbench" -bin bin/feedwire -dir "$c" -rounds "${BENCH_ROUNDS:-7}"
