/* Edge streams: the per-thread edge reader (io/edge_streams.h).
 * cz_edge_streams_open does, on one thread, everything that asks HDF5
 * about the files (types, groups, dataset shapes, the target_to_source index, checked against
 * the target ids of a slice of the rows, or trusted when checked before); cz_edge_streams_read
 * then only reads ranges of rows, which the HDF5 layer serves on any number of threads at once
 * (contiguous datasets with pread). Each thread reads the rows of the targets its filter
 * keeps, through the index, into its own slot (chunk buffers, batch arrays, group windows and
 * a view of the population), so threads share nothing they write. */
#include "io/edge_streams.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/circuit_types.h"
#include "io/edge_index.h"
#include "io/edge_read.h"
#include "io/h5.h"

typedef struct stream_file {
  cz_h5file *f;
  cz_type_index ti;
  cz_edge_type_info *info;
  const cz_csv *types; /* owned by the circuit */
} stream_file;

typedef struct stream_pop {
  size_t file; /* index into files */
  size_t e;    /* index into c->edges */
  cz_edge_paths p;
  size_t n_file;
  cz_edge_groups eg; /* columns; every read has windows of its own */
  cz_index_spans ks; /* the index's spans of the targets the streams keep */
  bool by_target; /* the index lists exactly the population's edges (as far as checked) */
  bool rows_checked; /* every row's target id is its span's node (checked now, or before by
                        this circuit: cz_circuit_index_verified), so reads take the ids from the spans */
  size_t gap;     /* cz_edge_index_gap */
} stream_pop;

struct cz_edge_streams {
  cz_circuit *c;
  size_t nfiles, npops;
  stream_file *files;
  stream_pop *pops;
  int nslots;
  cz_edge_chunk **slot; /* [nslots] */
};

static void stream_pop_free(stream_pop *sp) {
  cz_edge_groups_free(&sp->eg);
  cz_index_spans_free(&sp->ks);
}

void cz_edge_streams_close(cz_edge_streams **ps) {
  cz_edge_streams *s = ps ? *ps : NULL;
  if (!s) return;
  for (size_t i = 0; i < s->npops; i++) stream_pop_free(&s->pops[i]);
  for (size_t k = 0; k < s->nfiles; k++) {
    cz_h5_close(&s->files[k].f);
    cz_type_index_free(&s->files[k].ti);
    free(s->files[k].info);
  }
  for (int t = 0; t < s->nslots; t++) cz_edge_chunk_free(s->slot[t]);
  free(s->slot);
  free(s->files);
  free(s->pops);
  cz_circuit_free_edges(s->c);
  free(s);
  *ps = NULL;
}

/* Reads the spans of the kept targets from population sp's index (their ranges must lie in
 * the rows, disjoint, and the whole table's ranges must sum to the rows). With check_rows the
 * index is checked here, unless this circuit checked it before: when the kept targets hold
 * every row, against their rows; otherwise in full (cz_edge_index_verify, piece by piece).
 * sp->by_target tells whether it held so far. buf: cap entries of scratch. */
static cz_status stream_index(cz_circuit *c, cz_h5file *f, const cz_edge_pop *e, stream_pop *sp,
                              const cz_edge_filter *keep, bool check_rows, uint64_t *buf, size_t cap) {
  const cz_node_pop *tp = &c->nodes[e->target_pop];
  char key[2048];
  snprintf(key, sizeof key, "%s:%s", e->file, e->name);
  const bool verified = cz_circuit_index_verified(c, key);
  CZ_TRY(cz_edge_index_kept_spans(f, e, tp, sp->n_file, keep, check_rows && !verified, &sp->ks, &sp->by_target));
  if (!sp->by_target) return CZ_OK;
  sp->rows_checked = verified;
  if (sp->rows_checked || !check_rows) return CZ_OK;
  if (sp->ks.rows == sp->n_file)
    CZ_TRY(cz_edge_index_check_span_rows(f, sp->p.tgt, sp->ks.s, sp->ks.n, buf, cap, &sp->by_target));
  else
    CZ_TRY(cz_edge_index_verify(f, e, tp, sp->p.tgt, sp->n_file, buf, cap, &sp->by_target));
  sp->rows_checked = sp->by_target;
  return sp->by_target ? cz_circuit_mark_verified(c, key) : CZ_OK;
}

/* Adds population `name` of file k to the streams: its metadata into c->edges, the rest into
 * a stream_pop. */
