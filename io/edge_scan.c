/* One process's share of a scan over every edge (io/edge_scan.h). Only the node ids are read,
 * in rounds of at most CZ_EDGE_CHUNK rows; every part makes as many reads as the widest slice
 * needs, so that the collective reads of a parallel file always pair up, even after a part has
 * failed locally (it goes on with empty reads). */
#include "io/edge_scan.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"
#include "io/edge_read.h"
#include "io/h5.h"

/* The rows of m node ids of population p (rows[k] for id[k]), up to the first id p lacks:
 * returns how many ids have rows (m when all do). */
static size_t rows_of_ids(const cz_node_pop *p, const uint64_t *id, size_t m, uint32_t *rows) {
  if (p->identity_ids) { /* the usual case: node id = row, checked once for the chunk */
    uint64_t max = 0;
    for (size_t k = 0; k < m; k++) {
      max = id[k] > max ? id[k] : max;
      rows[k] = (uint32_t)id[k];
    }
    if (max < p->n) return m;
  }
  for (size_t k = 0; k < m; k++) {
    size_t r = 0;
    if (!cz_circuit_row_of(p, id[k], &r)) return k;
    rows[k] = (uint32_t)r;
  }
  return m;
}

/* The scan's buffers: node ids as read, and their rows. */
typedef struct scan_buffers {
  size_t cap;
  uint64_t *src, *tgt;
  uint32_t *srow, *trow;
} scan_buffers;

/* Reads this part's slice of one population in rounds of at most b->cap rows. Every part
 * makes the same number of reads (the widest slice's), so collective reads always pair up;
 * after a local failure (*local set) a part keeps taking part with empty reads. */
static cz_status scan_edge_pop(const cz_circuit *c, cz_h5file *f, const char *file, const char *name,
                               const cz_edge_scan *scan, const scan_buffers *b, cz_status *local) {
  uint32_t sp = 0, tp = 0;
  size_t n = 0;
  CZ_TRY(cz_edge_pop_ends(c, f, file, name, &sp, &tp, &n)); /* metadata: the same verdict on every part */
  cz_edge_paths p;
  cz_edge_paths_of(NULL, name, &p);
  const size_t lo = cz_slice_start(n, scan->part, scan->nparts), hi = cz_slice_start(n, scan->part + 1, scan->nparts);
  const size_t widest = (n + (size_t)scan->nparts - 1) / (size_t)scan->nparts;
  const size_t rounds = (widest + b->cap - 1) / b->cap;
  for (size_t r = 0; r < rounds; r++) {
    size_t a = lo + r * b->cap, m = 0;
    if (a < hi && *local == CZ_OK) m = hi - a < b->cap ? hi - a : b->cap;
    if (a > hi) a = hi;
    cz_status st = cz_h5_read_u64_range(f, p.tgt, a, m, b->tgt);
    cz_status st2 = cz_h5_read_u64_range(f, p.src, a, m, b->src);
    if (st == CZ_OK) st = st2;
    if (st == CZ_OK) {
      /* the first edges whose target, and whose source, is missing (m: none) */
      const size_t bad_t = rows_of_ids(&c->nodes[tp], b->tgt, m, b->trow);
      const size_t bad_s = rows_of_ids(&c->nodes[sp], b->src, m, b->srow);
      const size_t good = bad_t < bad_s ? bad_t : bad_s;
      if (good > 0) scan->visit(scan->ctx, sp, tp, b->srow, b->trow, good);
      uint32_t row;
      if (good < m) /* the error of the first missing end, the target's when both are */
        st = bad_t == good ? cz_edge_endpoint_row(&c->nodes[tp], b->tgt[good], file, p.tgt, a + good, &row)
                           : cz_edge_endpoint_row(&c->nodes[sp], b->src[good], file, p.src, a + good, &row);
    }
    if (st != CZ_OK && *local == CZ_OK) *local = st;
  }
  return CZ_OK;
}

static cz_status scan_edges_file(const cz_circuit *c, const cz_config *cfg, size_t k, const cz_edge_scan *scan,
                                 const scan_buffers *b, cz_status *local) {
  const char *file = cfg->edges[k].edges_file;
  cz_h5file *f = NULL;
  cz_status st = cz_h5_open_read_parallel(file, scan->mpi_comm, &f);
  if (st != CZ_OK) cz_error_prefix(st, "networks.edges[%zu].edges_file", k);
  /* A file one part cannot open (not on its node's file system) must stop every part before
   * the first collective read. */
  if (scan->agree) st = scan->agree(st);
  char **pops = NULL;
  size_t npops = 0;
  if (st == CZ_OK && !cz_h5_is_group(f, "/edges"))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no /edges group (networks.edges[%zu].edges_file)", file, k);
  if (st == CZ_OK) st = cz_h5_list(f, "/edges", &pops, &npops);
  for (size_t i = 0; i < npops && st == CZ_OK; i++)
    st = scan_edge_pop(c, f, file, pops[i], scan, b, local);
  cz_h5_free_names(pops, npops);
  cz_status cst = cz_h5_close(&f);
  return st != CZ_OK ? st : cst;
}

cz_status cz_circuit_scan_edges(const cz_circuit *c, const cz_config *cfg, const cz_edge_scan *scan) {
  CZ_CHECK(scan->nparts >= 1 && scan->part >= 0 && scan->part < scan->nparts, CZ_ERR_INTERNAL,
           "edge scan: part %d of %d", scan->part, scan->nparts);
  scan_buffers b = {CZ_EDGE_CHUNK, cz_alloc_huge(CZ_EDGE_CHUNK, sizeof *b.src), cz_alloc_huge(CZ_EDGE_CHUNK, sizeof *b.tgt),
                    cz_alloc_huge(CZ_EDGE_CHUNK, sizeof *b.srow), cz_alloc_huge(CZ_EDGE_CHUNK, sizeof *b.trow)};
  cz_status st = b.src && b.tgt && b.srow && b.trow ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory scanning edges");
  cz_status local = CZ_OK;
  for (size_t k = 0; k < cfg->nedges && st == CZ_OK; k++)
    if (cfg->edges[k].enabled) st = scan_edges_file(c, cfg, k, scan, &b, &local);
  free(b.src);
  free(b.tgt);
  free(b.srow);
  free(b.trow);
  if (st == CZ_OK) st = local;
  if (st != CZ_OK) cz_error_trace(__FILE__, __LINE__, __func__);
  return st;
}

cz_status cz_circuit_count_edges(const cz_config *cfg, uint64_t *total) {
  *total = 0;
  for (size_t k = 0; k < cfg->nedges; k++) {
    if (!cfg->edges[k].enabled) continue;
    const char *file = cfg->edges[k].edges_file;
    cz_h5file *f = NULL;
    char **pops = NULL;
    size_t npops = 0;
    cz_status st = cz_h5_open_read(file, &f);
    if (st != CZ_OK) return cz_error_prefix(st, "networks.edges[%zu].edges_file", k);
    if (cz_h5_is_group(f, "/edges")) st = cz_h5_list(f, "/edges", &pops, &npops);
    for (size_t i = 0; i < npops && st == CZ_OK; i++) {
      char path[1024];
      cz_h5_info info;
      snprintf(path, sizeof path, "/edges/%s/source_node_id", pops[i]);
      if (!cz_h5_is_dataset(f, path)) continue;
      st = cz_h5_info_of(f, path, &info);
      if (st == CZ_OK && info.rank == 1) *total += info.dims[0];
    }
    cz_h5_free_names(pops, npops);
    cz_h5_close(&f);
    CZ_TRY(st);
  }
  return CZ_OK;
}

