#!/usr/bin/env bash
# The README's second command: set up, build and run the whole test suite.
#   bash scripts/test.sh [ctest options...]
# The shared SONATA data are read from ../shared/data beside the checkout, or from
# $CADENZA_TEST_DATA; tests that need them report themselves skipped when they are absent.
# At the end it prints how many tests were skipped, and why. With CADENZA_REQUIRE_TEST_DATA=1
# (what CI sets) a test skipped for want of the shared data fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh" --test-tools
CADENZA_CMAKE_ARGS="-DCADENZA_WERROR=ON ${CADENZA_CMAKE_ARGS:-}" bash "$root/scripts/build.sh"
cd "$root/build"
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
set +e
ctest --output-on-failure -j "$(nproc)" "$@" | tee "$summary"
rc=${PIPESTATUS[0]}
set -e

# ctest lists skipped tests as "  N - NAME (Skipped)"; the reason is the line of the test's
# output (Testing/Temporary/LastTest.log) that says "skipped".
skip_reason() {
  awk -v name="$1" '
    /^[0-9]+\/[0-9]+ Testing: / { inside = ($3 == name); next }
    inside && !/^\[/ && /skipped$/ { print; exit }' Testing/Temporary/LastTest.log
}
# The last lines of a test's output, for skips with a reason of their own (a daemon's log).
skip_output() {
  awk -v name="$1" '
    /^[0-9]+\/[0-9]+ Testing: / { inside = ($3 == name); next }
    inside && /^<end of output>/ { inside = 0 }
    inside { print "      " $0 }' Testing/Temporary/LastTest.log | tail -n 25
}
mapfile -t skipped < <(sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (Skipped)$/\1/p' "$summary")
echo "test.sh: ${#skipped[@]} test(s) skipped"
missing_data=0
for t in "${skipped[@]}"; do
  reason=$(skip_reason "$t")
  echo "  $t: ${reason:-no reason given}"
  case $reason in
    *"data not found"*) missing_data=$((missing_data + 1)) ;;
    *) skip_output "$t" ;;
  esac
done
if [ "${CADENZA_REQUIRE_TEST_DATA:-0}" = 1 ] && [ "$missing_data" -gt 0 ]; then
  echo "test.sh: $missing_data test(s) skipped because the shared data are missing; CADENZA_REQUIRE_TEST_DATA=1 makes that a failure" >&2
  [ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
