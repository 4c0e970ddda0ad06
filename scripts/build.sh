#!/usr/bin/env bash
# Installs what is missing, builds Cadenza (Release) into ./build and installs the `cadenza`
# binary into $CADENZA_PREFIX/bin (default /usr/local/bin, on PATH; through sudo when not
# root). Idempotent.
#   CADENZA_PREFIX=DIR    install elsewhere (e.g. $HOME/.local: no sudo needed)
#   CADENZA_INSTALL=0     build only; the binary stays at build/src/cadenza
#   CADENZA_CMAKE_ARGS    extra arguments for cmake's configure step
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${CADENZA_PREFIX:-/usr/local}
bash "$root/scripts/install-deps.sh"
# shellcheck disable=SC2086  # CADENZA_CMAKE_ARGS holds several arguments
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  ${CADENZA_CMAKE_ARGS:-} > /dev/null
cmake --build "$root/build" -j "$(nproc)"
[ "${CADENZA_INSTALL:-1}" = 0 ] && exit 0

# sudo only when the nearest existing folder on the way to PREFIX/bin is not writable
dest=$prefix/bin
while [ ! -e "$dest" ]; do dest=$(dirname "$dest"); done
sudo_cmd=()
if [ ! -w "$dest" ]; then
  if ! command -v sudo > /dev/null; then
    echo "build: cannot write to $prefix and sudo is missing; the binary is build/src/cadenza." >&2
    echo "  Install it elsewhere with CADENZA_PREFIX=\$HOME/.local bash scripts/build.sh" >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" cmake --install "$root/build" > /dev/null
echo "build: installed $prefix/bin/cadenza"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "build: $prefix/bin is not on PATH; add it: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
