/* One process's share of a scan over every edge. Part `part` of nparts reads rows
 * [n * part / nparts, n * (part + 1) / nparts) of each enabled edge population of n edges, in
 * bounded chunks, so the parts together see every edge exactly once and no part holds more
 * than a chunk. With mpi_comm (a pointer to an MPI_Comm, borrowed) every process of the
 * communicator opens the files and reads collectively: all call the scan with the same config,
 * part = their rank and nparts = the communicator's size. agree (may be NULL) is called with
 * the outcome of opening each file and must return the worst outcome over all parts (a
 * collective), so that a file one part cannot open stops every part before the first
 * collective read. */
#ifndef CZ_IO_EDGE_SCAN_H
#define CZ_IO_EDGE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

struct cz_circuit;
struct cz_config;

typedef struct cz_edge_scan {
  int part, nparts;
  const void *mpi_comm;
  cz_status (*agree)(cz_status local);
  /* n edges of one population, in file order: edge k joins source_row[k] to target_row[k] */
  void (*visit)(void *ctx, uint32_t source_pop, uint32_t target_pop, const uint32_t *source_row,
                const uint32_t *target_row, size_t n);
  void *ctx;
} cz_edge_scan;

/* Calls scan->visit for every chunk of edges of this part's share, with the rows of both ends
 * (both checked against their populations). Only the node ids are read; edge types and
 * synapse parameters are not. An edge naming a missing node ends the visits (the edges before
 * it in its chunk are visited; the error is returned) but not the reads, so a collective scan
 * never leaves other parts waiting. */
cz_status cz_circuit_scan_edges(const struct cz_circuit *c, const struct cz_config *cfg, const cz_edge_scan *scan);
/* The number of edges of the enabled edge populations, from the shapes of their
 * source_node_id datasets (nothing else is read or checked). */
cz_status cz_circuit_count_edges(const struct cz_config *cfg, uint64_t *total);

#endif
