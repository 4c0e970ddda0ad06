/* Loading edge populations into the circuit (cz_circuit_load_edges, io/circuit.h): each
 * edges file with its edge types table, every population read through the edge reader
 * (io/edge_read.h), whole or by the targets a filter keeps. When the filter answers for targets
 * alone and the file has a target_to_source index that holds (io/edge_index.h), only the rows
 * of the kept targets are read; otherwise every row is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/circuit.h"
#include "io/circuit_types.h"
#include "io/edge_index.h"
#include "io/edge_read.h"
#include "io/h5.h"

/* Reads the population in chunks of CZ_EDGE_CHUNK rows, so the scratch memory is bounded, and
 * keeps the edges the filter accepts (all when it is NULL). Every kept edge is validated. */
static cz_status read_edges(cz_circuit *c, cz_h5file *f, cz_edge_pop *e, size_t n_file, const cz_type_index *ti,
                            const cz_edge_type_info *info, cz_edge_groups *eg, const cz_csv *types,
                            const cz_edge_filter *flt) {
  cz_edge_paths p;
  cz_edge_paths_of(f, e->name, &p);
  CZ_TRY(cz_edge_check_length(f, p.type, n_file, true));
  CZ_TRY(cz_edge_check_length(f, p.group, n_file, false));
  CZ_TRY(cz_edge_check_length(f, p.index, n_file, false));
  const bool ids_only = flt && flt->ids_only;
  const bool need_index = cz_edge_groups_any(eg) && !ids_only;
  const cz_node_pop *tp = &c->nodes[e->target_pop];
  const bool batching = flt && flt->batch;
  cz_edge_sink sink = {e, cz_edge_groups_any(eg) && !ids_only, 0, batching || (flt && flt->file_rows), false};
  sink.nsyns = sink.per_edge && cz_edge_groups_nsyns(eg);
  e->ids_only = ids_only;
  const size_t e_index = (size_t)(e - c->edges);
  /* The rows to read: the kept targets' ranges from the index, or the whole population. */
  cz_row_ranges ranges = {0, 0, NULL};
  bool indexed = false, inconsistent = false;
  size_t expected = 0; /* rows of kept targets, by the index's count */
  cz_status st = CZ_OK;
  if (flt && flt->keep_target) st = cz_edge_index_ranges(f, e, tp, n_file, flt, &ranges, &expected, &indexed);
  const size_t cap = n_file < CZ_EDGE_CHUNK ? (n_file ? n_file : 1) : CZ_EDGE_CHUNK;
  cz_edge_chunk *chp = NULL;
  if (st == CZ_OK) st = cz_edge_chunk_get(c, cap, &chp);
  cz_edge_chunk ch = chp ? *chp : (cz_edge_chunk){0};
  /* The index is trusted once it has been checked against every edge of the file (kept in c, so
   * that later loads of other targets need no check), or when the kept targets own exactly as
   * many rows in the whole file as in its ranges: one pass over the target ids either way,
   * cheaper than reading every dataset. */
  char key[2048];
  snprintf(key, sizeof key, "%s:%s", e->file, e->name);
  bool trusted = indexed && cz_circuit_index_verified(c, key);
  if (st == CZ_OK && indexed && !trusted) {
    bool ok = false;
    st = cz_edge_index_verify(f, e, tp, p.tgt, n_file, ch.tgt, cap, &ok);
    if (st == CZ_OK && ok) {
      trusted = true;
      st = cz_circuit_mark_verified(c, key);
    }
  }
  /* Streamed batches cannot be taken back, so a stream reads through a checked index only. */
  if (st == CZ_OK && batching && indexed && !trusted) {
    inconsistent = true;
    cz_log_warn("%s: the target_to_source index of %s does not match its edges; reading every edge", e->file, e->name);
  }
  if (st == CZ_OK && indexed && !trusted && !inconsistent) {
    size_t owned = 0;
    for (size_t a = 0; a < n_file && st == CZ_OK; a += cap) {
      const size_t m = n_file - a < cap ? n_file - a : cap;
      st = cz_h5_read_u64_range(f, p.tgt, a, m, ch.tgt);
      for (size_t k = 0; k < m && st == CZ_OK; k++) {
        uint32_t trow = 0;
        st = cz_edge_endpoint_row(tp, ch.tgt[k], e->file, p.tgt, a + k, &trow);
        if (st == CZ_OK && flt->keep_target(flt->ctx, e->target_pop, trow)) owned++;
      }
    }
    if (st == CZ_OK && owned != expected) {
      inconsistent = true;
      cz_log_warn("%s: the target_to_source index of %s does not match its edges; reading every edge", e->file,
                  e->name);
    }
  }
  /* Size the arrays once when the number of kept edges is known: growing them by doubling
   * would copy them repeatedly. */
  if (st == CZ_OK && batching) {
    sink.cap = flt->batch_edges ? flt->batch_edges : CZ_EDGE_CHUNK;
    st = cz_edge_batch_lend(chp, sink.cap, sink.per_edge, sink.nsyns, e);
  } else if (st == CZ_OK && (!flt || (!flt->keep && !flt->keep_target))) {
    st = cz_edge_sink_reserve(&sink, n_file);
  } else if (st == CZ_OK && indexed && !inconsistent) {
    st = cz_edge_sink_reserve(&sink, expected);
  }
  cz_row_reader reader = {.c = c, .f = f, .e = e, .e_index = e_index, .p = &p, .need_index = need_index,
                       .ids_only = ids_only, .batching = batching, .eg = eg, .ti = ti, .info = info, .types = types,
                       .flt = flt, .sink = &sink, .ch = &ch, .cap = cap};
  for (int pass = indexed && !inconsistent ? 0 : 1; pass < 2 && st == CZ_OK; pass++) {
    if (pass == 1) {
      if (indexed && !inconsistent) break;
      /* No index, or one that pointed at another node's edges: read every row. */
      e->n = 0;
      ranges.n = 0;
      void *grown = ranges.r;
      st = cz_grow(&grown, &ranges.cap, 2, sizeof *ranges.r);
      ranges.r = grown;
      if (st == CZ_OK && n_file > 0) {
        ranges.r[0] = 0;
        ranges.r[1] = n_file;
        ranges.n = 1;
      }
    }
    reader.in_ranges = pass == 0;
    if (st == CZ_OK) st = cz_edge_read_rows(&reader, &ranges);
    /* Rows of kept targets outside the index's ranges would be lost: the counts must agree. */
    if (pass == 0 && st == CZ_OK && reader.seen != expected) inconsistent = true;
    if (pass == 0 && st == CZ_OK && inconsistent && batching)
      st = CZ_ERROR(CZ_ERR_INTERNAL, "%s: the checked index of %s missed edges", e->file, e->name);
    if (pass == 0 && inconsistent)
      cz_log_warn("%s: the target_to_source index of %s does not match its edges; reading every edge", e->file, e->name);
  }
  e->via_index = st == CZ_OK && indexed && !inconsistent;
  if (st == CZ_OK && flt && flt->keep_target)
    cz_log_debug("%s: %s: kept %zu of %zu edges, %s", e->file, e->name, reader.streamed + e->n, n_file,
                 indexed && !inconsistent ? "reading the kept targets' rows through the index" : "scanning every row");
  free(ranges.r);
  if (batching) {
    if (st == CZ_OK && e->n > 0) st = flt->batch(flt->batch_ctx, c, e_index, e);
    cz_edge_batch_return(e);
  } else if (st == CZ_OK) {
    cz_edge_sink_shrink(&sink);
  }
  return st;
}

