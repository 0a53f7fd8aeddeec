#!/usr/bin/env bash
# HTTP benchmark: feedwire against the net/http floor, the least a Go net/http
# handler can do to give the same answers, with nginx serving the same bytes as
# context.
#
# Builds bin/feedwire, starts it on a free loopback port with the bundled example
# site, fetches one cached category RSS feed (identity and gzip, with their ETags),
# has bench/stdlib (the floor: a bare net/http handler, the same http.Server
# limits as feedwire) and nginx (worker_processes 1) serve exactly those responses
# on other loopback ports, checks that all three answer alike, then runs wrk
# against each:
#   (a) GET the feed                              -> 200
#   (b) GET with If-None-Match: <its ETag>        -> 304
#   (c) GET with Accept-Encoding: gzip            -> 200, gzip variant
# and prints req/s, p99 latency, CPU time per request and the feedwire/floor
# ratio for each (target: 0.85 or more).
#
# The ratio is measured in pairs: a short wrk run against feedwire and one against
# the floor, back to back (which goes first alternates), repeated; the ratio
# reported is the median of the pairs' ratios. On a shared machine a server's
# throughput moves by a third from one run to the next (loopback TCP settles
# into a fast or a slow regime per run, and neighbours come and go); runs close
# in time see the same conditions, and the median of many pairs is steady where
# the ratio of two long runs is not. nginx runs once after each pair, as context.
#
# Environment:
#   BENCH_DURATION  wrk duration per run (default 2s)
#   BENCH_PAIRS     pairs of runs per case (default 10)
#   BENCH_CATEGORY  category of the example site whose RSS feed is used (default zhuzhouribao)
#   BENCH_PIN       1: pin the servers under test to the last CPU and wrk to CPU 0;
#                   0: do not; default 1 when there are 2 CPUs or more and taskset
#   BENCH_GOMAXPROCS  GOMAXPROCS of the Go servers (default 1: one core's worth of
#                   execution, as nginx gets with its one worker; "" for Go's default)
#   BENCH_STRICT    1: exit 1 when a ratio misses its target (default 0)
#   BENCH_KEEP      1: keep the temporary folder (configs, bodies, logs) (default 0)
#   NGINX           nginx binary (default /usr/sbin/nginx)
#   WRK             wrk binary (default wrk)
#   FEEDWIRE_BIN    run this feedwire binary instead of building bin/feedwire
# Only 127.0.0.1 is ever contacted.
set -euo pipefail

cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-2s}
PAIRS=${BENCH_PAIRS:-10}
CATEGORY=${BENCH_CATEGORY:-zhuzhouribao}
PIN=${BENCH_PIN:-auto}
PROCS=${BENCH_GOMAXPROCS-1}
STRICT=${BENCH_STRICT:-0}
KEEP=${BENCH_KEEP:-0}
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-wrk}
HOST=127.0.0.1
FEED_PATH="/categories/${CATEGORY}/feed.xml"
THREADS=1
CONNS=8
TARGET_A=0.85
TARGET_B=0.85
TARGET_C=0.85

die() {
	echo "bench-http: $*" >&2
	exit 1
}

[[ $PAIRS =~ ^[1-9][0-9]*$ ]] || die "BENCH_PAIRS must be a positive integer"
[[ $PIN =~ ^(0|1|auto)$ ]] || die "BENCH_PIN must be 0, 1 or auto"
[[ $PROCS =~ ^[0-9]*$ ]] || die "BENCH_GOMAXPROCS must be a number or empty"
GOENV=()
[ -n "$PROCS" ] && GOENV=(GOMAXPROCS="$PROCS")
[[ $CATEGORY =~ ^[A-Za-z0-9_.-]+$ ]] || die "BENCH_CATEGORY must be a plain slug"

for tool in curl "$WRK" "$NGINX" python3 make; do
	command -v "$tool" >/dev/null || die "$tool not found"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/feedwire-bench-http.XXXXXX")
