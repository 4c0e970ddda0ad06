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

