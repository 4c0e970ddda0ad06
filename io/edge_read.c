/* The edge reader (io/edge_read.h).
 *
 * Rows are read a chunk at a time (CZ_EDGE_CHUNK rows of each per-edge dataset into the
 * scratch), checked, and the kept edges added to a sink: the population itself, growing, or
 * a batch of bounded size handed to the filter's batch callback and then reused. A chunk whose
 * ids are plain (node id = row, type ids in the dense table) and whose synapse columns come
 * from one group or from the types is taken column-wise (take_plain_rows), the others edge by
 * edge; both check the same things and name the first failing edge in file order. */
#include "io/edge_read.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/circuit_nodes.h"

static cz_status read_pop_attr(cz_h5file *f, const char *dataset, const char *attr, char **out) {
  CZ_CHECK(cz_h5_has_attr(f, dataset, attr), CZ_ERR_FORMAT, "%s: dataset %s has no '%s' attribute", cz_h5_path(f),
           dataset, attr);
  return cz_h5_read_attr_string(f, dataset, attr, out);
}

cz_edge_col *cz_edge_group_col(cz_edge_group *g, int k) { return k == 0 ? &g->syn_weight : k == 1 ? &g->nsyns : &g->delay; }

void cz_edge_groups_free(cz_edge_groups *eg) {
  for (size_t i = 0; i < eg->n; i++)
    for (int k = 0; k < 3; k++) {
      free(cz_edge_group_col(&eg->g[i], k)->path);
      free(cz_edge_group_col(&eg->g[i], k)->win);
    }
  free(eg->g);
  eg->g = NULL;
  eg->n = 0;
}

/* The synapse columns of each numbered group under pop_path (shapes and types only). */
cz_status cz_edge_groups_load(cz_h5file *f, const char *pop_path, cz_edge_groups *eg) {
  char **names = NULL;
  size_t nn = 0;
  CZ_TRY(cz_h5_list(f, pop_path, &names, &nn));
  size_t max_id = 0;
  bool any = false;
  for (size_t i = 0; i < nn; i++)
    if (cz_circuit_all_digits(names[i]) && strlen(names[i]) < 6) {
      size_t g = strtoul(names[i], NULL, 10);
      if (g > max_id) max_id = g;
      any = true;
    }
  eg->n = any ? max_id + 1 : 0;
  eg->g = eg->n ? cz_calloc(eg->n, sizeof *eg->g) : NULL;
  for (size_t i = 0; eg->g && i < nn; i++)
    if (cz_circuit_all_digits(names[i]) && strlen(names[i]) < 6) eg->g[strtoul(names[i], NULL, 10)].exists = true;
  cz_h5_free_names(names, nn);
  CZ_CHECK(eg->g || !eg->n, CZ_ERR_NOMEM, "out of memory");
  static const char *const col_names[3] = {"syn_weight", "nsyns", "delay"};
  for (size_t g = 0; g < eg->n; g++) {
    for (int k = 0; k < 3; k++) {
      cz_edge_col *c = cz_edge_group_col(&eg->g[g], k);
      c->name = col_names[k];
      char path[1200];
      snprintf(path, sizeof path, "%s/%zu/%s", pop_path, g, col_names[k]);
      if (!cz_h5_is_dataset(f, path)) continue;
      cz_h5_info info;
      CZ_TRY(cz_h5_info_of(f, path, &info));
      CZ_CHECK(info.rank == 1 && (info.cls == CZ_H5_FLOAT || info.cls == CZ_H5_INT || info.cls == CZ_H5_UINT),
               CZ_ERR_FORMAT, "%s: dataset %s must be a 1-D numeric dataset", cz_h5_path(f), path);
      CZ_TRY(cz_strdup(path, &c->path));
      c->n = (size_t)info.dims[0];
      eg->g[g].any = true;
    }
  }
  return CZ_OK;
}

bool cz_edge_groups_any(const cz_edge_groups *eg) {
  for (size_t g = 0; g < eg->n; g++)
    if (eg->g[g].any) return true;
  return false;
}

bool cz_edge_groups_nsyns(const cz_edge_groups *eg) {
  for (size_t g = 0; g < eg->n; g++)
    if (eg->g[g].nsyns.path) return true;
  return false;
}

/* Reads, for every group with synapse columns, the window of values the chunk's m rows
 * (groups ch_group, indices ch_index) refer to. An index beyond a column is an error naming
 * the edge. */