FW_PID=""
NGINX_PID=""
SL_PID=""

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
	local rc=$?
	for pid in "$NGINX_PID" "$FW_PID" "$SL_PID"; do
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	done
	for pid in "$NGINX_PID" "$FW_PID" "$SL_PID"; do
		if [ -n "$pid" ]; then
			wait "$pid" 2>/dev/null || true
		fi
	done
	if [ "$rc" -ne 0 ]; then
		for log in feedwire.log error.log nginx.stderr; do
			if [ -s "$TMP/$log" ]; then
				echo "--- last lines of $log:" >&2
				tail -n 20 "$TMP/$log" >&2
			fi
		done
	fi
	if [ "$KEEP" = 1 ]; then
		echo "bench-http: kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# CPU pinning, off by default. On a 2-core machine with pinning, each server gets
# one core to itself (as nginx with one worker uses one) and wrk the other.
SERVER_CPU=()
WRK_CPU=()
NCPU=$(nproc)
if [ "$PIN" = auto ]; then
	PIN=0
	if [ "$NCPU" -ge 2 ] && command -v taskset >/dev/null; then
		PIN=1
	fi
fi
if [ "$PIN" = 1 ]; then
	[ "$NCPU" -ge 2 ] || die "BENCH_PIN=1 needs at least 2 CPUs"
	command -v taskset >/dev/null || die "taskset not found"
	SERVER_CPU=(taskset -c "$((NCPU - 1))")
	WRK_CPU=(taskset -c 0)
fi

# wait_ready URL PID NAME: poll URL until it answers 200, for at most 20 s.
wait_ready() {
	local url=$1 pid=$2 name=$3 i
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
		if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" = 200 ]; then
			return 0
		fi
		sleep 0.1
	done
	die "$name not ready at $url after 20 s"
}

# header FILE NAME prints the value of header NAME in a curl -D dump (last response).
header() {
	awk -v name="$2" 'BEGIN { n = tolower(name) ":" }
		{ sub(/\r$/, "") }
		tolower(substr($0, 1, length(n))) == n { v = substr($0, length(n) + 1); sub(/^[ \t]+/, "", v) }
		END { print v }' "$1"
}

# fetch BASE OUT [curl header args...]: GET BASE+FEED_PATH, body to OUT.body, headers
# to OUT.hdr; prints the status code.
fetch() {
	local base=$1 out=$2
	shift 2
	: >"$out.body" # curl writes no file for an empty body
	curl -s --max-time 10 -o "$out.body" -D "$out.hdr" -w '%{http_code}' "$@" "$base$FEED_PATH"
}

# --- feedwire ----------------------------------------------------------------------

FW_BIN=${FEEDWIRE_BIN:-}
# The commit, "-dirty" when source differs from it (BENCHMARKS.md, which make bench
# rewrites, does not count).
FW_VERSION=$(git describe --tags --always 2>/dev/null || echo unknown)
git diff --quiet HEAD -- . ':(exclude)BENCHMARKS.md' 2>/dev/null || FW_VERSION="$FW_VERSION-dirty"
[ -n "$FW_BIN" ] && FW_VERSION="($FW_BIN)"
if [ -z "$FW_BIN" ]; then
	echo "bench-http: building bin/feedwire"
	make --no-print-directory build >"$TMP/build.log" 2>&1 || {
		cat "$TMP/build.log" >&2
		die "make build failed"
	}
	FW_BIN=./bin/feedwire
fi

FW_PORT=$(free_port)
FW="http://$HOST:$FW_PORT"
# Only the listen address and log level are set: feedwire serves the bundled example site.
env -i PATH="$PATH" HOME="${HOME:-/tmp}" "${GOENV[@]}" \
	FEEDWIRE_ADDR="$HOST:$FW_PORT" FEEDWIRE_LOG_LEVEL=warn \
	"${SERVER_CPU[@]}" "$FW_BIN" >"$TMP/feedwire.log" 2>&1 &
FW_PID=$!
wait_ready "$FW/readyz" "$FW_PID" feedwire

mkdir -p "$TMP/docroot" "$TMP/tmp" "$TMP/fw" "$TMP/ng"
# nginx workers run as an unprivileged user when started by root: let them read the docroot.
chmod 755 "$TMP" "$TMP/docroot"

