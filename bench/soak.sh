#!/usr/bin/env bash
# Soak: the scenarios of tools/soak at full scale (Redis faults, reload storm,
# hostile requests, fleet, memory, rolling restart) against bin/feedwire and
# a real redis-server, all on 127.0.0.1, about five minutes in all.
#
# Environment: SOAK_ARGS (extra tools/soak flags, e.g. "-only faults,fleet" or
# "-short"), BENCH_DIR (where corpora are kept, default /tmp/feedwire-bench,
# shared with bench/load.sh). Extra arguments are passed to tools/soak too.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
dir=${BENCH_DIR:-/tmp/feedwire-bench}
mkdir -p "$dir/bin"
$GO build -o "$dir/bin/gencorpus" ./tools/gencorpus
$GO build -o "$dir/bin/soak" ./tools/soak
make --no-print-directory build >/dev/null
# shellcheck disable=SC2086
exec "$dir/bin/soak" -bin bin/feedwire -gencorpus "$dir/bin/gencorpus" -corpora "$dir" ${SOAK_ARGS:-} "$@"
