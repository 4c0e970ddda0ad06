# Helpers the benchmark scripts share; they source this file.

# Configures and builds the Release executable under ROOT/build (incremental: quick when it is
# up to date) and prints its path.
perf_build_cadenza() {
  local root=$1
  cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$root/build" -j "$(nproc)" --target cadenza > /dev/null
  echo "$root/build/src/cadenza"
}
