#!/usr/bin/env bash
# `cadenza stats` on a generated microcircuit (scale 0.02, groups L23E .. L6I by pop_name):
#  - hand-made spikes (CSV) give the rates, ISI CVs and count correlations worked out by hand,
#    both ends of the window included, silent pairs null;
#  - a real run's rates add up to its spikes in the window (counted in the h5 file);
#  - bad input is one clear error with the right exit code, and existing results are kept
#    unless --overwrite;
#  - `stats ks`: equal folders are 0 apart; reference files with Python's NaN are read; a
#    folder whose rates are scaled is outside the references' spread, exit 1 under --check.
#   stats.sh CADENZA
set -u
cadenza=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cz_stats.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# shellcheck source=tests/regression/expect.sh
. "$(dirname "$0")/expect.sh"
"$cadenza" generate microcircuit --scale 0.02 --tstop 300 "$tmp/net" > /dev/null || fail "generate"
cfg=$tmp/net/config.json

# --- hand-made spikes: nodes 0..3 are L23E (the first population of the nodes file)
cat > "$tmp/hand.csv" <<'EOF'
timestamps population node_ids
10 cortex 0
20 cortex 0
30 cortex 0
40 cortex 0
10 cortex 1
30 cortex 1
35 cortex 1
100 cortex 2
0 cortex 3
200 cortex 3
250 cortex 3
EOF
expect 0 "$cadenza" stats "$cfg" --spikes "$tmp/hand.csv" --tmin 0 --tmax 200 --cc-neurons 100000 -o "$tmp/hand"
python3 - "$tmp/hand" <<'EOF' || fail "hand-made spikes"
import json, math, sys
d = sys.argv[1]
rates = json.load(open(d + "/rates.json"))
cvs = json.load(open(d + "/spike_cvs.json"))
ccs = json.load(open(d + "/spike_ccs.json"))
assert list(rates) == ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"], list(rates)
l23e = rates["L23E"]
# 4, 3, 1 and 2 spikes in [0, 200] ms (0 and 200 count, 250 does not)
assert l23e[:4] == [20.0, 15.0, 5.0, 10.0], l23e[:5]
assert sum(sum(v) for v in rates.values()) == 50.0
assert sum(len(v) for v in rates.values()) > 400
# ISI CVs: node 0 regular, node 1 intervals 20 and 5; nodes 2 and 3 have too few spikes
assert cvs["L23E"] == [0.0, 0.6] and all(not v for k, v in cvs.items() if k != "L23E"), cvs["L23E"]
# every L23E neuron is drawn, in order: pairs (0,1), (0,2), (0,3), (0,4), ...
n = len(l23e)
cc = ccs["L23E"]
assert len(cc) == n * (n - 1) // 2, (len(cc), n)
# 100 bins of 2 ms: node 0 in bins 5, 10, 15, 20; node 1 in 5, 15, 17; node 2 in 50
want01 = (100 * 2 - 4 * 3) / math.sqrt((100 * 4 - 16) * (100 * 3 - 9))
want02 = (100 * 0 - 4 * 1) / math.sqrt((100 * 4 - 16) * (100 * 1 - 1))
assert abs(cc[0] - want01) < 1e-12 and abs(cc[1] - want02) < 1e-12, cc[:3]
assert cc[3] is None  # node 4 is silent
assert sum(x is not None for x in cc) == 6  # the pairs among nodes 0..3
EOF
echo "hand-made spikes: rates, CVs and correlations as worked out"

# --- a real run: the rates add up to the spikes of the window
"$cadenza" run "$cfg" -o "$tmp/run" --no-progress -q > /dev/null || fail "run"
expect 0 "$cadenza" stats "$cfg" --spikes "$tmp/run/spikes.h5" --tmin 100 --tmax 300 -o "$tmp/real"
grep -q "L6I" "$tmp/last.txt" || { cat "$tmp/last.txt"; fail "no summary printed"; }
h5dump -d /spikes/cortex/timestamps -y -w 1 "$tmp/run/spikes.h5" > "$tmp/ts.txt" 2> /dev/null || fail "h5dump"
inwin=$(tr -d ', ' < "$tmp/ts.txt" | awk '/^[0-9.eE+-]+$/ && $1 >= 100 && $1 <= 300' | wc -l)
[ "$inwin" -gt 100 ] || fail "the run fired only $inwin spikes in the window"
python3 - "$tmp/real" "$inwin" <<'EOF' || fail "real run"
import json, sys
rates = json.load(open(sys.argv[1] + "/rates.json"))
total = sum(sum(v) for v in rates.values()) * 0.2  # Hz over 200 ms -> spikes
assert abs(total - int(sys.argv[2])) < 1e-6, (total, sys.argv[2])
EOF
echo "real run: $inwin spikes in the window, as the rates add up"