static cz_status stream_pop_open(cz_edge_streams *s, size_t k, const char *file, const char *name,
                                 const cz_edge_filter *keep, bool check_rows) {
  cz_circuit *c = s->c;
  cz_edge_pop *e = NULL;
  CZ_TRY(cz_edge_pop_append(c, file, name, &e));
  stream_pop *sp = &s->pops[s->npops++];
  memset(sp, 0, sizeof *sp);
  sp->file = k;
  sp->e = c->nedges - 1;
  const stream_file *sf = &s->files[k];
  CZ_TRY(cz_strdup(name, &e->name));
  CZ_TRY(cz_strdup(file, &e->file));
  CZ_TRY(cz_edge_pop_ends(c, sf->f, file, name, &e->source_pop, &e->target_pop, &sp->n_file));
  CZ_TRY(cz_edge_types_of(e, sf->info, sf->types));
  char path[1024];
  snprintf(path, sizeof path, "/edges/%s", name);
  CZ_TRY(cz_edge_groups_load(sf->f, path, &sp->eg));
  cz_edge_paths_of(sf->f, name, &sp->p);
  sp->gap = cz_edge_index_gap(sf->f, sp->p.src, sp->p.tgt);
  CZ_TRY(cz_edge_check_length(sf->f, sp->p.type, sp->n_file, true));
  CZ_TRY(cz_edge_check_length(sf->f, sp->p.group, sp->n_file, false));
  CZ_TRY(cz_edge_check_length(sf->f, sp->p.index, sp->n_file, false));
  cz_edge_chunk *ch = s->slot[0];
  return stream_index(c, sf->f, e, sp, keep, check_rows, ch->tgt, ch->cap);
}

static cz_status stream_file_open(cz_edge_streams *s, const cz_config *cfg, size_t k, const cz_edge_filter *keep,
                                  bool check_rows) {
  const cz_cfg_edges *ce = &cfg->edges[k];
  stream_file *sf = &s->files[s->nfiles++];
  memset(sf, 0, sizeof *sf);
  cz_csv *types = NULL;
  cz_status rs = cz_csv_read(ce->edge_types_file, &types);
  if (rs != CZ_OK) return cz_error_prefix(rs, "networks.edges[%zu].edge_types_file", k);
  CZ_TRY(cz_circuit_keep_table(s->c, types));
  sf->types = types;
  CZ_TRY(cz_type_index_build(types, "edge_type_id", &sf->ti));
  CZ_TRY(cz_edge_type_infos(s->c, cfg, types, &sf->info));
  cz_status st = cz_h5_open_read(ce->edges_file, &sf->f);
  if (st != CZ_OK) return cz_error_prefix(st, "networks.edges[%zu].edges_file", k);
  CZ_CHECK(cz_h5_is_group(sf->f, "/edges"), CZ_ERR_FORMAT, "%s: no /edges group (networks.edges[%zu].edges_file)",
           ce->edges_file, k);
  char **pops = NULL;
  size_t npops = 0;
  CZ_TRY(cz_h5_list(sf->f, "/edges", &pops, &npops));
  stream_pop *grown = realloc(s->pops, (s->npops + npops + 1) * sizeof *grown);
  st = grown ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (grown) s->pops = grown;
  for (size_t i = 0; i < npops && st == CZ_OK; i++)
    st = stream_pop_open(s, s->nfiles - 1, ce->edges_file, pops[i], keep, check_rows);
  cz_h5_free_names(pops, npops);
  return st;
}

cz_status cz_edge_streams_open(cz_circuit *c, const cz_config *cfg, int nslots, const cz_edge_filter *keep,
                               bool check_rows, cz_edge_streams **out) {
  *out = NULL;
  CZ_CHECK(c->nedges == 0, CZ_ERR_INTERNAL, "edges are already loaded");
  CZ_CHECK(nslots >= 1 && keep && keep->keep_target, CZ_ERR_INTERNAL, "edge streams: %d slots, or no target filter",
           nslots);
  cz_edge_streams *s = NULL;
  CZ_NEW(s, 1);
  s->c = c;
  cz_status st = CZ_OK;
  s->files = cz_calloc(cfg->nedges + 1, sizeof *s->files);
  s->slot = cz_calloc((size_t)nslots, sizeof *s->slot);
  if (!s->files || !s->slot) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) s->nslots = nslots;
  for (int t = 0; t < s->nslots && st == CZ_OK; t++) st = cz_edge_chunk_new(CZ_EDGE_CHUNK, &s->slot[t]);
  for (size_t k = 0; k < cfg->nedges && st == CZ_OK; k++)
    if (cfg->edges[k].enabled) st = stream_file_open(s, cfg, k, keep, check_rows);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_edge_streams_close(&s);
    return st;
  }
  *out = s;
  return CZ_OK;
}