static cz_status read_group_windows(cz_h5file *f, const char *file, const char *pop, cz_edge_groups *eg, size_t a,
                                    size_t m, const uint64_t *ch_group, const uint64_t *ch_index) {
  for (size_t k = 0; k < m; k++)
    CZ_CHECK(ch_group[k] < eg->n && eg->g[ch_group[k]].exists, CZ_ERR_FORMAT,
             "%s: /edges/%s/edge_group_id[%zu] = %llu names a group that does not exist (no /edges/%s/%llu)", file,
             pop, a + k, (unsigned long long)ch_group[k], pop, (unsigned long long)ch_group[k]);
  for (size_t g = 0; g < eg->n; g++) {
    if (!eg->g[g].any) continue;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t k = 0; k < m; k++) { /* without branches: the groups of a chunk often alternate */
      const bool in = ch_group[k] == g;
      const uint64_t x = ch_index[k];
      lo = in && x < lo ? x : lo;
      hi = in && x > hi ? x : hi;
    }
    for (int c = 0; c < 3; c++) {
      cz_edge_col *col = cz_edge_group_col(&eg->g[g], c);
      col->cnt = 0;
      if (!col->path || lo == UINT64_MAX) continue;
      if (hi >= col->n) {
        size_t bad = 0;
        while (bad < m && !(ch_group[bad] == g && ch_index[bad] >= col->n)) bad++;
        return CZ_ERROR(CZ_ERR_FORMAT, "%s: edge_group_index %llu of edge %zu is beyond dataset %s/%zu/%s", file,
                        (unsigned long long)ch_index[bad], a + bad, pop, g, col->name);
      }
      const size_t cnt = (size_t)(hi - lo + 1);
      CZ_RESERVE(col->win, col->cap, cnt);
      CZ_TRY(cz_h5_read_f64_range(f, col->path, (size_t)lo, cnt, col->win));
      col->lo = (size_t)lo;
      col->cnt = cnt;
    }
  }
  return CZ_OK;
}

/* The h5 group value of an edge when the group has the column (checked finite), else fallback. */
static cz_status group_value(const cz_edge_pop *e, uint64_t group, const cz_edge_col *col, uint64_t idx, double fallback,
                             double *out) {
  if (!col->path) {
    *out = fallback;
    return CZ_OK;
  }
  *out = col->win[idx - col->lo];
  CZ_CHECK(isfinite(*out), CZ_ERR_FORMAT, "%s: dataset /edges/%s/%llu/%s[%llu] is not a finite number (%g)", e->file,
           e->name, (unsigned long long)group, col->name, (unsigned long long)idx, *out);
  return CZ_OK;
}

/* The columns of edge i: its h5 group's values where the group has the column (checked
 * finite), else its type's; stored at slot out of the per-edge columns. */
static cz_status resolve_columns(cz_edge_pop *e, size_t out, const cz_edge_groups *eg, const cz_edge_type_info *ti,
                                 uint64_t gid, uint64_t gidx) {
  double w = ti->col.syn_weight, ns = ti->col.nsyns, d = ti->col.delay;
  if (gid < eg->n && eg->g[gid].any) {
    const cz_edge_group *g = &eg->g[gid];
    CZ_TRY(group_value(e, gid, &g->syn_weight, gidx, w, &w));
    CZ_TRY(group_value(e, gid, &g->nsyns, gidx, ns, &ns));
    CZ_TRY(group_value(e, gid, &g->delay, gidx, d, &d));
  }
  e->col.syn_weight[out] = w;
  e->col.delay[out] = d;
  if (e->col.nsyns) e->col.nsyns[out] = ns;
  return CZ_OK;
}

/* The population's type table: each CSV row's columns, as edges without overrides use them. */
cz_status cz_edge_types_of(cz_edge_pop *e, const cz_edge_type_info *info, const cz_csv *table) {
  const size_t ntypes = table->nrows;
  e->types_table = table;
  CZ_NEW(e->types, ntypes);
  e->ntypes = ntypes;
  for (size_t r = 0; r < ntypes; r++)
    e->types[r] = (cz_edge_type){.col = info[r].col, .syn_model = info[r].syn_model, .weight = NAN, .delay = NAN};
  return CZ_OK;
}

static void batch_arrays_free(cz_edge_chunk *ch) {
  free(ch->brow); /* the block holding them all */
  ch->bsrc = ch->btgt = ch->btype = NULL;
  ch->bw = ch->bd = ch->bn = NULL;
  ch->brow = NULL;
  ch->bcap = 0;
  ch->bvalues = ch->bnsyns = false;
}

void cz_edge_chunk_free(cz_edge_chunk *ch) {
  if (!ch) return;
  free(ch->src); /* the block holding the five arrays */
  batch_arrays_free(ch);
  free(ch);
}

/* Points e's per-edge arrays at the scratch's batch arrays (cap edges; the syn_weight and
 * delay columns when per_edge, nsyns too when nsyns), allocated once and reused by every batch
 * of every load. */
