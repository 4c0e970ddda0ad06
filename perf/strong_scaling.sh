#!/usr/bin/env bash
# Strong scaling of the Brunel network on 1 and 2 MPI ranks (1 thread each): the same network,
# more ranks. Prints the per-phase times of each run (load, update, deliver, exchange, pack,
# write), the synaptic events per second and the peak memory of the largest rank, plus one
# RESULT line per run for scripts.
#   perf/strong_scaling.sh
# Environment: SIZES ("10000:0.1:1000 100000:0.01:100" = neurons:epsilon:tstop_ms),
#              RANKS ("1 2"), PARTITION (block), THREADS (1).
# N = 100000 at epsilon 0.01 keeps the in-degree of the N = 10000 network (C_E = 800):
# 1.8e8 synapses, about 4 GiB on one rank.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=${SIZES:-"10000:0.1:1000 100000:0.01:100"}
ranks=${RANKS:-"1 2"}
partition=${PARTITION:-block}
threads=${THREADS:-1}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$root/build" -j "$(nproc)" --target cadenza > /dev/null
cadenza="$root/build/src/cadenza"
work=$(mktemp -d "${TMPDIR:-/tmp}/cadenza-scaling.XXXXXX")
trap 'rm -rf "$work"' EXIT

field() { echo "$1" | sed -n "s/.*$2 \([0-9.e+]*\) s.*/\1/p"; }

for size in $sizes; do
  IFS=: read -r n eps tstop <<< "$size"
  net="$work/net_$n"
  "$cadenza" generate brunel --neurons "$n" --epsilon "$eps" --tstop "$tstop" "$net" > /dev/null
  for np in $ranks; do
    line=$(mpirun --oversubscribe -np "$np" "$cadenza" run "$net/config.json" -o "$work/out_${n}_$np" \
             --partition "$partition" --threads "$threads" --no-progress -q | head -1)
    echo "N=$n ranks=$np: $line"
    events=$(echo "$line" | sed -n 's/.*; \([0-9.e+]*\) synaptic events\/s.*/\1/p')
    peak=$(echo "$line" | sed -n 's/.*peak memory \([0-9.]*\) MiB.*/\1/p')
    echo "RESULT n=$n ranks=$np threads=$threads partition=$partition tstop_ms=$tstop load_s=$(field "$line" load)" \
         "run_s=$(field "$line" run) update_s=$(field "$line" update) deliver_s=$(field "$line" deliver)" \
         "exchange_s=$(field "$line" exchange) pack_s=$(field "$line" pack) write_s=$(field "$line" write)" \
         "events_per_s=$events peak_mib=$peak"
  done
done
