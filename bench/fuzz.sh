#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 20s), one
# after the other. New crashers land in the package's testdata/fuzz/<Target>
# and are then replayed by every plain `go test`. FUZZPARALLEL bounds the
# fuzzing workers (default: all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
fuzztime=${FUZZTIME:-20s}
par=()
[ -n "${FUZZPARALLEL:-}" ] && par=(-parallel "$FUZZPARALLEL")
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
while IFS=: read -r file _ decl; do
	name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"$decl")
	pkg=./$(dirname "${file#./}")
	extra=()
	# Render inputs are whole sites: minimising one takes long, bound it.
	[ "$name" = FuzzRender ] && extra=(-fuzzminimizetime 2s)
	echo "== $pkg $name ($fuzztime)"
	if ! $GO test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "${par[@]}" "${extra[@]}" "$pkg" 2>&1 | tee "$log"; then
		# The fuzzing engine can fail a run with only "context deadline exceeded"
		# when -fuzztime ends while a worker is busy (golang/go#75804): no input
		# failed and none was written. Any other failure counts.
		if grep -q 'context deadline exceeded' "$log" && ! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$log"; then
			echo "note: $pkg $name: the engine's deadline at the end of -fuzztime, no failing input"
			continue
		fi
		echo "FAIL: $pkg $name (crasher kept in $pkg/testdata/fuzz/$name)"
		fail=1
	fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | grep -v '^./tools/node_modules/' | sort)
exit $fail