status=$(fetch "$FW" "$TMP/fw/a")
[ "$status" = 200 ] || die "feedwire: GET $FEED_PATH answered $status"
ETAG=$(header "$TMP/fw/a.hdr" ETag)
CTYPE=$(header "$TMP/fw/a.hdr" Content-Type)
CACHE_CONTROL=$(header "$TMP/fw/a.hdr" Cache-Control)
LAST_MODIFIED=$(header "$TMP/fw/a.hdr" Last-Modified)
[ -n "$ETAG" ] || die "feedwire: no ETag on $FEED_PATH"
[ -n "$CTYPE" ] || die "feedwire: no Content-Type on $FEED_PATH"
[ -z "$(header "$TMP/fw/a.hdr" Content-Encoding)" ] || die "feedwire: identity request got Content-Encoding"

status=$(fetch "$FW" "$TMP/fw/c" -H 'Accept-Encoding: gzip')
[ "$status" = 200 ] || die "feedwire: gzip GET $FEED_PATH answered $status"
ETAG_GZ=$(header "$TMP/fw/c.hdr" ETag)
[ "$(header "$TMP/fw/c.hdr" Content-Encoding)" = gzip ] || die "feedwire: Accept-Encoding: gzip got no gzip body"
[ -n "$ETAG_GZ" ] || die "feedwire: no ETag on the gzip variant"
[ "$ETAG_GZ" != "$ETAG" ] || die "feedwire: gzip variant has the identity ETag $ETAG"
gzip -t <"$TMP/fw/c.body" || die "feedwire: gzip body does not decompress"
cmp -s <(gzip -dc <"$TMP/fw/c.body") "$TMP/fw/a.body" || die "feedwire: gzip body is not the identity body"

# The values go into the nginx config: ETags between single quotes, the others
# between double quotes, none may hold a variable reference.
for v in "$ETAG" "$ETAG_GZ" "$CTYPE" "$CACHE_CONTROL"; do
	case $v in
	*"'"* | *'@'* | *\\* | *'$'* | *$'\n'*) die "cannot put header value [$v] in the nginx config" ;;
	esac
done
for v in "$CTYPE" "$CACHE_CONTROL"; do
	case $v in *'"'*) die "cannot put header value [$v] in the nginx config" ;; esac
done

status=$(fetch "$FW" "$TMP/fw/b" -H "If-None-Match: $ETAG")
[ "$status" = 304 ] || die "feedwire: If-None-Match: $ETAG answered $status, want 304"

# --- nginx -------------------------------------------------------------------------

cp "$TMP/fw/a.body" "$TMP/docroot/feed.xml"
cp "$TMP/fw/c.body" "$TMP/docroot/feed.xml.gz"
if [ -n "$LAST_MODIFIED" ]; then
	# nginx sends Last-Modified from the file's mtime; give it feedwire's.
	touch -d "$LAST_MODIFIED" "$TMP/docroot/feed.xml" "$TMP/docroot/feed.xml.gz" 2>/dev/null || true
fi

