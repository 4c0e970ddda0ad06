/* The extracellular potential report (module extracellular; bionet-spec.md §7.3,
 * reports-spec.md §8.2): the potential at each electrode of electrode_positions, the sum over
 * the recorded cells' segments of a line-source transfer times the segment's membrane
 * current after each step.
 *
 * Config: electrode_positions (required; a space-separated table with x_pos, y_pos, z_pos in
 * µm, one channel per row), cells (a node set) or cell_bounds ([lo, hi], gids inclusive),
 * minimum_distance (absent, 0 or null: none; "auto": each segment's radius; a number),
 * file_name (default "<block>.h5" under output_dir), contributions_dir (a folder, under
 * output_dir when relative, of one file per recorded cell named by its BMTK gid, "<gid>.h5",
 * holding only /ecp/data, float32: the cell's own potential; each rank writes its cells').
 * variable_name and electrode_channels are accepted and ignored, as BMTK ignores them (every
 * channel is written). Only biophysical cells contribute.
 *
 * Geometry: each recorded cell's segments (bionet/seg_shape.h) placed in the tissue
 * (bionet/cell_frame.h).
 * An electrode on a segment's axis inside it gives +inf without minimum_distance, as in BMTK;
 * it is warned about once per cell.
 *
 * Determinism. A cell's contribution to a channel is summed over its segments in a fixed
 * order. The cells' contributions are then added as fixed-point integers (three 40-bit limbs:
 * units of 1 mV, 2^-40 and 2^-80 mV), whose sum does not depend on the order, so threads and
 * ranks add them up in any grouping (the ranks with one integer reduction per block) and the
 * file is the same bit for bit whatever the decomposition. A contribution of 2^40 mV or more,
 * or not finite, is counted as an infinity of its sign (NaN for NaN); an infinity of each
 * sign makes NaN. Rows are buffered in blocks as the membrane reports are and written by
 * rank 0 (io/ecp_out.h). */
#ifndef CZ_BIONET_ECP_H
#define CZ_BIONET_ECP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/step.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_bio_ecp cz_bio_ecp;

/* Checks the extracellular blocks of cfg (keys, electrode file) without cells. Local. */
cz_status cz_bio_ecp_check(const cz_config *cfg);
/* Resolves the enabled extracellular blocks (is_cell[gid]: a detailed cell). Owned (*out;
 * empty without such a block). Local. */
cz_status cz_bio_ecp_create(const cz_config *cfg, const cz_circuit *c, const size_t *pop_offset, const uint8_t *is_cell,
                            int nthreads, cz_bio_ecp **out);
/* Whether any block records anything (the threads must keep their cells' shapes and
 * membrane currents). */
bool cz_bio_ecp_any(const cz_bio_ecp *e);
/* Thread tid simulates gid (node pop, row of c) as cell `cell` of th (built with shapes): the
 * blocks that record it compute its transfers. Local; before cz_bio_ecp_open. */
cz_status cz_bio_ecp_bind(cz_bio_ecp *e, const cz_circuit *c, size_t pop, size_t row, size_t gid, int tid,
                          const cz_bio_thread *th, size_t cell);
/* Creates the files (rank 0) for the run on tg. Collective. */
cz_status cz_bio_ecp_open(cz_bio_ecp *e, const cz_timegrid *tg, bool leader);
/* Thread tid after step u (its th->i_m current). */
void cz_bio_ecp_sample(cz_bio_ecp *e, int tid, int64_t u);
/* After the steps before t1 on every thread: reduces and writes the buffered rows when a
 * block is full or the run ends. Collective. */
cz_status cz_bio_ecp_epoch_end(cz_bio_ecp *e, int64_t t1);
/* Closes the files; complete renames them into place. Always frees. Collective. */
cz_status cz_bio_ecp_close(cz_bio_ecp **e, bool complete);

#endif