# --- bad input, and existing results
expect 2 "$cadenza" stats "$cfg" --spikes "$tmp/run/spikes.h5" --group-by layer -o "$tmp/bad"
grep -q "layer" "$tmp/last.txt" && grep -q "config.json" "$tmp/last.txt" || { cat "$tmp/last.txt"; fail "unnamed attribute"; }
printf 'timestamps population node_ids\n5 cortex 999999\n' > "$tmp/stray.csv"
expect 2 "$cadenza" stats "$cfg" --spikes "$tmp/stray.csv" -o "$tmp/bad"
grep -q "stray.csv" "$tmp/last.txt" && grep -q "999999" "$tmp/last.txt" || { cat "$tmp/last.txt"; fail "unnamed node"; }
expect 2 "$cadenza" stats "$cfg" --spikes "$tmp/hand.csv" --tmin 300 --tmax 100 -o "$tmp/bad"
expect 2 "$cadenza" stats "$cfg" --spikes "$tmp/hand.csv" --bin 0 -o "$tmp/bad"
[ ! -e "$tmp/bad" ] || fail "a failed run left $tmp/bad"
cp "$tmp/hand/rates.json" "$tmp/rates.before"
expect 3 "$cadenza" stats "$cfg" --spikes "$tmp/run/spikes.h5" -o "$tmp/hand"
grep -q "overwrite" "$tmp/last.txt" || { cat "$tmp/last.txt"; fail "no hint at --overwrite"; }
cmp -s "$tmp/hand/rates.json" "$tmp/rates.before" || fail "results replaced without --overwrite"
ls -a "$tmp/hand" | grep -q "\.part$" && fail "part files left"
expect 0 "$cadenza" stats "$cfg" --spikes "$tmp/run/spikes.h5" -o "$tmp/hand" --overwrite
cmp -s "$tmp/hand/rates.json" "$tmp/rates.before" && fail "--overwrite kept the old results"
echo "bad input refused; results kept unless --overwrite"

# --- KS distances
cp -r "$tmp/real" "$tmp/same"
expect 0 "$cadenza" stats ks "$tmp/real" "$tmp/same"
rows=$(grep -cE '^(rate|cv|cc) ' "$tmp/last.txt")
zero=$(grep -E '^(rate|cv|cc) ' "$tmp/last.txt" | grep -cE ' 0\.0000 \+- 0\.0000 \(1\)|  - *$')
[ "$rows" -eq 24 ] && [ "$zero" -eq 24 ] || { cat "$tmp/last.txt"; fail "equal folders not 0 apart"; }
# three references: the run's statistics written the Python way (NaN), two with one value
# moved a little; ours with every rate ten times higher
python3 - "$tmp" <<'EOF' || fail "making references"
import json, sys
t = sys.argv[1]
import os
for i, shift in enumerate([0.0, 0.01, 0.02]):
    os.makedirs(f"{t}/ref{i}")
    for name in ("rates.json", "spike_cvs.json", "spike_ccs.json"):
        d = json.load(open(f"{t}/real/{name}"))
        d = {k: [float("nan") if x is None else x for x in v] for k, v in d.items()}
        for k in d:
            if d[k]:
                d[k][0] += shift
        open(f"{t}/ref{i}/{name}", "w").write(json.dumps(d))
os.makedirs(f"{t}/fast")
for name in ("rates.json", "spike_cvs.json", "spike_ccs.json"):
    d = json.load(open(f"{t}/real/{name}"))
    if name == "rates.json":
        d = {k: [10 * x for x in v] for k, v in d.items()}
    open(f"{t}/fast/{name}", "w").write(json.dumps(d))
EOF
grep -q NaN "$tmp/ref0/spike_ccs.json" || fail "the references hold no NaN to read"
expect 0 "$cadenza" stats ks "$tmp/real" --reference "$tmp/ref0" "$tmp/ref1" "$tmp/ref2" --check
[ "$(grep -c ' within$' "$tmp/last.txt")" -ge 16 ] && ! grep -q OUTSIDE "$tmp/last.txt" ||
  { cat "$tmp/last.txt"; fail "the run is not within references made of it"; }
expect 1 "$cadenza" stats ks "$tmp/fast" --reference "$tmp/ref0" "$tmp/ref1" "$tmp/ref2" --check
grep -q "^rate .*OUTSIDE" "$tmp/last.txt" || { cat "$tmp/last.txt"; fail "scaled rates not outside"; }
grep -q "^cc .*OUTSIDE" "$tmp/last.txt" && { cat "$tmp/last.txt"; fail "unchanged correlations called outside"; }
expect 2 "$cadenza" stats ks "$tmp/real" --reference "$tmp/ref0" --check
expect 2 "$cadenza" stats ks "$tmp/real" "$tmp/nothing"
echo "stats ks: equal folders 0 apart, NaN references read, scaled rates outside"
echo "PASS"
