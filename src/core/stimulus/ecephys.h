/* The ecephys_probe spike input (inputs-spec.md §5): the sorted units of NWB 2 files
 * (io/nwb_units.h) played by the virtual nodes of a node set, in both engines.
 *
 * Keys of the block: node_set (required); input_file, a path or a list of paths (relative
 * ones against the folder of the config that holds the block); mapping, one of units_map,
 * sample, sample_without_replacement, sample_with_replacement (any case); units; interval;
 * interval_offset (ms, default 0); missing_ids, fail (default) or warn; cache (accepted,
 * without effect); seed (Cadenza's extension: the integer in [0, 2^32) that seeds sampling,
 * default 0).
 *
 * The map from node ids to units (node ids only: the same id in two populations plays the
 * same unit, as in BMTK):
 *  - units_map: units is a space-separated csv with columns node_ids and unit_ids, and
 *    optionally start_times and stop_times (ms, both or neither): a per-unit window that
 *    replaces the default one. A node id listed twice keeps its last line; a unit listed twice
 *    with two different windows is an error (BMTK's lookup by unit breaks there). The unit of
 *    a node that plays must be in the units of the files.
 *  - sample*: units is absent or a dict of filters over the units joined with their
 *    electrodes (each key a column: a string compares ==, a list means "one of", a dict
 *    {column?, operation, value} with operation one of == != < <= > >=, any other scalar ==;
 *    all ANDed; a column no table has is an error). The filtered units of all files, in file
 *    then row order, are drawn for the node set's node ids (populations in load order, rows
 *    ascending) as numpy's RandomState(seed).choice(units, len(nodes), replace) draws them
 *    (base/mt19937.h): BMTK draws unseeded, so only a user seeding numpy alike gets the same map.
 *    Without replacement and fewer units than nodes: missing_ids fail is an error, warn maps
 *    the first len(units) nodes only.
 * Unit ids must be unique over the files.
 *
 * Windows (seconds): interval is absent (no window), [t0, t1] in ms, a dict {interval_name,
 * interval_index ("all", the default, or a row number, negative from the end), column
 * filters...} over /intervals/<interval_name>[_presentations] of each file (rows matching
 * the filters; "all": the earliest start_time to the latest stop_time; no row: [0, inf)), or
 * a list of these, one for every file or a single one for all. A node's spike times t (s) are
 * kept when w0 <= t <= w1 and become (t - w0 + interval_offset / 1000) * 1000 ms; without a
 * window t * 1000. The arithmetic is BMTK's, operation for operation: list intervals and the
 * offset are divided by 1000, per-unit windows multiplied by 1/1000.0.
 *
 * Which nodes play (BMTK's PointNet and BioNet modules): every node of each population that
 * the node set selects (such a population must be purely virtual), unless the population is
 * already driven by another spike input, which in BMTK always comes first (its VirtualCells in
 * BioNet, its spike generators in PointNet, made before ecephys_probe's at run start): a
 * sonata/csv/nwb/h5 spikes block anywhere in inputs, or an earlier ecephys_probe block. Such a
 * population keeps those spikes (logged). A node that plays and has no unit: missing_ids fail
 * is an error naming it, warn gives it no spikes (one warning per population). Unlike BMTK's
 * BioNet, which asks only for the nodes with edges onto its rank's cells, every node of the
 * population is judged, so the outcome does not depend on the ranks. */
#ifndef CZ_CORE_STIMULUS_ECEPHYS_H
#define CZ_CORE_STIMULUS_ECEPHYS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/spike_input.h"

typedef struct cz_ecephys cz_ecephys;

/* Whether an input block is an ecephys_probe input (dispatch is on the module, as BMTK's). */
bool cz_input_is_ecephys(const cz_cfg_block *b);

/* Reads block b of cfg against circuit c: its keys, NWB files, windows, node set and map.
 * Errors name the config, inputs.<name> and the key, or the file and dataset. The block may be
 * outside cfg->inputs (then no other input is taken to drive its populations). Owned
 * (cz_ecephys_destroy). Local; HDF5 is read: one thread. */
cz_status cz_ecephys_open(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, cz_ecephys **out);
void cz_ecephys_destroy(cz_ecephys **e);

/* Whether the block plays the nodes of population pop (index into c->nodes). */
bool cz_ecephys_drives(const cz_ecephys *e, size_t pop);

/* The trains (ms) of every node of population pop, sorted by (node id, time); empty when the
 * block does not drive pop. Owned (*out). Local; one thread. */
cz_status cz_ecephys_trains(cz_ecephys *e, size_t pop, cz_spike_trains **out);

#endif