NG_PORT=$(free_port)
while [ "$NG_PORT" = "$FW_PORT" ]; do NG_PORT=$(free_port); done
NG="http://$HOST:$NG_PORT"
conf=$(<bench/nginx.conf.tmpl)
conf=${conf//@PREFIX@/"$TMP"}
conf=${conf//@PORT@/"$NG_PORT"}
conf=${conf//@PATH@/"$FEED_PATH"}
conf=${conf//@ETAG_GZ@/"$ETAG_GZ"}
conf=${conf//@ETAG@/"$ETAG"}
conf=${conf//@CONTENT_TYPE@/"$CTYPE"}
conf=${conf//@CACHE_CONTROL@/"$CACHE_CONTROL"}
printf '%s\n' "$conf" >"$TMP/nginx.conf"
if grep -qE '@[A-Z_]+@' "$TMP/nginx.conf"; then
	die "unfilled placeholder in nginx.conf.tmpl: $(grep -oE '@[A-Z_]+@' "$TMP/nginx.conf" | head -1)"
fi

"$NGINX" -e "$TMP/error.log" -p "$TMP" -c "$TMP/nginx.conf" -t -q 2>"$TMP/nginx-t.log" || {
	cat "$TMP/nginx-t.log" >&2
	die "nginx rejected the configuration"
}
"${SERVER_CPU[@]}" "$NGINX" -e "$TMP/error.log" -p "$TMP" -c "$TMP/nginx.conf" -g 'daemon off;' 2>"$TMP/nginx.stderr" &
NGINX_PID=$!
wait_ready "$NG$FEED_PATH" "$NGINX_PID" nginx
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's|.*nginx/||')

# --- the net/http floor --------------------------------------------------------------

go build -o "$TMP/stdlib" ./bench/stdlib || die "go build ./bench/stdlib failed"
SL_PORT=$(free_port)
while [ "$SL_PORT" = "$FW_PORT" ] || [ "$SL_PORT" = "$NG_PORT" ]; do SL_PORT=$(free_port); done
SL="http://$HOST:$SL_PORT"
env "${GOENV[@]}" "${SERVER_CPU[@]}" "$TMP/stdlib" -addr "$HOST:$SL_PORT" -body "$TMP/docroot/feed.xml" -gzip "$TMP/docroot/feed.xml.gz" \
	-etag "$ETAG" -etag-gzip "$ETAG_GZ" -type "$CTYPE" -cache-control "$CACHE_CONTROL" -last-modified "$LAST_MODIFIED" \
	>"$TMP/stdlib.log" 2>&1 &
SL_PID=$!
wait_ready "$SL$FEED_PATH" "$SL_PID" stdlib

# --- both answer alike -------------------------------------------------------------

# same CASE BASE DIR [curl header args...]: fetch from BASE, compare with feedwire's answer.
same() {
	local c=$1 base=$2 dir=$3 fw_status ng_status h
	shift 3
	mkdir -p "$TMP/$dir"
	fw_status=$(fetch "$FW" "$TMP/fw/$c" "$@")
	ng_status=$(fetch "$base" "$TMP/$dir/$c" "$@")
	[ "$fw_status" = "$ng_status" ] || die "($c) status: feedwire $fw_status, $dir $ng_status"
	for h in ETag Content-Type Content-Encoding Vary Cache-Control; do
		if [ "$c" = b ] && [ "$h" = Content-Type ]; then
			continue # a 304 has no body, its Content-Type is not compared
		fi
		[ "$(header "$TMP/fw/$c.hdr" "$h")" = "$(header "$TMP/$dir/$c.hdr" "$h")" ] ||
			die "($c) $h: feedwire [$(header "$TMP/fw/$c.hdr" "$h")], $dir [$(header "$TMP/$dir/$c.hdr" "$h")]"
	done
	cmp -s "$TMP/fw/$c.body" "$TMP/$dir/$c.body" ||
		die "($c) body: feedwire $(wc -c <"$TMP/fw/$c.body") bytes, $dir $(wc -c <"$TMP/$dir/$c.body") bytes, not identical"
	echo "bench-http: ($c) feedwire and $dir both $fw_status, ETag $(header "$TMP/fw/$c.hdr" ETag), $(wc -c <"$TMP/fw/$c.body") body bytes, identical"
}
for pair in "$SL sl" "$NG ng"; do
	read -r base dir <<<"$pair"
	same a "$base" "$dir"
	same b "$base" "$dir" -H "If-None-Match: $ETAG"
	same c "$base" "$dir" -H 'Accept-Encoding: gzip'
done

# --- wrk ---------------------------------------------------------------------------

# to_ms VALUE: wrk latency (e.g. 812.00us, 1.21ms, 1.02s) in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n }'
}

# run NAME CASE BASE [wrk -H args...]: run wrk, print "reqs p99ms".
run() {
	local name=$1 c=$2 base=$3 pid=$4 out cpu0 cpu1
	shift 4
	out="$TMP/wrk-$name-$c.txt"
	cpu0=$(cpu_ticks "$pid")
	"${WRK_CPU[@]}" "$WRK" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" "$base$FEED_PATH" >"$out" 2>&1 ||
		die "wrk failed against $name ($c): $(cat "$out")"
	cpu1=$(cpu_ticks "$pid")
	# A wrong status is a broken comparison; socket errors (wrk's 2 s timeouts
	# when the machine is overloaded) are counted and shown with the figures.
	if grep -qE 'Non-2xx or 3xx' "$out"; then
		cat "$out" >&2
		die "wrk saw unexpected statuses against $name ($c)"
	fi
	local errs
	errs=$(awk '/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
	if [ "$errs" -gt 0 ]; then
		echo "bench-http: warning: $errs socket errors against $name ($c): $(grep 'Socket errors' "$out")" >&2
	fi
	local rps p99
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	p99=$(awk '$1 == "99%" { print $2 }' "$out")
	if [ -z "$rps" ] || [ -z "$p99" ]; then
		die "cannot parse wrk output: $(cat "$out")"
	fi
	local reqs us
	reqs=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$out")
	us=$(awk -v t=$((cpu1 - cpu0)) -v hz="$HZ" -v n="${reqs:-0}" 'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')
	echo "$rps $(to_ms "$p99") $errs $us"
}

# cpu_ticks PID: user and system CPU time, in clock ticks, of PID and its children
# (nginx's worker is the master's child).
HZ=$(getconf CLK_TCK)
cpu_ticks() {
	local p t=0
	for p in "$1" $(pgrep -P "$1" || true); do
		[ -r "/proc/$p/stat" ] || continue
		# Fields 14 and 15 (utime, stime), counted after the command name in parentheses.
		t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
	done
	echo "$t"
}

# For each case, PAIRS pairs of runs of feedwire and the floor, back to back (the
# order alternates), each pair followed by a run of nginx; medians are reported.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A RPS P99 ERRS CPU RATIOS
# case_args CASE: the request headers of a case, as wrk arguments.
case_args() {
	case $1 in
	a) ;;
	b) printf '%s\0' -H "If-None-Match: $ETAG" ;;
	c) printf '%s\0' -H 'Accept-Encoding: gzip' ;;
	esac
}
# measure NAME CASE ARGS...: one wrk run against NAME; its figures are recorded
# and its req/s printed.
measure() {
	local name=$1 c=$2 base pid res r p e u
	shift 2
	case $name in
	feedwire) base=$FW pid=$FW_PID ;;
	stdlib) base=$SL pid=$SL_PID ;;
	nginx) base=$NG pid=$NGINX_PID ;;
	esac
	res=$(run "$name" "$c" "$base" "$pid" "$@")
	read -r r p e u <<<"$res"
	CPU[$name$c]+="$u "
	RPS[$name$c]+="$r "
	P99[$name$c]+="$p "
	ERRS[$name$c]=$((${ERRS[$name$c]:-0} + e))
	kill -0 "$FW_PID" 2>/dev/null || die "feedwire exited during the benchmark"
	kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited during the benchmark"
	kill -0 "$SL_PID" 2>/dev/null || die "stdlib exited during the benchmark"
	LAST=$r
}
for c in a b c; do
	args=()
	while IFS= read -r -d '' a; do args+=("$a"); done < <(case_args "$c")
	echo "bench-http: ($c) $PAIRS pairs of $DURATION runs, feedwire and the floor, then nginx"
	for ((pair = 1; pair <= PAIRS; pair++)); do
		if ((pair % 2)); then
			measure feedwire "$c" "${args[@]}"
			f=$LAST
			measure stdlib "$c" "${args[@]}"
			n=$LAST
		else
			measure stdlib "$c" "${args[@]}"
			n=$LAST
			measure feedwire "$c" "${args[@]}"
			f=$LAST
		fi
		measure nginx "$c" "${args[@]}"
		RATIOS[$c]+="$(awk -v f="$f" -v n="$n" 'BEGIN { printf "%.3f", f / n }') "
	done
	echo "bench-http: ($c) pair ratios: ${RATIOS[$c]}"