static cz_status load_edge_pop_into(cz_circuit *c, cz_h5file *f, const char *file, const cz_csv *types,
                                    const cz_type_index *ti, const cz_edge_type_info *info, const char *name,
                                    cz_edge_pop *e, const cz_edge_filter *flt) {
  CZ_TRY(cz_strdup(name, &e->name));
  CZ_TRY(cz_strdup(file, &e->file));
  size_t n_file = 0;
  CZ_TRY(cz_edge_pop_ends(c, f, file, name, &e->source_pop, &e->target_pop, &n_file));
  CZ_TRY(cz_edge_types_of(e, info, types));
  cz_edge_groups eg = {0, NULL};
  char path[1024];
  snprintf(path, sizeof path, "/edges/%s", name);
  cz_status st = cz_edge_groups_load(f, path, &eg);
  if (st == CZ_OK) st = read_edges(c, f, e, n_file, ti, info, &eg, types, flt);
  cz_edge_groups_free(&eg);
  return st;
}

static cz_status load_edge_pop(cz_circuit *c, cz_h5file *f, const char *file, const cz_csv *types, const cz_type_index *ti,
                               const cz_edge_type_info *info, const char *name, const cz_edge_filter *flt) {
  cz_edge_pop *e = NULL;
  CZ_TRY(cz_edge_pop_append(c, file, name, &e));
  return load_edge_pop_into(c, f, file, types, ti, info, name, e, flt);
}

