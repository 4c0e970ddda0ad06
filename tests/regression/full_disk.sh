#!/usr/bin/env bash
# A full disk: runs writing into a 2 MB tmpfs must stop with exit 3 and one
# "cadenza: error:" line naming the file (HDF5's multi-line text folded into it), never a
# crash in HDF5's exit handler. Three ways to run out of room: while writing a report, while
# creating a file, and when closing a spikes block file (the cached data reach the disk only
# then). Needs root to mount the tmpfs; skipped (77) otherwise.
#   full_disk.sh CADENZA
set -u
cadenza=$1
[ "$(id -u)" -eq 0 ] || { echo "not root: cannot mount a tmpfs; skipped"; exit 77; }
base=${CZ_TEST_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$base" && tmp=$(mktemp -d "$base/cz_full_disk.XXXXXX") || exit 1
mkdir -p "$tmp/disk"
cleanup() { umount "$tmp/disk" 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mount -t tmpfs -o size=2m tmpfs "$tmp/disk" 2> /dev/null || { echo "cannot mount a tmpfs; skipped"; exit 77; }

# 200 neurons for 5 s; the V_m report of 10 cells alone needs 4 MB.
"$cadenza" generate brunel --neurons 200 --tstop 5000 "$tmp/net" > /dev/null || exit 1
sed 's/"reports":/"unused_reports":/' "$tmp/net/config.json" > "$tmp/net/config_spikes_only.json"
grep -q '"unused_reports"' "$tmp/net/config_spikes_only.json" || { echo "could not drop the report"; exit 1; }

fail=0
# expect_disk_full CONFIG FILL_KB WHAT
expect_disk_full() {
  rm -rf "${tmp:?}/disk/"*
  [ "$2" -eq 0 ] || dd if=/dev/zero of="$tmp/disk/fill" bs=1k count="$2" 2> /dev/null
  "$cadenza" run "$tmp/net/$1" -o "$tmp/disk/out" --no-progress -q > /dev/null 2> "$tmp/err"
  local rc=$?
  grep -v '\[WARNING\]' "$tmp/err" > "$tmp/err.lines"
  local lines
  lines=$(wc -l < "$tmp/err.lines")
  echo "$3: exit $rc: $(cat "$tmp/err.lines")"
  if [ "$rc" -ne 3 ]; then echo "  FAIL: exit $rc, expected 3"; fail=1; fi
  if [ "$lines" -ne 1 ] || ! grep -q '^cadenza: error: .*No space left on device' "$tmp/err.lines"; then
    echo "  FAIL: not one error line naming the cause"; fail=1
  fi
}
expect_disk_full config.json 0 "report outgrows the disk"
expect_disk_full config.json 2040 "no room to create a file"
expect_disk_full config_spikes_only.json 1900 "no room when a spikes block closes"
exit $fail
