/* A SONATA edges file of one population, written by one process: BMTK's save_synapses layout
 * (reports-spec.md §6):
 *   /edges/<pop>/source_node_id, target_node_id  uint64 [E], attribute node_population
 *   /edges/<pop>/edge_type_id uint32, edge_group_id uint16, edge_group_index uint64 [E]
 *   /edges/<pop>/0/syn_weight float64, 0/sec_id uint64, 0/sec_x float64 (group 0 edges)
 *   /edges/<pop>/1/syn_weight float64 (group 1 edges; present when empty)
 *   /edges/<pop>/indices/{target_to_source,source_to_target}/{node_id_to_range [max id + 1, 2],
 *   range_to_edge_id [R, 2]} uint64: runs of equal ids in edge order
 * with the root attributes magic and version. The file is "<name>.part" until complete. */
#ifndef CZ_IO_EDGES_OUT_H
#define CZ_IO_EDGES_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_edges_table {
  const char *pop, *source_pop, *target_pop;
  size_t n;
  const uint64_t *source, *target; /* [n] node ids */
  const uint32_t *type_id;         /* [n] */
  const uint16_t *group;           /* [n] 0 or 1 */
  const double *weight;            /* [n] */
  const uint64_t *sec_id;          /* [n] (group 0 edges') */
  const double *sec_x;             /* [n] */
} cz_edges_table;

/* Writes t to path (replacing it). Local. */
cz_status cz_edges_write(const char *path, const cz_edges_table *t);

#endif