/* One edges file and its types table (where: the config key that names them, for messages). */
static cz_status load_edges_file(cz_circuit *c, const cz_config *cfg, const cz_cfg_edges *e, const char *where,
                                 const cz_edge_filter *flt) {
  cz_csv *types = NULL;
  cz_status rs = cz_csv_read(e->edge_types_file, &types);
  if (rs != CZ_OK) return cz_error_prefix(rs, "%s.edge_types_file", where);
  CZ_TRY(cz_circuit_keep_table(c, types));
  cz_type_index ti = {0};
  cz_edge_type_info *info = NULL;
  CZ_TRY(cz_type_index_build(types, "edge_type_id", &ti));
  cz_status st = cz_edge_type_infos(c, cfg, types, &info);
  cz_h5file *f = NULL;
  char **pops = NULL;
  size_t npops = 0;
  if (st == CZ_OK && (st = cz_h5_open_read(e->edges_file, &f)) != CZ_OK) cz_error_prefix(st, "%s.edges_file", where);
  if (st == CZ_OK && !cz_h5_is_group(f, "/edges"))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no /edges group (%s.edges_file)", e->edges_file, where);
  if (st == CZ_OK) st = cz_h5_list(f, "/edges", &pops, &npops);
  for (size_t i = 0; i < npops && st == CZ_OK; i++)
    st = load_edge_pop(c, f, e->edges_file, types, &ti, info, pops[i], flt);
  cz_h5_free_names(pops, npops);
  cz_h5_close(&f);
  free(info);
  cz_type_index_free(&ti);
  return st;
}

cz_status cz_circuit_load_edges(cz_circuit *c, const cz_config *cfg, const cz_edge_filter *flt) {
  CZ_CHECK(c->nedges == 0, CZ_ERR_INTERNAL, "edges are already loaded");
  cz_status st = CZ_OK;
  for (size_t k = 0; k < cfg->nedges && st == CZ_OK; k++) {
    char where[64];
    snprintf(where, sizeof where, "networks.edges[%zu]", k);
    if (cfg->edges[k].enabled) st = load_edges_file(c, cfg, &cfg->edges[k], where, flt);
  }
  if (st != CZ_OK) cz_error_trace(__FILE__, __LINE__, __func__);
  return st;
}

cz_status cz_circuit_load_more_edges(cz_circuit *c, const cz_config *cfg, const cz_cfg_edges *e, const char *where,
                                     const cz_edge_filter *flt) {
  return load_edges_file(c, cfg, e, where, flt);
}

void cz_circuit_free_edges(cz_circuit *c) {
  for (size_t i = 0; i < c->nedges; i++) {
    cz_edge_pop *e = &c->edges[i];
    free(e->name);
    free(e->file);
    free(e->types);
    cz_edge_arrays_free(e);
  }
  free(c->edges);
  c->edges = NULL;
  c->nedges = 0;
}

void cz_circuit_drop_edge_arrays(cz_circuit *c) {
  for (size_t i = 0; i < c->nedges; i++) cz_edge_arrays_free(&c->edges[i]);
}