size_t cz_edge_streams_count(const cz_edge_streams *s) { return s->npops; }

cz_status cz_edge_streams_check_rows(cz_edge_streams *s, size_t i, int slot, int part, int nparts, bool *ok) {
  CZ_CHECK(i < s->npops && slot >= 0 && slot < s->nslots && part >= 0 && part < nparts, CZ_ERR_INTERNAL,
           "edge streams: population %zu, slot %d, part %d of %d", i, slot, part, nparts);
  const stream_pop *sp = &s->pops[i];
  *ok = sp->by_target;
  if (!sp->by_target || sp->rows_checked) return CZ_OK;
  const size_t lo = cz_slice_start(sp->ks.n, part, nparts), hi = cz_slice_start(sp->ks.n, part + 1, nparts);
  cz_edge_chunk *ch = s->slot[slot];
  return cz_edge_index_check_span_rows(s->files[sp->file].f, sp->p.tgt, sp->ks.s + 3 * lo, hi - lo, ch->tgt, ch->cap,
                                       ok);
}

void cz_edge_streams_rows(const cz_edge_streams *s, size_t i, uint64_t *kept, uint64_t *total) {
  *kept = s->pops[i].ks.rows;
  *total = s->pops[i].n_file;
}

bool cz_edge_streams_index_ok(const cz_edge_streams *s, size_t i) { return s->pops[i].by_target; }

cz_status cz_edge_streams_set_index_ok(cz_edge_streams *s, size_t i, bool ok) {
  stream_pop *sp = &s->pops[i];
  sp->by_target = sp->rows_checked = ok;
  if (!ok) return CZ_OK;
  const cz_edge_pop *e = &s->c->edges[sp->e];
  char key[2048];
  snprintf(key, sizeof key, "%s:%s", e->file, e->name);
  return cz_circuit_index_verified(s->c, key) ? CZ_OK : cz_circuit_mark_verified(s->c, key);
}

bool cz_edge_streams_by_target(const cz_edge_streams *s) {
  for (size_t i = 0; i < s->npops; i++)
    if (!s->pops[i].by_target) return false;
  return true;
}

cz_status cz_edge_streams_in_counts(const cz_edge_streams *s, size_t e, cz_edge_count_fn add, void *ctx) {
  const stream_pop *sp = NULL;
  for (size_t i = 0; i < s->npops && !sp; i++)
    if (s->pops[i].e == e) sp = &s->pops[i];
  CZ_CHECK(sp && sp->by_target, CZ_ERR_INTERNAL, "edge population %zu has no checked index", e);
  const cz_node_pop *tp = &s->c->nodes[s->c->edges[e].target_pop];
  for (size_t i = 0; i < sp->ks.n; i++) {
    const uint64_t *span = &sp->ks.s[3 * i];
    size_t row = 0;
    CZ_CHECK(cz_circuit_row_of(tp, span[2], &row), CZ_ERR_INTERNAL, "edge population %zu: a kept span names node %llu",
             e, (unsigned long long)span[2]);
    add(ctx, (uint32_t)row, span[1] - span[0]);
  }
  return CZ_OK;
}

/* The row ranges of the kept spans' targets flt keeps too, sorted, ranges at most sp->gap rows
 * apart merged; *expected: their rows. */
static cz_status stream_ranges(const cz_circuit *c, const stream_pop *sp, const cz_edge_filter *flt, cz_row_ranges *out,
                               size_t *expected) {
  const cz_edge_pop *e = &c->edges[sp->e];
  const cz_node_pop *tp = &c->nodes[e->target_pop];
  out->n = 0;
  uint64_t last_id = UINT64_MAX;
  bool keep = false;
  for (size_t i = 0; i < sp->ks.n; i++) {
    const uint64_t *span = &sp->ks.s[3 * i];
    if (span[2] != last_id) { /* a node's spans tend to come together */
      size_t row = 0;
      last_id = span[2];
      keep = cz_circuit_row_of(tp, span[2], &row) && flt->keep_target(flt->ctx, e->target_pop, (uint32_t)row);
    }
    if (!keep) continue;
    void *grown = out->r;
    CZ_TRY(cz_grow(&grown, &out->cap, 2 * (out->n + 1), sizeof *out->r));
    out->r = grown;
    out->r[2 * out->n] = span[0];
    out->r[2 * out->n + 1] = span[1];
    out->n++;
  }
  CZ_CHECK(cz_row_ranges_merge(out, sp->gap, expected), CZ_ERR_INTERNAL, "%s: the checked index of %s has overlapping ranges", e->file,
           e->name);
  return CZ_OK;
}