cz_status cz_edge_batch_lend(cz_edge_chunk *ch, size_t cap, bool per_edge, bool nsyns, cz_edge_pop *e) {
  if (ch->bcap < cap || (per_edge && !ch->bvalues) || (nsyns && !ch->bnsyns)) {
    batch_arrays_free(ch);
    /* One block (8-byte arrays first, so every array stays aligned): see cz_alloc_huge. */
    const size_t ncols = per_edge ? (nsyns ? 3 : 2) : 0;
    const size_t per_row = 8 + 8 * ncols + 12;
    char *block = cz_alloc_huge(cap, per_row);
    CZ_CHECK(block != NULL, CZ_ERR_NOMEM, "out of memory for a batch of %zu edges", cap);
    ch->brow = (uint64_t *)(void *)block;
    ch->bw = per_edge ? (double *)(void *)(block + cap * 8) : NULL;
    ch->bd = per_edge ? (double *)(void *)(block + cap * 16) : NULL;
    ch->bn = ncols == 3 ? (double *)(void *)(block + cap * 24) : NULL;
    char *rest = block + cap * (8 + 8 * ncols);
    ch->bsrc = (uint32_t *)(void *)rest;
    ch->btgt = (uint32_t *)(void *)(rest + cap * 4);
    ch->btype = (uint32_t *)(void *)(rest + cap * 8);
    ch->bcap = cap;
    ch->bvalues = per_edge;
    ch->bnsyns = ncols == 3;
  }
  e->source_row = ch->bsrc;
  e->target_row = ch->btgt;
  e->type = ch->btype;
  e->file_row = ch->brow;
  e->col.syn_weight = per_edge ? ch->bw : NULL;
  e->col.delay = per_edge ? ch->bd : NULL;
  e->col.nsyns = per_edge && nsyns ? ch->bn : NULL;
  return CZ_OK;
}

/* Gives the batch arrays back to the scratch: the population then holds no edges. */
void cz_edge_batch_return(cz_edge_pop *e) {
  e->source_row = e->target_row = e->type = NULL;
  e->file_row = NULL;
  e->col.syn_weight = e->col.nsyns = e->col.delay = NULL;
  e->n = 0;
}

/* A chunk scratch of cap rows (on failure *out holds what was allocated, for cz_edge_chunk_free). */
cz_status cz_edge_chunk_new(size_t cap, cz_edge_chunk **out) {
  cz_edge_chunk *ch = NULL;
  CZ_NEW(ch, 1);
  *out = ch;
  uint64_t *block = cz_alloc_huge(cap, 5 * sizeof *block); /* one block: see cz_alloc_huge */
  CZ_CHECK(block != NULL, CZ_ERR_NOMEM, "out of memory reading edges");
  ch->src = block;
  ch->tgt = block + cap;
  ch->type_id = block + 2 * cap;
  ch->group = block + 3 * cap;
  ch->index = block + 4 * cap;
  ch->cap = cap;
  return CZ_OK;
}

/* The circuit's chunk buffers, holding at least cap rows. */
cz_status cz_edge_chunk_get(cz_circuit *c, size_t cap, cz_edge_chunk **out) {
  if (!c->scratch || c->scratch->cap < cap) {
    cz_edge_chunk_free(c->scratch);
    c->scratch = NULL;
    CZ_TRY(cz_edge_chunk_new(cap, &c->scratch));
  }
  *out = c->scratch;
  return CZ_OK;
}

cz_status cz_edge_sink_reserve(cz_edge_sink *k, size_t need) {
  if (need <= k->cap) return CZ_OK;
  size_t cap = k->cap ? k->cap : (need > 1024 ? need : 1024);
  while (cap < need) cap *= 2;
  cz_edge_pop *e = k->e;
  uint32_t *s = realloc(e->source_row, cap * sizeof *s);
  if (s) e->source_row = s;
  uint32_t *t = s ? realloc(e->target_row, cap * sizeof *t) : NULL;
  if (t) e->target_row = t;
  uint32_t *ty = t ? realloc(e->type, cap * sizeof *ty) : NULL;
  if (ty) e->type = ty;
  bool ok = ty != NULL;
  if (ok && k->per_edge) {
    double *w = realloc(e->col.syn_weight, cap * sizeof *w);
    if (w) e->col.syn_weight = w;
    double *d = w ? realloc(e->col.delay, cap * sizeof *d) : NULL;
    if (d) e->col.delay = d;
    ok = d != NULL;
  }
  if (ok && k->nsyns) {
    double *ns = realloc(e->col.nsyns, cap * sizeof *ns);
    if (ns) e->col.nsyns = ns;
    ok = ns != NULL;
  }
  if (ok && k->file_rows) {
    uint64_t *r = realloc(e->file_row, cap * sizeof *r);
    if (r) e->file_row = r;
    ok = r != NULL;
  }
  CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory loading the edges of %s", e->name);
  cz_advise_huge(e->source_row, cap * sizeof *e->source_row);
  cz_advise_huge(e->target_row, cap * sizeof *e->target_row);
  cz_advise_huge(e->type, cap * sizeof *e->type);
  if (k->per_edge) {
    cz_advise_huge(e->col.syn_weight, cap * sizeof *e->col.syn_weight);
    cz_advise_huge(e->col.delay, cap * sizeof *e->col.delay);
  }
  k->cap = cap;
  return CZ_OK;
}

