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
while IFS=: read -r file _ decl; do
	name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"$decl")
	pkg=./$(dirname "${file#./}")
	extra=()
	# Render inputs are whole sites: minimising one takes long, bound it.
	[ "$name" = FuzzRender ] && extra=(-fuzzminimizetime 2s)
	echo "== $pkg $name ($fuzztime)"
	if ! $GO test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "${par[@]}" "${extra[@]}" "$pkg"; then
		echo "FAIL: $pkg $name (crasher kept in $pkg/testdata/fuzz/$name)"
		fail=1
	fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | grep -v '^./tools/' | sort)
exit $fail