done

# median VALUES...: the median of the numbers given.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# spread VALUES...: "lowest–highest" of the numbers given.
spread() {
	printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }'
}
declare -A SPREAD
for c in a b c; do
	# shellcheck disable=SC2086 # word splitting of the collected values is intended
	SPREAD[$c]=$(spread ${RATIOS[$c]})
	# shellcheck disable=SC2086
	RATIOS[$c]=$(median ${RATIOS[$c]})
done
for k in "${!RPS[@]}"; do
	# shellcheck disable=SC2086
	RPS[$k]=$(median ${RPS[$k]})
	# shellcheck disable=SC2086
	P99[$k]=$(median ${P99[$k]})
	# shellcheck disable=SC2086
	CPU[$k]=$(median ${CPU[$k]})
done

# --- report ------------------------------------------------------------------------

pinning="not pinned"
[ "$PIN" = 1 ] && pinning="server on CPU $((NCPU - 1)), wrk on CPU 0"
echo
echo "feedwire $FW_VERSION vs the net/http floor (bench/stdlib) and nginx $NGINX_VERSION (worker_processes 1),"
echo "same bytes and ETags, loopback 127.0.0.1"
echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency, $PAIRS pairs per case, medians; $NCPU CPUs, $pinning; Go servers with GOMAXPROCS=${PROCS:-default}"
echo "load average before the runs: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "feed $FEED_PATH: $(wc -c <"$TMP/fw/a.body") bytes, gzip $(wc -c <"$TMP/fw/c.body") bytes"
echo
printf '%-24s %14s %8s %12s %8s %7s %10s %7s %-8s %12s %8s\n' case "feedwire req/s" "p99 ms" "floor req/s" "p99 ms" ratio "pairs" target result \
	"nginx req/s" "p99 ms"
