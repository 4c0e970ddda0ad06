#!/usr/bin/env bash
# point_iclamp's NWB current-clamp config, run as it is: its folder is rebuilt in a temporary
# place (the config files copied, the network and components linked) with a made-up Allen
# ephys file in place of inputs/483111427_ephys.nwb, which the shared data lacks. Sweep 55
# holds a 1e-7 A step from 0.5 s to 1.5 s sampled at 200 kHz; BMTK's reading (x 1e9, every
# round(0.01 / 5e-6) = 2000th sample, i.e. every 10 ms) makes that a 100 pA step from 500 to
# 1500 ms, and the recorded cells must follow the closed-form response of iaf_psc_delta to
# it (report_check clamp) and stay silent.
#   iclamp_nwb.sh CADENZA REPORT_CHECK SPIKES_COMPARE NWB_SWEEP
set -u
cadenza=$1 report_check=$2 compare=$3 nwb_sweep=$4
data=${CADENZA_TEST_DATA:-${CADENZA_TEST_DATA_DEFAULT:-}}
src="$data/bmtk/examples/point_iclamp"
if [ ! -f "$src/config.simulation_iclamp.nwb.json" ]; then echo "shared data not found ($src): skipped"; exit 77; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_nwb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/point_iclamp/inputs"
cp "$src/config.simulation_iclamp.nwb.json" "$src/config.circuit.json" "$tmp/point_iclamp/"
ln -s "$src/network" "$tmp/point_iclamp/network"
ln -s "$data/bmtk/examples/point_components" "$tmp/point_components"
"$nwb_sweep" "$tmp/point_iclamp/inputs/483111427_ephys.nwb" Sweep_55 200000 2.0 1e-7 0.5 1.5 || exit 1
cd "$tmp/point_iclamp" || exit 1
"$cadenza" check config.simulation_iclamp.nwb.json -o "$tmp/check" > "$tmp/check.log" || { cat "$tmp/check.log"; exit 1; }
"$cadenza" run config.simulation_iclamp.nwb.json --tstop 2000 --no-progress -q || exit 1
"$compare" --validate output/spikes.h5 --tstop 2000 || exit 1
n=$(tail -n +2 output/spikes.csv | wc -l)
[ "$n" -eq 0 ] || { echo "expected no spikes from a 100 pA step, got $n"; exit 1; }
for node in 0 20 60 80 100; do
  "$report_check" clamp output/membrane_potential.h5 cortex $node -70 250 10 100 500 1000 0.01 || exit 1
done
echo "NWB sweep 55 drives the 5 recorded cells as a 100 pA step from 500 to 1500 ms"