/* Group windows of one read: the columns' paths shared, the windows its own. */
static cz_status windows_of(const cz_edge_groups *eg, cz_edge_groups *own) {
  own->n = 0;
  CZ_NEW(own->g, eg->n + 1);
  own->n = eg->n;
  for (size_t g = 0; g < eg->n; g++) {
    own->g[g] = eg->g[g];
    for (int k = 0; k < 3; k++) {
      cz_edge_col *col = cz_edge_group_col(&own->g[g], k);
      col->win = NULL;
      col->cap = col->cnt = col->lo = 0;
    }
  }
  return CZ_OK;
}

static void windows_free(cz_edge_groups *own) {
  for (size_t g = 0; g < own->n; g++)
    for (int k = 0; k < 3; k++) free(cz_edge_group_col(&own->g[g], k)->win);
  free(own->g);
  own->g = NULL;
  own->n = 0;
}

static cz_status stream_pop_read(cz_edge_streams *s, const stream_pop *sp, int slot, const cz_edge_filter *flt,
                                 cz_row_ranges *ranges) {
  const cz_circuit *c = s->c;
  const stream_file *sf = &s->files[sp->file];
  cz_edge_chunk *ch = s->slot[slot];
  const bool ids_only = flt->ids_only;
  cz_edge_pop view = c->edges[sp->e]; /* names and types shared; the edges are this slot's */
  view.n = 0;
  view.via_index = true;
  cz_edge_sink sink = {&view, cz_edge_groups_any(&sp->eg) && !ids_only, 0, true, false};
  sink.nsyns = sink.per_edge && cz_edge_groups_nsyns(&sp->eg);
  view.ids_only = ids_only;
  sink.cap = flt->batch_edges ? flt->batch_edges : CZ_EDGE_CHUNK;
  size_t expected = 0;
  CZ_TRY(stream_ranges(c, sp, flt, ranges, &expected));
  if (ranges->n == 0) return CZ_OK;
  CZ_TRY(cz_edge_batch_lend(ch, sink.cap, sink.per_edge, sink.nsyns, &view));
  cz_edge_groups own = {0, NULL};
  cz_status st = windows_of(&sp->eg, &own);
  const size_t cap = ch->cap < sp->n_file ? ch->cap : (sp->n_file ? sp->n_file : 1);
  cz_row_reader reader = {.c = c, .f = sf->f, .e = &view, .e_index = sp->e, .p = &sp->p,
                       .need_index = cz_edge_groups_any(&sp->eg) && !ids_only, .ids_only = ids_only,
                       .batching = true, .eg = &own, .ti = &sf->ti, .info = sf->info, .types = sf->types,
                       .flt = flt, .sink = &sink, .ch = ch, .cap = cap, .in_ranges = true,
                       .spans = sp->rows_checked ? sp->ks.s : NULL, .nspans = sp->ks.n};
  if (st == CZ_OK) st = cz_edge_read_rows(&reader, ranges);
  if (st == CZ_OK && reader.seen != expected)
    st = CZ_ERROR(CZ_ERR_INTERNAL, "%s: the checked index of %s missed edges", view.file, view.name);
  if (st == CZ_OK && view.n > 0) st = flt->batch(flt->batch_ctx, c, sp->e, &view);
  windows_free(&own);
  return st;
}

cz_status cz_edge_streams_read(cz_edge_streams *s, int slot, const cz_edge_filter *flt) {
  CZ_CHECK(slot >= 0 && slot < s->nslots && flt && flt->keep_target && !flt->keep && flt->batch, CZ_ERR_INTERNAL,
           "edge streams: slot %d of %d, or a filter without keep_target and batch", slot, s->nslots);
  CZ_CHECK(cz_edge_streams_by_target(s), CZ_ERR_INTERNAL, "edge streams: an edge population has no checked index");
  cz_row_ranges ranges = {0, 0, NULL};
  cz_status st = CZ_OK;
  for (size_t i = 0; i < s->npops && st == CZ_OK; i++) st = stream_pop_read(s, &s->pops[i], slot, flt, &ranges);
  free(ranges.r);
  return st;
}