/* Gives back the slack of the growth. */
void cz_edge_sink_shrink(cz_edge_sink *k) {
  cz_edge_pop *e = k->e;
  if (k->cap == e->n) return;
  size_t n = e->n ? e->n : 1;
  void *p;
  if ((p = realloc(e->source_row, n * sizeof *e->source_row))) e->source_row = p;
  if ((p = realloc(e->target_row, n * sizeof *e->target_row))) e->target_row = p;
  if ((p = realloc(e->type, n * sizeof *e->type))) e->type = p;
  if (k->per_edge && (p = realloc(e->col.syn_weight, n * sizeof *e->col.syn_weight))) e->col.syn_weight = p;
  if (k->per_edge && (p = realloc(e->col.delay, n * sizeof *e->col.delay))) e->col.delay = p;
  if (k->nsyns && (p = realloc(e->col.nsyns, n * sizeof *e->col.nsyns))) e->col.nsyns = p;
  if (k->file_rows && (p = realloc(e->file_row, n * sizeof *e->file_row))) e->file_row = p;
}

cz_status cz_edge_check_length(cz_h5file *f, const char *path, size_t n, bool required) {
  if (!cz_h5_exists(f, path)) {
    CZ_CHECK(!required, CZ_ERR_FORMAT, "%s: missing dataset %s", cz_h5_path(f), path);
    return CZ_OK;
  }
  cz_h5_info info;
  CZ_TRY(cz_h5_info_of(f, path, &info));
  CZ_CHECK(info.rank == 1 && info.dims[0] == n, CZ_ERR_FORMAT, "%s: dataset %s has %llu entries, expected %zu",
           cz_h5_path(f), path, (unsigned long long)(info.rank == 1 ? info.dims[0] : 0), n);
  return CZ_OK;
}

/* Reads entries [a, a + m) of an optional id dataset; absent means all zero (group ids) or
 * the row itself (group indices). */
static cz_status read_ids_chunk(cz_h5file *f, const char *path, bool present, size_t a, size_t m, bool identity,
                                uint64_t *out) {
  if (present) return cz_h5_read_u64_range(f, path, a, m, out);
  for (size_t i = 0; i < m; i++) out[i] = identity ? a + i : 0;
  return CZ_OK;
}

void cz_edge_paths_of(cz_h5file *f, const char *name, cz_edge_paths *p) {
  snprintf(p->src, sizeof p->src, "/edges/%s/source_node_id", name);
  snprintf(p->tgt, sizeof p->tgt, "/edges/%s/target_node_id", name);
  snprintf(p->type, sizeof p->type, "/edges/%s/edge_type_id", name);
  snprintf(p->group, sizeof p->group, "/edges/%s/edge_group_id", name);
  snprintf(p->index, sizeof p->index, "/edges/%s/edge_group_index", name);
  p->has_group = f && cz_h5_exists(f, p->group);
  p->has_index = f && cz_h5_exists(f, p->index);
}

/* Reads rows [a, a + m) of the per-edge datasets; the target ids unless need_targets is false
 * (the caller knows them), the group ids and indices only when some group has synapse columns
 * (need_groups), since they locate nothing otherwise. */
static cz_status read_chunk(cz_h5file *f, const cz_edge_paths *p, size_t a, size_t m, bool need_targets, bool need_groups,
                            cz_edge_chunk *ch) {
  if (need_targets) CZ_TRY(cz_h5_read_u64_range(f, p->tgt, a, m, ch->tgt));
  CZ_TRY(cz_h5_read_u64_range(f, p->src, a, m, ch->src));
  CZ_TRY(cz_h5_read_u64_range(f, p->type, a, m, ch->type_id));
  if (!need_groups) return CZ_OK;
  CZ_TRY(read_ids_chunk(f, p->group, p->has_group, a, m, false, ch->group));
  return read_ids_chunk(f, p->index, p->has_index, a, m, true, ch->index);
}

/* Row of node id in population p, or an error naming the dataset and the file row. */
cz_status cz_edge_endpoint_row(const cz_node_pop *p, uint64_t id, const char *file, const char *dataset, size_t i,
                              uint32_t *row) {
  size_t r;
  CZ_CHECK(cz_circuit_row_of(p, id, &r), CZ_ERR_FORMAT,
           "%s: %s[%zu] = %llu names a node that does not exist in population %s (%zu nodes)", file, dataset, i,
           (unsigned long long)id, p->name, p->n);
  *row = (uint32_t)r;
  return CZ_OK;
}

/* How take_plain_rows finds a chunk's weights and delays. */
typedef enum { PLAIN_BY_TYPE, PLAIN_GROUP_COLUMNS, PLAIN_NONE } plain_values;

/* Whether take_plain_rows can take the chunk's m rows, and how it finds their values: node
 * ids that are rows of their populations, type ids in the dense table, no per-edge keep, and
 * weights and delays either all from the types (no group with columns) or all from one group
 * with columns (syn_weight, nsyns, delay: any of them, the types giving the others). Edges
 * failing a check are not excluded: the fast loop hands those to the general checks, which
 * name them. */
