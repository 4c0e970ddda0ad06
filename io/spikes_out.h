/* Spike output files as BMTK writes them (sonata-spec 4.1, 4.2).
 *
 * spikes.h5: root attributes magic (uint32 0x0A7A) and version ([0, 1]); one group
 * /spikes/<population> per population that has spikes, with a variable-length string
 * attribute "sorting" (none | by_id | by_time), datasets timestamps (float64, attribute
 * units = "ms") and node_ids (uint64); an empty run gives just /spikes.
 * spikes.csv: header "timestamps population node_ids", one spike per line, timestamps in the
 * shortest text that reads back to the same double (Python repr).
 * Sorting: by_time orders by (timestamp, population, node_id); by_id by (population, node_id,
 * timestamp); none keeps (population, timestamp, node_id) so output is still deterministic.
 * Crash safety: each file is written as "<name>.part" in the same folder and renamed over
 * the final name only when complete, so an interrupted run never leaves a final-looking
 * half-written file. */
#ifndef CZ_IO_SPIKES_OUT_H
#define CZ_IO_SPIKES_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/config.h"

/* All spikes of a run, in any order. pop[i] indexes pop_names. */
typedef struct cz_spike_table {
  size_t n;
  uint32_t *pop;        /* [n] */
  uint64_t *node_ids;   /* [n] */
  double *timestamps;   /* [n] ms */
  size_t npops;
  const char **pop_names; /* [npops], borrowed */
} cz_spike_table;

/* Sorts the table in place by the given order (see the file comment). */
cz_status cz_spikes_sort(cz_spike_table *t, cz_sort_order order);

/* Writes the h5 file (path) from a sorted table. compress: gzip datasets. */
cz_status cz_spikes_write_h5(const char *path, const cz_spike_table *t, cz_sort_order order, bool compress);
/* Writes the h5 file together with the other ranks of the MPI communicator *mpi_comm
 * (collective; NULL: this process alone). t holds this rank's slice of the sorted spikes:
 * for every population p, this rank's spikes of p come at offset[p] of total[p] in the file
 * (NULL arrays: the table is everything). Exactly one rank passes commit, to rename the
 * finished file into place. The bytes do not depend on how the spikes are split. */
cz_status cz_spikes_write_h5_slices(const char *path, const cz_spike_table *t, const uint64_t *total,
                                    const uint64_t *offset, cz_sort_order order, bool compress, const void *mpi_comm,
                                    bool commit);
/* Writes the CSV file (path) from a sorted table. */
cz_status cz_spikes_write_csv(const char *path, const cz_spike_table *t);

/* Formats v as Python's repr(v) does ("100.0", "0.1", "1e-05", "579.9000000001204"): the
 * shortest digits that read back to v. Writes at most n bytes (32 always suffice) and
 * returns the length of the full text. */
size_t cz_spikes_format_time(double v, char *buf, size_t n);

#endif
