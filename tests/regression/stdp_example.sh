#!/usr/bin/env bash
# point_stdp as it is (both configs): the weight report must hold one row per spike of each
# source through each of its stdp synapses, every recorded weight must be what NEST's
# stdp_synapse rule gives when replayed here (in awk, independently of Cadenza) on the run's
# own spike trains (default parameters: lambda 0.01, alpha 1, mu 1, Wmax 100, tau_plus =
# tau_minus = 20 ms, delay 1 ms, initial weight 15), and the signs must be the expected ones:
# a target driven by its own source (0 -> 0, 1 -> 1: pre before post) only gains, and the first
# spike of source 0 onto target 2, which source 1 has already made fire (post before pre),
# loses (in the current-clamp config; with the virtual inputs both sources fire together). 2
# threads (and 2 ranks, given MPIEXEC) must write the same weight table.
# The columns NEST fills itself, as BMTK writes them: ports is NEST's numbering of the
# synapses, sorted by source; from the edge file (rows 0->0, 1->1, 0->2, 1->2), by hand:
# 0->0 is port 0, 0->2 port 1, 1->1 port 2 and 1->2 port 3 (the edge rows would give 0, 2, 1,
# 3). time_ms is the value of NEST's 3-decimal text in its shortest form (517.93, 4431.0),
# never a long binary expansion such as 1717.0900000000001.
#   stdp_example.sh CADENZA [MPIEXEC]
set -u
cadenza=$1 mpiexec=${2:-}
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
dir="$data/bmtk/examples/point_stdp"
if [ ! -f "$dir/config.simulation_iclamp.json" ]; then echo "shared data not found ($dir): skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_stdp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$dir" || exit 1

# Replays the rule for every synapse of a weight table against the targets' spikes.
replay() {  # weights.csv spikes.csv expect_post_pre(0/1)
  awk -v OFS=' ' -v expect_dep="$3" '
    function fac(w, k,  n) { n = w / 100.0 + 0.01 * (1.0 - w / 100.0) * k; return n < 1.0 ? n * 100.0 : 100.0 }
    function dep(w, k,  n) { n = w / 100.0 - 0.01 * (w / 100.0) * k; return n > 0.0 ? n * 100.0 : 0.0 }
    FNR == 1 { next }
    FILENAME == ARGV[1] { if ($2 == "targets") { np[$3]++; post[$3, np[$3]] = $1 + 0 } ; next }
    {
      key = $1 " " $3; t = $5 + 0; got = $6 + 0; tg = $3
      if (!(key in w)) { w[key] = 15.0; kp[key] = 0.0; tl[key] = 0.0; nsyn++ }
      d = 1.0; ww = w[key]
      for (j = 1; j <= np[tg]; j++) {
        p = post[tg, j]
        if (p > tl[key] - d + 1e-6 && p <= t - d + 1e-6) ww = fac(ww, kp[key] * exp((tl[key] - (p + d)) / 20.0))
      }
      km = 0.0; kt = 0.0; last = -1
      for (j = 1; j <= np[tg]; j++) {
        p = post[tg, j]
        if (t - d - p <= 1e-6) break
        kt = (last < 0 ? 0 : kt * exp((last - p) / 20.0)) + 1.0; last = p
      }
      if (last >= 0) km = kt * exp((last - (t - d)) / 20.0)
      ww = dep(ww, km)
      err = ww - got; if (err < 0) err = -err
      if (err > worst) worst = err
      if (err > 1e-9 * (ww > 1 ? ww : 1)) { printf "synapse %s at %s ms: recorded %.17g, the rule gives %.17g\n", key, $5, got, ww; bad++ }
      if ((key in seen) && $1 == $3 && got <= w[key]) { printf "synapse %s at %s ms: pre before post but %.17g -> %.17g\n", key, $5, w[key], got; bad++ }
      if (!(key in seen) && $1 == 0 && $3 == 2) first02 = got
      seen[key] = 1
      kp[key] = kp[key] * exp((tl[key] - t) / 20.0) + 1.0; tl[key] = t; w[key] = got; rows++
    }
    END {
      printf "%d rows over %d synapses follow the rule (largest difference %.3g); first 0->2 weight %s\n", rows, nsyn, worst, first02
      if (rows == 0 || bad > 0) exit 1
      if (expect_dep && !(first02 != "" && first02 < 15.0)) { print "the first 0->2 spike (post before pre) did not depress"; exit 1 }
    }' "$2" "$1"
}

for cfg in config.simulation_iclamp.json config.simulation_virtual.json; do
  for t in 1 2; do
    "$cadenza" run "$cfg" --output-dir "$tmp/$cfg.t$t" --threads $t --no-progress -q > "$tmp/log" 2>&1 ||
      { cat "$tmp/log"; exit 1; }
  done
  out="$tmp/$cfg.t1"
  awk 'NR > 1 {
         want["0 0"] = 0; want["0 2"] = 1; want["1 1"] = 2; want["1 2"] = 3
         key = $1 " " $3
         if (!(key in want) || $8 != want[key]) { printf "synapse %s has port %s, NEST numbers it %s\n", key, $8, want[key]; bad++ }
         if ($5 !~ /^[0-9]+\.[0-9][0-9]?[0-9]?$/) { printf "time_ms %s is not NEST'"'"'s 3-decimal value in its shortest form\n", $5; bad++ }
       }
       END { exit bad > 0 }' "$out/stdp_weights.csv" || { echo "$cfg: ports or times differ from BMTK's"; exit 1; }
  if [ -n "$mpiexec" ]; then
    "$mpiexec" --oversubscribe -np 2 "$cadenza" run "$cfg" --output-dir "$tmp/$cfg.r2" --no-progress -q > "$tmp/log" 2>&1 ||
      { cat "$tmp/log"; exit 1; }
    cmp "$out/stdp_weights.csv" "$tmp/$cfg.r2/stdp_weights.csv" || { echo "$cfg: 2 ranks wrote another weight table"; exit 1; }
  fi
  head -n 1 "$out/stdp_weights.csv" | grep -qx "source_node_id source_population target_node_id target_population time_ms weights receptors ports" ||
    { echo "$cfg: unexpected weight table header"; exit 1; }
  # one row per source spike per synapse: sources 0 and 1 have 2 synapses each (onto their own target and target 2)
  for s in 0 1; do
    spikes=$(awk -v s=$s '$2 == "sources" && $3 == s' "$out/spikes.csv" | wc -l)
    rows=$(awk -v s=$s 'NR > 1 && $1 == s' "$out/stdp_weights.csv" | wc -l)
    [ "$rows" -eq $((2 * spikes)) ] || { echo "$cfg: source $s fired $spikes times but has $rows weight rows"; exit 1; }
  done
  echo -n "$cfg: "
  # with current clamps, source 1 fires first and makes target 2 fire before source 0 does
  expect_dep=0
  [ "$cfg" = config.simulation_iclamp.json ] && expect_dep=1
  replay "$out/stdp_weights.csv" "$out/spikes.csv" $expect_dep || exit 1
  cmp "$out/stdp_weights.csv" "$tmp/$cfg.t2/stdp_weights.csv" || exit 1
done
echo "1 and 2 threads${mpiexec:+ and 2 ranks} write the same weight tables, with NEST's ports and times"
