/* Writing a generated edge population ordered by target, by all MPI ranks together: each
 * rank takes a consecutive range of targets holding about its share of the edges, draws each
 * target's edges with the caller's function (which must depend only on the target, so that
 * the file is the same bytes for any number of ranks), and writes them with collective
 * parallel-HDF5 writes in rounds of bounded size. Rank 0 then adds the target_to_source
 * index (target t owns edges [off[t], off[t + 1])) and the node_population attributes. */
#ifndef CZ_TOOLS_GEN_EDGES_H
#define CZ_TOOLS_GEN_EDGES_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_gen_edges {
  const char *dir, *file;       /* the folder, and the file relative to it */
  const char *pop;              /* edge population name */
  const char *source_pop, *target_pop;
  uint64_t n_targets;
  const uint64_t *edge_off;     /* [n_targets + 1] first edge of each target */
  bool per_edge_synapse;        /* syn_weight and delay datasets in group 0 (else from the types) */
  /* Fills target t's edges: sources (node ids), edge type ids, and weights and delays when
   * per edge (else w and d are NULL). */
  void (*draw)(const void *ctx, uint64_t t, uint64_t *src, uint32_t *type, double *w, double *d);
  const void *ctx;
} cz_gen_edges;

/* Writes the file. Collective (every rank calls it with the same description). */
cz_status cz_gen_write_edges(const cz_gen_edges *g);

#endif
