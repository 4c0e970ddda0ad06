/* The comsol input (module comsol; inputs-spec.md §4): an extracellular potential computed in
 * COMSOL (io/comsol.h) imposed on every detailed cell, as BMTK's comsol module imposes it.
 *
 * Space: each segment's centre, placed in the tissue (bionet/cell_frame.h), takes the
 * potential of the export's nearest node (ip_method "NN", the default; "L" is refused).
 * Time: a stationary export (with "waveform", a tab-separated table of time and amplitude)
 * scales the node's potential by the waveform interpolated linearly (clamped at both ends) at
 * k + 1, where the waveform's time column counts steps, not ms, as in BMTK 1.0.8; a
 * time-dependent export (no waveform) is interpolated linearly onto the steps t0 + j dt and
 * read at j = k + 1. k is the step count modulo the period: the waveform's last time (whole
 * steps), or the export's last time in steps (truncated). Both are multiplied by "amplitude"
 * (default 1). After step n the potential for k = n mod period is set, and it acts during step
 * n + 1 (step 0 runs without it), through the cable's vext (bionet/cable.h).
 *
 * As in BMTK, node_set is ignored (every detailed cell gets the field; a node set other than
 * "all" is warned about); "cells", a second comsol block, set_nrn_mechanisms false and
 * ip_method "L" are refused. A segment that lands on a node whose potential is NaN stops the
 * run, naming the cell and the node's line. */
#ifndef CZ_BIONET_COMSOL_H
#define CZ_BIONET_COMSOL_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/step.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_bio_comsol cz_bio_comsol;

/* Checks cfg's comsol blocks (keys, the export and the waveform). Local. */
cz_status cz_bio_comsol_check(const cz_config *cfg);
/* The field of cfg's enabled comsol block; *out NULL without one. Owned (cz_bio_comsol_free).
 * Local. */
cz_status cz_bio_comsol_create(const cz_config *cfg, int nthreads, cz_bio_comsol **out);
/* Thread tid simulates node row of np as cell `cell` of th (built with shapes): maps its
 * segments onto the export. Local. */
cz_status cz_bio_comsol_bind(cz_bio_comsol *f, const cz_node_pop *np, size_t row, int tid, cz_bio_thread *th,
                             size_t cell);
/* After thread tid's cells are bound: its cable takes an extracellular potential. Local. */
cz_status cz_bio_comsol_ready(cz_bio_comsol *f, int tid, cz_bio_thread *th);
/* Before step u of thread tid: the potential of its segments during that step. */
void cz_bio_comsol_apply(cz_bio_comsol *f, int tid, cz_bio_thread *th, int64_t u);
void cz_bio_comsol_free(cz_bio_comsol **f);

#endif
