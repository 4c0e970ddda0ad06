# refusal_suite PREFIX CASE SENTINEL: the start of a malformed-folder script (sourced): the
# shared case CASE (a folder under the data folder $data) as the absolute $src, or exit 77 when
# CASE/SENTINEL is not there; a temporary folder $tmp removed at exit; and fail(), which
# counts failures in $fails ($n counts the cases).
refusal_suite() {
  data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
  src="$data/$2"
  if [ ! -f "$src/$3" ]; then echo "shared data not found: skipped"; exit 77; fi
  src=$(cd "$src" && pwd)
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_$1.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  fails=0
  n=0
  fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
}

# check_refusal NAME DIR NEEDLE...: for the malformed-folder scripts (sourced; they define
# fail() and $tmp). DIR/config.json run and checked: exit 2 from both, every needle in both
# outputs, one error line from the run, and no DIR/out left behind.
check_refusal() {
  local name=$1 d=$2
  shift 2
  "$cadenza" run "$d/config.json" --no-progress > "$d/run.txt" 2>&1
  local rc=$?
  [ $rc -eq 2 ] || fail "$name: cadenza run exited $rc, want 2: $(tail -3 "$d/run.txt")"
  [ -e "$d/out" ] && fail "$name: the refused run made $d/out: $(ls "$d/out")"
  "$cadenza" check "$d/config.json" > "$d/check.txt" 2>&1
  rc=$?
  [ $rc -eq 2 ] || fail "$name: cadenza check exited $rc, want 2: $(tail -3 "$d/check.txt")"
  [ -e "$d/out" ] && fail "$name: cadenza check made $d/out"
  local needle
  for needle in "$@"; do
    grep -qF -- "$needle" "$d/run.txt" || fail "$name: cadenza run does not say '$needle': $(grep error "$d/run.txt")"
    grep -qF -- "$needle" "$d/check.txt" || fail "$name: cadenza check does not say '$needle': $(grep error "$d/check.txt")"
  done
  [ "$(grep -c 'error' "$d/run.txt")" -eq 1 ] || fail "$name: the run's refusal is not one line: $(cat "$d/run.txt")"
  echo "$name: $(grep -m1 error "$d/run.txt" | sed "s|$tmp/||g" | cut -c1-200)"
}

