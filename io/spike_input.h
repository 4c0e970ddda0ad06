/* Spike trains that drive virtual populations (sonata-spec 3.6).
 *
 * Formats: SONATA h5 (/spikes/<pop>/{timestamps,node_ids}; "sorting" may sit on the group
 * or on node_ids), legacy h5 (/spikes/gids + /spikes/timestamps, no population), an h5 with
 * an empty /spikes, NWB 1 (/processing/<trial>/spike_train/<node_id>/data, one unnamed
 * population; the trial must be named when the file has several), and CSV (space-separated; header with timestamps, node_ids and optional
 * population in any order; without a header the columns are timestamps then node_ids).
 * Population choice: a file population with the requested name is used; otherwise, when the
 * file has a single population (or is legacy / has no population column) that one is used
 * (BMTK ignores the name); otherwise it is CZ_ERR_FORMAT naming the file and the populations
 * it has. Timestamps must be finite. */
#ifndef CZ_IO_SPIKE_INPUT_H
#define CZ_IO_SPIKE_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* Spikes of one population, sorted by (node_id, timestamp). */
typedef struct cz_spike_trains {
  size_t n;
  uint64_t *node_ids;  /* [n] */
  double *timestamps;  /* [n], ms */
} cz_spike_trains;

/* Reads the spikes of population pop from path; module is the config's "module" ("sonata",
 * "h5", "hdf5", "csv", "nwb"; NULL = guess from the extension). Owned (*out). */
cz_status cz_spike_input_read(const char *path, const char *module, const char *pop,
                              cz_spike_trains **out);
/* The same with an NWB trial (NULL: the file's only one). */
cz_status cz_spike_input_read_trial(const char *path, const char *module, const char *pop, const char *trial,
                                    cz_spike_trains **out);
void cz_spike_trains_destroy(cz_spike_trains **t);

/* The populations of a spike file: the groups under /spikes of a SONATA h5 file, or one
 * unnamed population ("") for a legacy h5, an empty h5 or a CSV file. Owned (*names;
 * cz_spike_input_free_names). */
cz_status cz_spike_input_populations(const char *path, char ***names, size_t *n);
void cz_spike_input_free_names(char **names, size_t n);

#endif