missed=0
notes=""
for c in a b c; do
	case $c in
	a) label="(a) 200 identity" target=$TARGET_A ;;
	b) label="(b) 304 If-None-Match" target=$TARGET_B ;;
	c) label="(c) 200 gzip" target=$TARGET_C ;;
	esac
	ratio=$(awk -v r="${RATIOS[$c]}" 'BEGIN { printf "%.2f", r }')
	result=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r + 0 >= t + 0) ? "ok" : "MISSED" }')
	[ "$result" = ok ] || missed=1
	if [ "${ERRS[feedwire$c]:-0}" -gt 0 ] || [ "${ERRS[stdlib$c]:-0}" -gt 0 ] || [ "${ERRS[nginx$c]:-0}" -gt 0 ]; then
		notes+="$label: socket errors: feedwire ${ERRS[feedwire$c]:-0}, floor ${ERRS[stdlib$c]:-0}, nginx ${ERRS[nginx$c]:-0}"$'\n'
	fi
	printf '%-24s %14.0f %8s %12.0f %8s %7s %10s %7s %-8s %12.0f %8s\n' "$label" "${RPS[feedwire$c]}" "${P99[feedwire$c]}" \
		"${RPS[stdlib$c]}" "${P99[stdlib$c]}" "$ratio" "${SPREAD[$c]}" ">=$target" "$result" "${RPS[nginx$c]}" "${P99[nginx$c]}"
done
echo "req/s and p99: medians over the runs; ratio = the median over the pairs of feedwire req/s / floor req/s"
echo "in runs back to back (pairs: the lowest and highest pair ratio); floor = a bare net/http handler"
echo "giving the same answers, under the same http.Server limits (bench/stdlib); nginx serves the same"
echo "files, as context"
printf '%s' "$notes"
echo
echo "server CPU time per request (user + system, from /proc, over each wrk run), microseconds:"
printf '%-24s %9s %9s %9s %14s\n' case feedwire floor nginx "floor/feedwire"
for c in a b c; do
	case $c in
	a) label="(a) 200 identity" ;;
	b) label="(b) 304 If-None-Match" ;;
	c) label="(c) 200 gzip" ;;
	esac
	eff=$(awk -v f="${CPU[feedwire$c]}" -v n="${CPU[stdlib$c]}" 'BEGIN { printf "%.2f", (f > 0 ? n / f : 0) }')
	printf '%-24s %9s %9s %9s %14s\n' "$label" "${CPU[feedwire$c]}" "${CPU[stdlib$c]}" "${CPU[nginx$c]}" "$eff"
done
echo "floor/feedwire = the floor's CPU per request / feedwire's"

if [ "$missed" = 1 ] && [ "$STRICT" = 1 ]; then
	exit 1
fi
exit 0