static bool plain_chunk(const cz_row_reader *r, size_t m, bool plain_ids, plain_values *how, uint64_t *group) {
  const cz_edge_chunk *ch = r->ch;
  if (!plain_ids || !r->ti->dense || (r->flt && r->flt->keep)) return false;
  const cz_node_pop *sp = &r->c->nodes[r->e->source_pop], *tp = &r->c->nodes[r->e->target_pop];
  uint64_t smax = 0, tmax = 0, ymax = 0;
  for (size_t k = 0; k < m; k++) {
    smax = ch->src[k] > smax ? ch->src[k] : smax;
    tmax = ch->tgt[k] > tmax ? ch->tgt[k] : tmax;
    ymax = ch->type_id[k] > ymax ? ch->type_id[k] : ymax;
  }
  if (m && (smax >= sp->n || tmax >= tp->n || ymax >= r->ti->ndense)) return false;
  if (r->ids_only || !r->need_index) {
    *how = r->ids_only ? PLAIN_NONE : PLAIN_BY_TYPE;
    return true;
  }
  if (!r->sink->per_edge || m == 0) return false;
  const uint64_t g = ch->group[0];
  uint64_t other = 0;
  for (size_t k = 0; k < m; k++) other |= ch->group[k] ^ g;
  if (other) return false;
  if (g >= r->eg->n || !r->eg->g[g].any) return false;
  *how = PLAIN_GROUP_COLUMNS;
  *group = g;
  return true;
}

/* A group column's window indexed by edge_group_index, or NULL where the types give the value
 * (col NULL: no group, or no such column). */
static const double *column_window(const cz_edge_col *col) {
  return col && col->path ? col->win - col->lo : NULL;
}

/* take_plain_rows' columns and checks, one edge at a time: rows a + k0 .. a + k1 - 1 of the
 * chunk, stored from e's slot e->n on (the caller made room for all of them). The first
 * failing edge in file order is the one reported. */
static cz_status take_plain_each(cz_row_reader *r, size_t a, size_t k0, size_t k1, plain_values how, uint64_t group) {
  const cz_edge_filter *flt = r->flt;
  cz_edge_pop *e = r->e;
  const cz_edge_chunk *ch = r->ch;
  const uint32_t *dense = r->ti->dense;
  const bool filtered = flt && flt->keep_target, file_rows = r->sink->file_rows;
  uint32_t last_trow = UINT32_MAX;
  bool keep = true;
  size_t n = e->n, kept = 0;
  cz_status st = CZ_OK;
  for (size_t k = k0; k < k1; k++) {
    const uint32_t trow = (uint32_t)ch->tgt[k];
    if (filtered && trow != last_trow) {
      last_trow = trow;
      keep = flt->keep_target(flt->ctx, e->target_pop, trow);
    }
    if (!keep) continue;
    kept++;
    const uint32_t type = dense[ch->type_id[k]];
    if (type == UINT32_MAX) {
      e->n = n; /* the edges before it, for cz_edge_read_rows */
      return CZ_ERROR(CZ_ERR_FORMAT, "%s: %s[%zu] = %llu is not an edge_type_id of %s", e->file, r->p->type, a + k,
                      (unsigned long long)ch->type_id[k], r->types->path);
    }
    e->source_row[n] = (uint32_t)ch->src[k];
    e->target_row[n] = trow;
    e->type[n] = type;
    if (file_rows) e->file_row[n] = a + k;
    if (how == PLAIN_GROUP_COLUMNS && (st = resolve_columns(e, n, r->eg, &r->info[type], group, ch->index[k])) != CZ_OK) {
      e->n = n; /* the edges before it, for cz_edge_read_rows */
      return st;
    }
    n++;
  }
  e->n = n;
  if (r->in_ranges) r->seen += kept;
  return CZ_OK;
}

/* Whether the filter keeps every target of rows k0 .. k1 - 1 (asked once per run of a target,
 * as the files are sorted by target). */
static bool keeps_all_targets(const cz_row_reader *r, size_t k0, size_t k1) {
  const cz_edge_filter *flt = r->flt;
  if (!flt || !flt->keep_target) return true;
  const uint64_t *tgt = r->ch->tgt;
  for (size_t k = k0; k < k1; k++)
    if ((k == k0 || tgt[k] != tgt[k - 1]) && !flt->keep_target(flt->ctx, r->e->target_pop, (uint32_t)tgt[k]))
      return false;
  return true;
}

/* The column-wise form of take_plain_each, for rows whose targets are all kept: each array of
 * the batch written in a loop of its own, the checks folded into flags instead of a branch per
 * edge. False, having stored nothing that counts (e->n unchanged), when an edge fails a check:
 * take_plain_each then names it. */
