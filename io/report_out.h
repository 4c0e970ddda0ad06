/* Membrane and compartment reports in the SONATA layout (sonata-spec 4.3), written during a
 * run by one process (the engine's rank 0) or by all ranks of a communicator.
 *
 * A node reports one or more elements (the compartments of a detailed cell, a point neuron's
 * single value), each a column of the data. Per population with recorded elements:
 *   /report/<pop>/data                     float64 [rows, elements], attributes variable, units
 *   /report/<pop>/mapping/node_ids         uint64 [nodes], ascending
 *   /report/<pop>/mapping/index_pointer    uint64 [nodes + 1]: node i's elements are the
 *                                          columns [index_pointer[i], index_pointer[i + 1])
 *                                          (BMTK's name)
 *   /report/<pop>/mapping/index_pointers   the same (the name of the SONATA spec and libsonata)
 *   /report/<pop>/mapping/element_ids      uint64 [elements] (a point neuron's: 0)
 *   /report/<pop>/mapping/element_pos      float64 [elements] (a point neuron's: 0.0)
 *   /report/<pop>/mapping/src_ids, trg_ids int64 [elements], for synapse reports only
 *   /report/<pop>/mapping/time             float64 [3] = first row time, last row time, step;
 *                                          attribute units = "ms"
 * and the root attributes magic and version of the spikes file. Row r holds the samples at
 * time[0] + r * time[2] (PointNet's convention: both ends included).
 *
 * Crash safety. Everything but the samples is written and flushed when the file is created,
 * and the data dataset is allocated then, so later writes change raw data only: a run killed
 * at any moment leaves a file that HDF5 opens. time[1] records progress: after each block of
 * rows is written and flushed, time[1] becomes the time of its last row (time[0] - step while
 * no block is complete), and is flushed in turn; rows past time[1] may be unwritten. The file
 * is "<name>.part" until the run completes, then renamed. With a communicator every call is
 * collective, and one process or N ranks write the same bytes. */
#ifndef CZ_IO_REPORT_OUT_H
#define CZ_IO_REPORT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* One population's mapping (all borrowed). The element arrays may be NULL together: one
 * element per node, id 0 at position 0.0 (a point neuron). */
typedef struct cz_report_pop {
  const char *name;
  size_t n;                      /* recorded nodes (0, or 0 elements: the population is left out) */
  const uint64_t *node_ids;      /* [n], ascending */
  const uint64_t *index_pointer; /* [n + 1]: 0, then non-decreasing; NULL: 0, 1, .., n */
  const uint64_t *element_ids;   /* [index_pointer[n]]; NULL: zeros */
  const double *element_pos;     /* [index_pointer[n]]; NULL: zeros */
  const int64_t *src_ids;        /* [index_pointer[n]] or NULL: synapse reports' source and target */
  const int64_t *trg_ids;        /*   gids (mapping/src_ids, mapping/trg_ids, BMTK's netcon layout) */
} cz_report_pop;

typedef struct cz_report_spec {
  const char *path;      /* final file name */
  const char *variable;  /* e.g. "V_m" */
  const char *units;     /* e.g. "mV" */
  size_t npops;
  const cz_report_pop *pops;
  double t_first, step;  /* time of row 0 and between rows, ms */
  size_t nrows;
} cz_report_spec;

typedef struct cz_report_out cz_report_out;

/* Creates <path>.part with every dataset allocated and the mapping written, and flushes it.
 * mpi_comm: pointer to an MPI_Comm (borrowed) or NULL; leader: this process renames the file
 * at the end (one rank of the communicator). Owned (*out). Collective. */
cz_status cz_report_create(const cz_report_spec *spec, const void *mpi_comm, bool leader, cz_report_out **out);
/* Writes rows [row0, row0 + nrows) of this rank's columns of population p: cols are
 * ascending element columns of that population (with one element per node, indices into its
 * node_ids), data is [nrows][ncols] row-major. Collective: every rank calls it for every
 * population, with the same rows. */
cz_status cz_report_write(cz_report_out *r, size_t p, size_t row0, size_t nrows, const uint64_t *cols, size_t ncols,
                          const double *data);
/* Declares every row up to the one at time `last` complete: flush, record last in time[1],
 * flush. Collective. */
cz_status cz_report_commit_rows(cz_report_out *r, double last);
/* Closes the file; when complete, the leader renames it into place. Always frees. Collective. */
cz_status cz_report_close(cz_report_out **r, bool complete);
/* The final path of the file (borrowed). */
const char *cz_report_path(const cz_report_out *r);

#endif
