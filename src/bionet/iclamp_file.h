/* BioNet's current clamp from a file (module IClamp, input_type csv or file; inputs-spec.md §7):
 * a table of timestamps (ms) and amplitudes (nA) played into one IClamp per cell, as BMTK
 * plays it into NEURON: the amplitude vector every idt ms from t = 0 (the rows must be evenly
 * spaced); a table that starts at idt gets a 0 nA row at 0, one that starts elsewhere is
 * resampled on the greatest common divisor of the whole-ms idt and first time, as BMTK does
 * (so times that are not whole ms are cut to whole ms, with a warning). The clamp is on from 0
 * to the last time, one idt more when the last amplitude is not 0 (warned, as in BMTK).
 *
 * Keys: file (required), separator (" " or a tab; default " "), timestamps_column
 * ("timestamps"), amplitudes_column ("amps"); the location keys of every IClamp. */
#ifndef CZ_BIONET_ICLAMP_FILE_H
#define CZ_BIONET_ICLAMP_FILE_H

#include <stddef.h>

#include "base/status.h"
#include "io/config.h"

typedef struct cz_bio_played {
  double *amps; /* [n] nA, played every idt ms from 0 */
  size_t n;
  double idt, del, dur; /* ms */
} cz_bio_played;

/* The played clamp of input block b. Errors name the block and the file. Owned
 * (cz_bio_played_free). Local. */
cz_status cz_bio_played_read(const cz_config *cfg, const cz_cfg_block *b, cz_bio_played *out);
void cz_bio_played_free(cz_bio_played *p);

#endif
