#include "partition/metis.h"

#include <inttypes.h>
#include <metis.h>
#include <stdlib.h>

#include "base/mem.h"

/* The graph in METIS's index type. All arrays owned. */
typedef struct metis_graph {
  idx_t nvtx;
  idx_t *xadj;   /* [nvtx + 1] */
  idx_t *adjncy; /* [xadj[nvtx]] */
  idx_t *adjwgt; /* [xadj[nvtx]] */
  idx_t *vwgt;   /* [nvtx] */
  idx_t *part;   /* [nvtx] */
} metis_graph;

static void metis_graph_free(metis_graph *m) {
  free(m->xadj);
  free(m->adjncy);
  free(m->adjwgt);
  free(m->vwgt);
  free(m->part);
}

static const char *metis_code_name(int rc) {
  switch (rc) {
  case METIS_OK: return "METIS_OK";
  case METIS_ERROR_INPUT: return "METIS_ERROR_INPUT";
  case METIS_ERROR_MEMORY: return "METIS_ERROR_MEMORY";
  case METIS_ERROR: return "METIS_ERROR";
  default: return "an unknown METIS return code";
  }
}

/* Folds a 64-bit seed into the non-negative range of a 32-bit METIS seed (METIS treats -1
 * as "use its default seed", so negative values are avoided). */
static idx_t metis_seed(uint64_t seed) { return (idx_t)((seed ^ (seed >> 32)) & 0x7fffffffu); }

/* METIS sums vertex weights and edge weights in idx_t: both totals must fit. */
static cz_status check_weight_totals(const cz_graph *g) {
  uint64_t vtot = 0, etot = 0;
  for (uint32_t v = 0; v < g->nvtx; v++) vtot += (uint64_t)g->vwgt[v];
  for (uint64_t k = 0; k < g->xadj[g->nvtx]; k++) etot += (uint64_t)g->adjwgt[k];
  CZ_CHECK(vtot <= IDX_MAX, CZ_ERR_CONFIG,
           "partition: total node weight %" PRIu64 " is more than METIS's 32-bit indices hold; use the "
           "round-robin or block partitioner",
           vtot);
  CZ_CHECK(etot <= IDX_MAX, CZ_ERR_CONFIG,
           "partition: total edge weight %" PRIu64 " (synapses counted from both ends) is more than METIS's "
           "32-bit indices hold; use the round-robin or block partitioner",
           etot);
  return CZ_OK;
}

/* m gets a copy of g in idx_t, plus room for the result. */
static cz_status to_metis(const cz_graph *g, metis_graph *m) {
  size_t nadj = (size_t)g->xadj[g->nvtx];
  m->nvtx = (idx_t)g->nvtx;
  CZ_NEW(m->xadj, (size_t)g->nvtx + 1);
  CZ_NEW(m->adjncy, nadj);
  CZ_NEW(m->adjwgt, nadj);
  CZ_NEW(m->vwgt, g->nvtx);
  CZ_NEW(m->part, g->nvtx);
  for (uint32_t v = 0; v <= g->nvtx; v++) m->xadj[v] = (idx_t)g->xadj[v];
  for (size_t k = 0; k < nadj; k++) {
    m->adjncy[k] = (idx_t)g->adjncy[k];
    m->adjwgt[k] = (idx_t)g->adjwgt[k];
  }
  for (uint32_t v = 0; v < g->nvtx; v++) m->vwgt[v] = (idx_t)g->vwgt[v];
  return CZ_OK;
}

static cz_status run_kway(metis_graph *m, int nparts, uint64_t seed) {
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = metis_seed(seed);
  options[METIS_OPTION_NUMBERING] = 0;
  idx_t ncon = 1, np = (idx_t)nparts, edgecut = 0;
  int rc = METIS_PartGraphKway(&m->nvtx, &ncon, m->xadj, m->adjncy, m->vwgt, NULL, m->adjwgt, &np, NULL, NULL,
                               options, &edgecut, m->part);
  CZ_CHECK(rc == METIS_OK, CZ_ERR_INTERNAL,
           "partition: METIS_PartGraphKway failed with %s (%d) on %" PRIDX " nodes into %d parts",
           metis_code_name(rc), rc, m->nvtx, nparts);
  return CZ_OK;
}

static cz_status copy_parts(const metis_graph *m, int nparts, uint32_t *part_out) {
  for (idx_t v = 0; v < m->nvtx; v++) {
    CZ_CHECK(m->part[v] >= 0 && m->part[v] < nparts, CZ_ERR_INTERNAL,
             "partition: METIS put node %" PRIDX " in part %" PRIDX ", outside [0, %d)", v, m->part[v], nparts);
    part_out[v] = (uint32_t)m->part[v];
  }
  return CZ_OK;
}

static cz_status partition_copy(const cz_graph *g, int nparts, uint64_t seed, metis_graph *m, uint32_t *part_out) {
  CZ_TRY(to_metis(g, m));
  CZ_TRY(run_kway(m, nparts, seed));
  CZ_TRY(copy_parts(m, nparts, part_out));
  return CZ_OK;
}

cz_status cz_part_metis(const cz_graph *g, int nparts, uint64_t seed, uint32_t *part_out) {
  CZ_CHECK(nparts >= 1, CZ_ERR_INTERNAL, "partition: nparts must be at least 1, got %d", nparts);
  if (nparts == 1 || g->nvtx == 0) {
    for (uint32_t v = 0; v < g->nvtx; v++) part_out[v] = 0;
    return CZ_OK;
  }
  CZ_TRY(cz_graph_check_idx32(g->nvtx, g->xadj[g->nvtx]));
  CZ_TRY(check_weight_totals(g));
  metis_graph m = {0};
  cz_status st = partition_copy(g, nparts, seed, &m, part_out);
  metis_graph_free(&m);
  if (st != CZ_OK) cz_error_trace(__FILE__, __LINE__, __func__);
  return st;
}