static bool take_plain_columns(cz_row_reader *r, size_t a, size_t k0, size_t k1, plain_values how, uint64_t group) {
  cz_edge_pop *e = r->e;
  const cz_edge_chunk *ch = r->ch;
  const size_t n = e->n, m = k1 - k0;
  const uint64_t *src = ch->src + k0, *tgt = ch->tgt + k0, *tid = ch->type_id + k0;
  uint32_t *srow = e->source_row + n, *trow = e->target_row + n, *type = e->type + n;
  const uint32_t *dense = r->ti->dense;
  bool ok = true;
  for (size_t j = 0; j < m; j++) srow[j] = (uint32_t)src[j];
  for (size_t j = 0; j < m; j++) trow[j] = (uint32_t)tgt[j];
  for (size_t j = 0; j < m; j++) {
    type[j] = dense[tid[j]];
    ok &= type[j] != UINT32_MAX;
  }
  if (r->sink->file_rows)
    for (size_t j = 0; j < m; j++) e->file_row[n + j] = a + k0 + j;
  if (!ok) return false;
  if (how == PLAIN_GROUP_COLUMNS) {
    const cz_edge_group *g = &r->eg->g[group];
    const double *wcol = column_window(&g->syn_weight), *ncol = column_window(&g->nsyns);
    const double *dcol = column_window(&g->delay);
    const uint64_t *idx = ch->index + k0;
    double *weight = e->col.syn_weight + n, *delay = e->col.delay + n;
    double *nsyns = e->col.nsyns ? e->col.nsyns + n : NULL;
    /* x * 0 is NaN exactly when x is not finite, so the sum below stays 0 only if every value
     * the group gives is finite (a type's value may be NAN: it has none) */
    double nonfinite = 0.0;
    if (wcol && dcol && !ncol && !nsyns) { /* the usual group: syn_weight and delay */
      for (size_t j = 0; j < m; j++) {
        const uint64_t x = idx[j];
        const double w = wcol[x], d = dcol[x];
        nonfinite += w * 0.0 + d * 0.0;
        weight[j] = w;
        delay[j] = d;
      }
    } else {
      for (size_t j = 0; j < m; j++) {
        const cz_edge_type_info *ti = &r->info[type[j]];
        const uint64_t x = idx[j];
        const double w = wcol ? wcol[x] : ti->col.syn_weight, ns = ncol ? ncol[x] : ti->col.nsyns;
        const double d = dcol ? dcol[x] : ti->col.delay;
        nonfinite += (wcol ? w * 0.0 : 0.0) + (ncol ? ns * 0.0 : 0.0) + (dcol ? d * 0.0 : 0.0);
        weight[j] = w;
        delay[j] = d;
        if (nsyns) nsyns[j] = ns;
      }
    }
    ok = nonfinite == 0.0;
  }
  if (!ok) return false;
  e->n = n + m;
  if (r->in_ranges) r->seen += m;
  return true;
}

/* cz_edge_read_rows' loop for a chunk plain_chunk accepts (rows a .. a + m - 1): the same edges, kept
 * and checked as the general loop keeps and checks them, without its per-edge lookups. The
 * chunk goes in segments that fit the batch (full batches handed on in between), each taken
 * column-wise when it can be, else edge by edge. */
/* Rows per column-wise segment: a segment's columns stay in cache from one loop to the next. */
enum { PLAIN_SEGMENT = 8192 };

static cz_status take_plain_rows(cz_row_reader *r, size_t a, size_t m, plain_values how, uint64_t group) {
  const cz_edge_filter *flt = r->flt;
  cz_edge_pop *e = r->e;
  cz_status st = CZ_OK;
  for (size_t k0 = 0; k0 < m;) {
    if (e->n == r->sink->cap) {
      if (r->batching && (st = flt->batch(flt->batch_ctx, r->c, r->e_index, e)) == CZ_OK) {
        r->streamed += e->n;
        e->n = 0;
      }
      r->batch_failed = st != CZ_OK;
      if (st == CZ_OK && !r->batching) st = cz_edge_sink_reserve(r->sink, e->n + (m - k0));
      if (st != CZ_OK) return st;
    }
    size_t k1 = k0 + (m - k0 < r->sink->cap - e->n ? m - k0 : r->sink->cap - e->n);
    if (k1 - k0 > PLAIN_SEGMENT) k1 = k0 + PLAIN_SEGMENT;
    if (!(keeps_all_targets(r, k0, k1) && take_plain_columns(r, a, k0, k1, how, group)) &&
        (st = take_plain_each(r, a, k0, k1, how, group)) != CZ_OK)
      return st;
    k0 = k1;
  }
  return CZ_OK;
}

