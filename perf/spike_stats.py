"""Statistics of a Brunel run, to show two simulators simulate the same thing.

    /usr/bin/python3 perf/spike_stats.py SPIKES N_E TSTOP_MS [T0_MS]

SPIKES is a Cadenza spikes.h5 (population "brunel") or a Brian2 .npz written by
perf/brian2_brunel.py. Prints one JSON line: mean rate of the excitatory (ids < N_E) and
inhibitory neurons (Hz), the mean coefficient of variation of the interspike intervals over
neurons with at least 3 spikes, and the Fano factor of the population spike count in 1 ms
bins (near 1 for asynchronous firing, large for synchrony), all over (T0, TSTOP]
(T0 default 100 ms, to skip the start).
"""
import json
import sys

import numpy as np


def load(path):
    if path.endswith(".npz"):
        d = np.load(path)
        return d["t"], d["i"].astype(np.int64)
    import h5py
    with h5py.File(path, "r") as f:
        g = f["spikes"]["brunel"]
        return g["timestamps"][()], g["node_ids"][()].astype(np.int64)


def main():
    path, n_e, tstop = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    t0 = float(sys.argv[4]) if len(sys.argv) > 4 else 100.0
    t, i = load(path)
    sel = (t > t0) & (t <= tstop)
    t, i = t[sel], i[sel]
    n = int(max(i.max() + 1 if len(i) else 0, n_e))
    secs = (tstop - t0) / 1000.0
    counts = np.bincount(i, minlength=n)
    n_i = max(n - n_e, 1)
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    cvs = []
    starts = np.searchsorted(i, np.arange(n))
    ends = np.searchsorted(i, np.arange(n), side="right")
    for a, b in zip(starts, ends):
        if b - a >= 3:
            isi = np.diff(t[a:b])
            cvs.append(isi.std() / isi.mean())
    bins = np.histogram(t, bins=np.arange(t0, tstop + 1e-9, 1.0))[0]
    print(json.dumps({"rate_e_hz": counts[:n_e].sum() / n_e / secs,
                      "rate_i_hz": counts[n_e:].sum() / n_i / secs,
                      "cv_isi": float(np.mean(cvs)) if cvs else float("nan"),
                      "fano_1ms": float(bins.var() / bins.mean()) if bins.mean() > 0 else float("nan"),
                      "spikes": int(len(t))}))


if __name__ == "__main__":
    main()
