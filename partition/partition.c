#include "partition/partition.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static const struct {
  const char *name;
  cz_partition_method method;
} method_names[] = {
    {"metis", CZ_PARTITION_METIS},
    {"round-robin", CZ_PARTITION_ROUND_ROBIN},
    {"round_robin", CZ_PARTITION_ROUND_ROBIN},
    {"block", CZ_PARTITION_BLOCK},
};

cz_status cz_partition_parse(const char *text, cz_partition_method *out) {
  for (size_t i = 0; text && i < sizeof method_names / sizeof method_names[0]; i++)
    if (strcmp(text, method_names[i].name) == 0) {
      *out = method_names[i].method;
      return CZ_OK;
    }
  return CZ_ERROR(CZ_ERR_ARG, "unknown partition method '%s' (expected metis, round-robin or block)",
                  text ? text : "(null)");
}

const char *cz_partition_method_name(cz_partition_method m) {
  switch (m) {
  case CZ_PARTITION_METIS: return "metis";
  case CZ_PARTITION_ROUND_ROBIN: return "round-robin";
  case CZ_PARTITION_BLOCK: return "block";
  }
  return "?";
}

static cz_status check_parts(const cz_graph *g, const uint32_t *part, int nparts) {
  CZ_CHECK(nparts >= 1, CZ_ERR_INTERNAL, "partition: nparts must be at least 1, got %d", nparts);
  for (uint32_t v = 0; v < g->nvtx; v++)
    CZ_CHECK(part[v] < (uint32_t)nparts, CZ_ERR_INTERNAL,
             "partition: node %" PRIu32 " is in part %" PRIu32 ", outside [0, %d)", v, part[v], nparts);
  return CZ_OK;
}

/* Edge cut and total edge weight, counting each undirected edge once (from its lower end). */
static void edge_quality(const cz_graph *g, const uint32_t *part, cz_part_quality *q) {
  for (uint32_t v = 0; v < g->nvtx; v++)
    for (uint64_t k = g->xadj[v]; k < g->xadj[v + 1]; k++) {
      uint32_t u = g->adjncy[k];
      if (u < v) continue;
      q->edge_total += (uint64_t)g->adjwgt[k];
      if (part[u] != part[v]) q->edge_cut += (uint64_t)g->adjwgt[k];
    }
  q->local_fraction = q->edge_total ? (double)(q->edge_total - q->edge_cut) / (double)q->edge_total : 1.0;
}

static cz_status balance_quality(const cz_graph *g, const uint32_t *part, int nparts, cz_part_quality *q) {
  uint64_t *load = NULL;
  CZ_NEW(load, (size_t)nparts);
  for (uint32_t v = 0; v < g->nvtx; v++) {
    load[part[v]] += (uint64_t)g->vwgt[v];
    q->vwgt_total += (uint64_t)g->vwgt[v];
  }
  for (int p = 0; p < nparts; p++)
    if (load[p] > q->vwgt_max) q->vwgt_max = load[p];
  free(load);
  q->imbalance = q->vwgt_total ? (double)q->vwgt_max * nparts / (double)q->vwgt_total : 1.0;
  return CZ_OK;
}

cz_status cz_partition_quality(const cz_graph *g, const uint32_t *part, int nparts, cz_part_quality *q) {
  memset(q, 0, sizeof *q);
  CZ_TRY(check_parts(g, part, nparts));
  edge_quality(g, part, q);
  CZ_TRY(balance_quality(g, part, nparts, q));
  return CZ_OK;
}
