#include "tools/gen_edges.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/h5.h"
#include "tools/gen_folder.h"

enum { ROUND_EDGES = 1 << 22 };

typedef struct edge_buf {
  uint64_t *src, *tgt;
  uint32_t *type, *gidx;
  uint16_t *grp;
  double *w, *d;
} edge_buf;

static void buf_free(edge_buf *b) {
  free(b->src);
  free(b->tgt);
  free(b->type);
  free(b->gidx);
  free(b->grp);
  free(b->w);
  free(b->d);
}

static cz_status buf_alloc(edge_buf *b, size_t n, bool per_edge) {
  memset(b, 0, sizeof *b);
  const size_t m = n ? n : 1;
  if ((b->src = cz_calloc(m, 8)) && (b->tgt = cz_calloc(m, 8)) && (b->type = cz_calloc(m, 4)) &&
      (b->gidx = cz_calloc(m, 4)) && (b->grp = cz_calloc(m, 2)) &&
      (!per_edge || ((b->w = cz_calloc(m, 8)) && (b->d = cz_calloc(m, 8)))))
    return CZ_OK;
  buf_free(b);
  return CZ_ERROR(CZ_ERR_NOMEM, "out of memory for %zu edges", n);
}

static void path_of(const cz_gen_edges *g, const char *name, char *buf, size_t n) {
  snprintf(buf, n, "/edges/%s/%s", g->pop, name);
}

static const char *const k_cols[] = {"source_node_id", "target_node_id", "edge_type_id", "edge_group_id",
                                     "edge_group_index", "0/syn_weight", "0/delay"};
static const cz_h5_elem k_elem[] = {CZ_H5_ELEM_U64, CZ_H5_ELEM_U64, CZ_H5_ELEM_U32, CZ_H5_ELEM_U16,
                                    CZ_H5_ELEM_U32, CZ_H5_ELEM_F64, CZ_H5_ELEM_F64};

static int ncols(const cz_gen_edges *g) { return g->per_edge_synapse ? 7 : 5; }

static cz_status create_datasets(const cz_gen_edges *g, cz_h5file *f) {
  char path[256];
  for (int c = 0; c < ncols(g); c++) {
    path_of(g, k_cols[c], path, sizeof path);
    CZ_TRY(cz_h5_create_1d(f, path, k_elem[c], g->edge_off[g->n_targets]));
  }
  if (!g->per_edge_synapse) {
    path_of(g, "0", path, sizeof path);
    CZ_TRY(cz_h5_create_group(f, path)); /* empty: weights and delays come from the types */
  }
  return CZ_OK;
}

static cz_status write_round(const cz_gen_edges *g, cz_h5file *f, uint64_t off, size_t n, const edge_buf *b) {
  const void *data[] = {b->src, b->tgt, b->type, b->grp, b->gidx, b->w, b->d};
  char path[256];
  for (int c = 0; c < ncols(g); c++) {
    path_of(g, k_cols[c], path, sizeof path);
    CZ_TRY(cz_h5_write_1d_at(f, path, k_elem[c], off, n, data[c]));
  }
  return CZ_OK;
}

/* The first target at or after the r-th of nr equal shares of the edges. */
static uint64_t share_start(const cz_gen_edges *g, int r, int nr) {
  if (r == 0) return 0;
  if (r == nr) return g->n_targets;
  const uint64_t edge = g->edge_off[g->n_targets] / (uint64_t)nr * (uint64_t)r;
  uint64_t t = 0;
  while (t < g->n_targets && g->edge_off[t] < edge) t++;
  return t;
}

/* The next round's targets [t, end): whole targets up to ROUND_EDGES edges (at least one). */
static uint64_t round_end(const cz_gen_edges *g, uint64_t t, uint64_t t1) {
  uint64_t e = t;
  while (e < t1 && (e == t || g->edge_off[e + 1] - g->edge_off[t] <= ROUND_EDGES)) e++;
  return e;
}

