# expect CODE COMMAND...: runs COMMAND with its output in $tmp/last.txt and fails the test,
# showing that output, unless it exits with CODE. Sourced by the regression scripts, after
# they set $tmp.
expect() {
  local want=$1
  shift
  "$@" > "$tmp/last.txt" 2>&1
  local got=$?
  [ "$got" -eq "$want" ] || { echo "exit $got, expected $want: $*"; cat "$tmp/last.txt"; exit 1; }
}
