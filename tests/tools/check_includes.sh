#!/usr/bin/env bash
# The include rules of the layout, checked on the sources:
#   - folders are layered, and a file includes headers of its own layer or lower ones only:
#       0 base;  1 io, comm, partition;  2 core;  3 the engines (pointnet, bionet, filternet,
#       popnet);  4 app, tools;  5 main.c
#     so io/, comm/ and partition/ include no engine header and the core includes no engine;
#   - an engine includes no other engine;
#   - no include cycle: among the headers (a header never reaches itself through its includes),
#     and among the folders (the graph of folder -> folder includes has no loop). The .c files
#     of one folder may use each other's headers both ways: that is one concept split into
#     files, not a cycle of dependencies.
# Prints the cross-folder includes (from -> to: count) and every violation; exits 1 on any.
# Usage: check_includes.sh <source root> [--known-edge FROM TO]...
#   --known-edge leaves one header include (paths without extension: FROM's header includes
#   TO's) out of the cycle check, so that a cycle the layout still has is named where the test
#   is registered.
set -euo pipefail
root=${1:?usage: check_includes.sh <source root> [--known-edge FROM TO]...}
shift
known=()
while [ $# -gt 0 ]; do
  [ "$1" = --known-edge ] && [ $# -ge 3 ] || { echo "check_includes: bad arguments: $*" >&2; exit 2; }
  known+=("$2 $3")
  shift 3
done
cd "$root"

# path of a file -> its folder (src/<f>/... -> f, io/... -> io; src/main.c -> main)
folder_of() {
  case $1 in
    src/main.c) echo main ;;
    src/*) p=${1#src/}; echo "${p%%/*}" ;;
    *) echo "${1%%/*}" ;;
  esac
}
layer_of() {
  case $1 in
    base) echo 0 ;;
    io | comm | partition) echo 1 ;;
    core) echo 2 ;;
    pointnet | bionet | filternet | popnet) echo 3 ;;
    app | tools) echo 4 ;;
    main) echo 5 ;;
    *) echo unknown ;;
  esac
}
# an include as written ("pointnet/network.h") -> the file it names, relative to the root
resolve() {
  if [ -f "src/$1" ]; then echo "src/$1"; elif [ -f "$1" ]; then echo "$1"; else echo ""; fi
}

bad=0
edges=$(mktemp)
cross=$(mktemp)
trap 'rm -f "$edges" "$cross"' EXIT

while IFS= read -r f; do
  from=$(folder_of "$f")
  lf=$(layer_of "$from")
  if [ "$lf" = unknown ]; then
    echo "check_includes: $f: folder '$from' has no layer in the rules" >&2
    bad=1
    continue
  fi
  while IFS= read -r inc; do
    target=$(resolve "$inc")
    [ -n "$target" ] || continue # a system or generated header
    to=$(folder_of "$target")
    lt=$(layer_of "$to")
    [ "$from" = "$to" ] || echo "$from -> $to" >>"$cross"
    if [ "$lt" = unknown ] || [ "$lt" -gt "$lf" ]; then
      echo "check_includes: upward include: $f ($from, layer $lf) includes $inc ($to, layer $lt)" >&2
      bad=1
    elif [ "$lf" = 3 ] && [ "$lt" = 3 ] && [ "$from" != "$to" ]; then
      echo "check_includes: one engine includes another: $f includes $inc" >&2
      bad=1
    fi
    [ "$from" = "$to" ] || echo "dir:$from dir:$to" >>"$edges"
    case $f in *.h) ;; *) continue ;; esac
    src_mod=${f%.*}
    dst_mod=${target%.*}
    skip=0
    for k in "${known[@]+"${known[@]}"}"; do [ "$k" = "$src_mod $dst_mod" ] && skip=1; done
    [ "$src_mod" = "$dst_mod" ] || [ "$skip" = 1 ] || echo "$src_mod $dst_mod" >>"$edges"
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done < <(find src io comm partition -name '*.[ch]' | sort)

echo "cross-folder includes (from -> to: count):"
sort "$cross" | uniq -c | awk '{printf "  %s %s %s: %d\n", $2, $3, $4, $1}'

# tsort reports a loop on stderr (and still exits 0 with some versions): look for it.
if ! loops=$(sort -u "$edges" | tsort 2>&1 >/dev/null) || [ -n "$loops" ]; then
  echo "check_includes: include cycle (headers, or folders marked dir:):" >&2
  echo "$loops" >&2
  bad=1
fi
if [ "$bad" = 0 ]; then echo "check_includes: no upward include, no engine includes another, no cycle"; fi
exit "$bad"