static cz_status write_body(const cz_gen_edges *g, cz_h5file *f) {
  CZ_TRY(create_datasets(g, f));
  const uint64_t t0 = share_start(g, cz_comm_rank(), cz_comm_size());
  const uint64_t t1 = share_start(g, cz_comm_rank() + 1, cz_comm_size());
  int64_t rounds = 0;
  for (uint64_t t = t0; t < t1; t = round_end(g, t, t1)) rounds++;
  CZ_TRY(cz_comm_allreduce_max_i64(&rounds));
  size_t cap = ROUND_EDGES;
  for (uint64_t t = t0; t < t1; t++)
    if (g->edge_off[t + 1] - g->edge_off[t] > cap) cap = (size_t)(g->edge_off[t + 1] - g->edge_off[t]);
  edge_buf b;
  CZ_TRY(buf_alloc(&b, cap, g->per_edge_synapse));
  cz_status st = CZ_OK;
  uint64_t t = t0;
  for (int64_t k = 0; k < rounds; k++) {
    const uint64_t e = t < t1 ? round_end(g, t, t1) : t;
    const uint64_t base = t < t1 ? g->edge_off[t] : 0;
    size_t n = 0;
    for (uint64_t u = t; u < e; u++) {
      const size_t at = (size_t)(g->edge_off[u] - base), kk = (size_t)(g->edge_off[u + 1] - g->edge_off[u]);
      g->draw(g->ctx, u, b.src + at, b.type + at, b.w ? b.w + at : NULL, b.d ? b.d + at : NULL);
      for (size_t i = 0; i < kk; i++) {
        b.tgt[at + i] = u;
        b.gidx[at + i] = (uint32_t)(base + at + i);
      }
      n = at + kk;
    }
    /* every rank takes part in every round's collective writes, with n = 0 once done */
    cz_status wst = write_round(g, f, base, n, &b);
    if (st == CZ_OK) st = wst;
    t = e;
  }
  buf_free(&b);
  return st;
}

static cz_status add_index(const cz_gen_edges *g) {
  char *file = NULL, path[256];
  CZ_TRY(cz_path_join(g->dir, g->file, &file));
  cz_h5file *f = NULL;
  cz_status st = cz_h5_open_rw(file, &f);
  free(file);
  CZ_TRY(st);
  const uint64_t n = g->n_targets;
  uint64_t *ranges = cz_calloc(2 * n + 2, sizeof *ranges), *edges = cz_calloc(2 * n + 2, sizeof *edges);
  if (!ranges || !edges) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (uint64_t t = 0; st == CZ_OK && t < n; t++) {
    ranges[2 * t] = t;
    ranges[2 * t + 1] = t + 1;
    edges[2 * t] = g->edge_off[t];
    edges[2 * t + 1] = g->edge_off[t + 1];
  }
  path_of(g, "indices/target_to_source/node_id_to_range", path, sizeof path);
  if (st == CZ_OK) st = cz_h5_write_u64_pairs(f, path, ranges, n, true);
  path_of(g, "indices/target_to_source/range_to_edge_id", path, sizeof path);
  if (st == CZ_OK) st = cz_h5_write_u64_pairs(f, path, edges, n, true);
  path_of(g, "source_node_id", path, sizeof path);
  if (st == CZ_OK) st = cz_h5_write_attr_string(f, path, "node_population", g->source_pop);
  path_of(g, "target_node_id", path, sizeof path);
  if (st == CZ_OK) st = cz_h5_write_attr_string(f, path, "node_population", g->target_pop);
  free(ranges);
  free(edges);
  return cz_gen_h5_finish(&f, st);
}

cz_status cz_gen_write_edges(const cz_gen_edges *g) {
  cz_h5file *f = NULL;
  cz_status st = cz_gen_h5_create(g->dir, g->file, cz_comm_native(), &f);
  if (st == CZ_OK) st = cz_gen_h5_finish(&f, write_body(g, f));
  CZ_TRY(cz_comm_agree(st));
  return cz_comm_agree(cz_comm_rank() == 0 ? add_index(g) : CZ_OK);
}
