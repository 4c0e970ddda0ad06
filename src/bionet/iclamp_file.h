/* BioNet's current clamp from a file (module IClamp, input_type csv, file, nwb or allen;
 * inputs-spec.md §7):
 * a table of timestamps (ms) and amplitudes (nA) played into one IClamp per cell, as BMTK
 * plays it into NEURON: the amplitude vector every idt ms from t = 0 (the rows must be evenly
 * spaced); a table that starts at idt gets a 0 nA row at 0, one that starts elsewhere is
 * resampled on the greatest common divisor of the whole-ms idt and first time, as BMTK does
 * (so times that are not whole ms are cut to whole ms, with a warning). The clamp is on from 0
 * to the last time, one played step more (the resampled step where the table was resampled)
 * when the last amplitude is not 0 (warned, as in BMTK).
 *
 * Keys: file (required), separator (" " or a tab; default " "), timestamps_column
 * ("timestamps"), amplitudes_column ("amps"); the location keys of every IClamp.
 *
 * An Allen Cell Types sweep (nwb, allen; core/stimulus/current_clamp.h reads it) is played
 * the same way, its samples every idt ms from t = 0; "delay" does not shift it but switches
 * the clamp on, which then stays on for n idt 1000 ms (in effect to the end), as in BMTK 1.0.8;
 * a delay other than 0 is warned about. */
#ifndef CZ_BIONET_ICLAMP_FILE_H
#define CZ_BIONET_ICLAMP_FILE_H

#include <stdbool.h>
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
/* Whether block b's clamp is read from a file (csv, file, nwb, allen), or from a sweep (nwb,
 * allen). */
bool cz_bio_played_is_file(const cz_cfg_block *b);
bool cz_bio_played_is_sweep(const cz_cfg_block *b);

#endif