/* The first span ending after row a. */
static size_t span_after(const uint64_t *spans, size_t ns, size_t a) {
  size_t lo = 0, hi = ns;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (spans[3 * mid + 1] <= a) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Whether the spans cover rows [a, a + m) without a gap: the spans are those of the kept
 * targets only, and rows read through between them (other parties' targets) have no span. */
static bool spans_cover(const uint64_t *spans, size_t ns, size_t a, size_t m) {
  size_t at = a;
  for (size_t sp = span_after(spans, ns, a); at < a + m && sp < ns && spans[3 * sp] <= at; sp++) at = spans[3 * sp + 1];
  return at >= a + m;
}

/* The target ids of rows [a, a + m), from the spans of a checked index that cover them. */
static void targets_of_rows(const uint64_t *spans, size_t ns, size_t a, size_t m, uint64_t *tgt) {
  for (size_t k = 0, sp = span_after(spans, ns, a); k < m && sp < ns; sp++) {
    const size_t end = spans[3 * sp + 1] - a < m ? (size_t)(spans[3 * sp + 1] - a) : m;
    const uint64_t node = spans[3 * sp + 2];
    for (; k < end; k++) tgt[k] = node;
  }
}

/* Reads the rows of ranges chunk by chunk, checks each kept edge and adds it to the sink. */
static cz_status read_rows_in(cz_row_reader *r, const cz_row_ranges *ranges) {
  const cz_edge_filter *flt = r->flt;
  cz_edge_pop *e = r->e;
  const cz_node_pop *sp = &r->c->nodes[e->source_pop], *tp = &r->c->nodes[e->target_pop];
  const bool plain_ids = sp->identity_ids && tp->identity_ids; /* node id = row */
  cz_edge_chunk *ch = r->ch;
  cz_status st = CZ_OK;
  for (size_t q = 0; q < ranges->n && st == CZ_OK; q++)
    for (size_t a = (size_t)ranges->r[2 * q]; a < ranges->r[2 * q + 1] && st == CZ_OK; a += r->cap) {
      const size_t m = (size_t)ranges->r[2 * q + 1] - a < r->cap ? (size_t)ranges->r[2 * q + 1] - a : r->cap;
      const bool from_spans = r->spans && spans_cover(r->spans, r->nspans, a, m);
      st = read_chunk(r->f, r->p, a, m, !from_spans, r->need_index, ch);
      if (st == CZ_OK && from_spans) targets_of_rows(r->spans, r->nspans, a, m, ch->tgt);
      if (st == CZ_OK && r->need_index) st = read_group_windows(r->f, e->file, e->name, r->eg, a, m, ch->group, ch->index);
      plain_values how = PLAIN_NONE;
      uint64_t group = 0;
      if (st == CZ_OK && plain_chunk(r, m, plain_ids, &how, &group)) {
        st = take_plain_rows(r, a, m, how, group);
        continue;
      }
      /* Files are sorted by target, so a target's answer serves its run of rows. */
      uint32_t last_trow = UINT32_MAX;
      bool last_keep = true;
      for (size_t k = 0; k < m && st == CZ_OK; k++) {
        uint32_t trow = 0, srow = 0, type = 0;
        if (plain_ids && ch->tgt[k] < tp->n && ch->src[k] < sp->n) {
          trow = (uint32_t)ch->tgt[k];
          srow = (uint32_t)ch->src[k];
        } else {
          st = cz_edge_endpoint_row(tp, ch->tgt[k], e->file, r->p->tgt, a + k, &trow);
          if (st == CZ_OK) st = cz_edge_endpoint_row(sp, ch->src[k], e->file, r->p->src, a + k, &srow);
          if (st != CZ_OK) break;
        }
        if (flt && flt->keep_target && trow != last_trow) {
          last_trow = trow;
          last_keep = flt->keep_target(flt->ctx, e->target_pop, trow);
        }
        if (r->in_ranges) {
          if (!last_keep) continue; /* a row between ranges */
          r->seen++;
        }
        if (flt && flt->keep && !flt->keep(flt->ctx, e->source_pop, srow, e->target_pop, trow)) continue;
        if (!r->in_ranges && flt && !flt->keep && flt->keep_target && !last_keep) continue;
        if (!cz_type_index_row(r->ti, ch->type_id[k], &type)) {
          st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s[%zu] = %llu is not an edge_type_id of %s", e->file, r->p->type, a + k,
                        (unsigned long long)ch->type_id[k], r->types->path);
          break;
        }
        if (e->n == r->sink->cap) {
          if (r->batching && (st = flt->batch(flt->batch_ctx, r->c, r->e_index, e)) == CZ_OK) {
            r->streamed += e->n;
            e->n = 0;
          }
          r->batch_failed = st != CZ_OK;
          if (st == CZ_OK && !r->batching) st = cz_edge_sink_reserve(r->sink, e->n + 1);
          if (st != CZ_OK) break;
        }
        e->source_row[e->n] = srow;
        e->target_row[e->n] = trow;
        e->type[e->n] = type;
        if (r->sink->file_rows) e->file_row[e->n] = a + k;
        /* Without per-edge columns every edge takes its type's: nothing to resolve. */
        if (r->sink->per_edge)
          st = resolve_columns(e, e->n, r->eg, &r->info[type], r->need_index ? ch->group[k] : UINT64_MAX,
                               r->need_index ? ch->index[k] : 0);
        e->n++;
      }
    }
  return st;
}

/* read_rows_in, and when the files break their format at an edge of a stream, the kept edges
 * before it go to the batch first: the consumer's own checks of those edges come earlier in
 * file order, so its error, if any, is the one reported. */
cz_status cz_edge_read_rows(cz_row_reader *r, const cz_row_ranges *ranges) {
  cz_status st = read_rows_in(r, ranges);
  if (st == CZ_OK || r->batch_failed || !r->batching || r->e->n == 0) return st;
  cz_error_note format;
  cz_error_take(st, &format);
  const cz_status bst = r->flt->batch(r->flt->batch_ctx, r->c, r->e_index, r->e);
  r->e->n = 0;
  if (bst == CZ_OK) return cz_error_raise(&format);
  cz_error_note_free(&format);
  return bst;
}

/* The node populations at the two ends of edge population name and its number of edges,
 * checked: both populations exist, the target is not virtual, and the id datasets are 1-D
 * and equally long. */
cz_status cz_edge_pop_ends(const cz_circuit *c, cz_h5file *f, const char *file, const char *name,
                               uint32_t *source_pop, uint32_t *target_pop, size_t *n_file) {
  char src[1024], tgt[1024];
  snprintf(src, sizeof src, "/edges/%s/source_node_id", name);
  snprintf(tgt, sizeof tgt, "/edges/%s/target_node_id", name);
  CZ_CHECK(cz_h5_is_dataset(f, src), CZ_ERR_FORMAT, "%s: edge population %s has no dataset %s", file, name, src);
  CZ_CHECK(cz_h5_is_dataset(f, tgt), CZ_ERR_FORMAT, "%s: edge population %s has no dataset %s", file, name, tgt);
  char *src_pop = NULL, *tgt_pop = NULL;
  cz_status st = read_pop_attr(f, src, "node_population", &src_pop);
  if (st == CZ_OK) st = read_pop_attr(f, tgt, "node_population", &tgt_pop);
  int sp = src_pop ? cz_circuit_find_pop(c, src_pop) : -1, tp = tgt_pop ? cz_circuit_find_pop(c, tgt_pop) : -1;
  /* BMTK refuses edges whose populations were not loaded; say why one may be missing. */
  const char *why = c->nodes_disabled ? " (networks.nodes entries with \"enabled\": false are not loaded)" : "";
  if (st == CZ_OK && sp < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s@node_population names population '%s', which no loaded nodes file defines%s",
                  file, src, src_pop, why);
  if (st == CZ_OK && tp < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s@node_population names population '%s', which no loaded nodes file defines%s",
                  file, tgt, tgt_pop, why);
  if (st == CZ_OK && c->nodes[tp].n > 0 && c->nodes[tp].nvirtual == c->nodes[tp].n)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: edge population %s targets the virtual population %s", file, name, tgt_pop);
  free(src_pop);
  free(tgt_pop);
  CZ_TRY(st);
  cz_h5_info is, it;
  CZ_TRY(cz_h5_info_of(f, src, &is));
  CZ_TRY(cz_h5_info_of(f, tgt, &it));
  CZ_CHECK(is.rank == 1 && it.rank == 1, CZ_ERR_FORMAT, "%s: %s and %s must be 1-D datasets", file, src, tgt);
  CZ_CHECK(is.dims[0] == it.dims[0], CZ_ERR_FORMAT, "%s: %s has %llu entries but %s has %llu", file, src,
           (unsigned long long)is.dims[0], tgt, (unsigned long long)it.dims[0]);
  const cz_node_pop *spp = &c->nodes[sp], *tpp = &c->nodes[tp];
  CZ_CHECK(spp->n < UINT32_MAX && tpp->n < UINT32_MAX, CZ_ERR_FORMAT, "%s: populations of %s are too large to index",
           file, name);
  *source_pop = (uint32_t)sp;
  *target_pop = (uint32_t)tp;
  *n_file = (size_t)is.dims[0];
  return CZ_OK;
}

/* A new, empty population at the end of c->edges; a name already there is an error. */
cz_status cz_edge_pop_append(cz_circuit *c, const char *file, const char *name, cz_edge_pop **out) {
  for (size_t i = 0; i < c->nedges; i++)
    CZ_CHECK(strcmp(c->edges[i].name, name) != 0, CZ_ERR_FORMAT,
             "%s: edge population '%s' is defined twice (also in %s)", file, name, c->edges[i].file);
  cz_edge_pop *grown = realloc(c->edges, (c->nedges + 1) * sizeof *grown);
  CZ_CHECK(grown != NULL, CZ_ERR_NOMEM, "out of memory");
  c->edges = grown;
  *out = &c->edges[c->nedges++];
  memset(*out, 0, sizeof **out);
  return CZ_OK;
}

/* First row of part `part` when n rows are split into nparts nearly equal slices. */
size_t cz_slice_start(size_t n, int part, int nparts) {
  const size_t q = n / (size_t)nparts, r = n % (size_t)nparts; /* n * part / nparts without overflow */
  return q * (size_t)part + r * (size_t)part / (size_t)nparts;
}

void cz_edge_arrays_free(cz_edge_pop *e) {
  free(e->source_row);
  free(e->target_row);
  free(e->file_row);
  free(e->type);
  free(e->col.syn_weight);
  free(e->col.nsyns);
  free(e->col.delay);
  e->source_row = e->target_row = NULL;
  e->file_row = NULL;
  e->type = NULL;
  e->col.syn_weight = e->col.nsyns = e->col.delay = NULL;
}

