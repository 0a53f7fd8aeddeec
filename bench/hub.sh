#!/usr/bin/env bash
# Built-in WebSub hub benchmark, on loopback only: with a generated
# 100,000-post site loaded and FEEDWIRE_HUB=builtin, (1) the time from writing
# one post to one subscriber's callback receiving its push, and (2) one change
# fanned out to 10,000 subscribers of the site feed (a loopback server
# answering 204), with feedwire's resident memory growth; both in memory, and
# through a throwaway redis-server when one is installed. The posts it writes
# are removed afterwards.
#
# Environment: BENCH_DIR (default /tmp/feedwire-bench, corpora shared with
# bench/load.sh), BENCH_RELOAD_POSTS (default 100000), BENCH_ROUNDS (default
# 7), BENCH_FANOUT (default 10000), BENCH_SEED (default 1).
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
dir=${BENCH_DIR:-/tmp/feedwire-bench}
n=${BENCH_RELOAD_POSTS:-100000}
seed=${BENCH_SEED:-1}
rounds=${BENCH_ROUNDS:-7}
fanout=${BENCH_FANOUT:-10000}
mkdir -p "$dir/bin"
$GO build -o "$dir/bin/gencorpus" ./tools/gencorpus
$GO build -o "$dir/bin/hubbench" ./tools/hubbench
make --no-print-directory build >/dev/null

c="$dir/corpus-$n-seed$seed"
if [ ! -f "$c/.complete" ]; then
	rm -rf "$c"
	echo "generating $n posts in $c" >&2
	"$dir/bin/gencorpus" -n "$n" -seed "$seed" -out "$c"
	touch "$c/.complete"
fi
echo "machine: $(nproc) cores, $(uname -sr); $n posts in $c; loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== in memory: one subscriber, post written to push received"
"$dir/bin/hubbench" -bin bin/feedwire -dir "$c" -rounds "$rounds" -subscribers 1
echo "== in memory: fan-out to $fanout subscribers"
"$dir/bin/hubbench" -bin bin/feedwire -dir "$c" -rounds 3 -subscribers "$fanout"
if command -v redis-server >/dev/null; then
	port=$(( 20000 + RANDOM % 10000 ))
	rdir=$(mktemp -d)
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$rdir" >/dev/null &
	rpid=$!
	trap 'kill $rpid; rm -rf "$rdir"' EXIT
	until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
	echo "== Redis: fan-out to $fanout subscribers"
	"$dir/bin/hubbench" -bin bin/feedwire -dir "$c" -rounds 3 -subscribers "$fanout" -redis "redis://127.0.0.1:$port"
fi
