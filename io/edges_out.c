#include "io/edges_out.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"
#include "io/h5.h"
#include "io/part_file.h"

/* An index: runs of equal ids in edge order (range_to_edge_id) and each id's runs
 * (node_id_to_range, [max id + 1] rows; ids without edges get an empty run). */
static cz_status write_index(cz_h5file *f, const char *group, const uint64_t *ids, size_t n) {
  uint64_t max = 0;
  for (size_t i = 0; i < n; i++)
    if (ids[i] > max) max = ids[i];
  const size_t nid = n ? (size_t)max + 1 : 0;
  uint64_t *ranges = cz_calloc(2 * n + 2, sizeof *ranges), *node = cz_calloc(2 * nid + 2, sizeof *node);
  cz_status st = ranges && node ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  size_t r = 0;
  for (size_t i = 0; st == CZ_OK && i < n;) {
    size_t j = i + 1;
    while (j < n && ids[j] == ids[i]) j++;
    ranges[2 * r] = i, ranges[2 * r + 1] = j;
    uint64_t *row = &node[2 * ids[i]];
    if (row[1] == 0) row[0] = r; /* the id's first run (BMTK's ids are grouped in edge order) */
    row[1] = r + 1;
    r++;
    i = j;
  }
  char path[512];
  snprintf(path, sizeof path, "%s/node_id_to_range", group);
  if (st == CZ_OK) st = cz_h5_write_u64_pairs(f, path, node, nid, false);
  snprintf(path, sizeof path, "%s/range_to_edge_id", group);
  if (st == CZ_OK) st = cz_h5_write_u64_pairs(f, path, ranges, r, false);
  free(ranges);
  free(node);
  return st;
}

static cz_status write_groups(cz_h5file *f, const char *base, const cz_edges_table *t) {
  size_t n0 = 0, n1 = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (t->group[i]) n1++;
    else n0++;
  }
  uint64_t *index = cz_calloc(t->n + 1, sizeof *index), *sec = cz_calloc(n0 + 1, sizeof *sec);
  double *w0 = cz_calloc(n0 + 1, sizeof *w0), *x0 = cz_calloc(n0 + 1, sizeof *x0), *w1 = cz_calloc(n1 + 1, sizeof *w1);
  cz_status st = index && sec && w0 && x0 && w1 ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  size_t k0 = 0, k1 = 0;
  for (size_t i = 0; st == CZ_OK && i < t->n; i++) {
    if (t->group[i]) {
      index[i] = k1;
      w1[k1++] = t->weight[i];
    } else {
      index[i] = k0;
      w0[k0] = t->weight[i], sec[k0] = t->sec_id[i], x0[k0++] = t->sec_x[i];
    }
  }
  char path[512];
  snprintf(path, sizeof path, "%s/edge_group_index", base);
  if (st == CZ_OK) st = cz_h5_write_u64(f, path, index, t->n, false);
  snprintf(path, sizeof path, "%s/0/syn_weight", base);
  if (st == CZ_OK) st = cz_h5_write_f64(f, path, w0, n0, false);
  snprintf(path, sizeof path, "%s/0/sec_id", base);
  if (st == CZ_OK) st = cz_h5_write_u64(f, path, sec, n0, false);
  snprintf(path, sizeof path, "%s/0/sec_x", base);
  if (st == CZ_OK) st = cz_h5_write_f64(f, path, x0, n0, false);
  snprintf(path, sizeof path, "%s/1/syn_weight", base);
  if (st == CZ_OK) st = cz_h5_write_f64(f, path, w1, n1, false);
  free(index), free(sec), free(w0), free(x0), free(w1);
  return st;
}

static cz_status write_table(cz_h5file *f, const cz_edges_table *t) {
  static const uint32_t magic = 0x0A7A, version[2] = {0, 1};
  char base[400], path[512];
  snprintf(base, sizeof base, "/edges/%s", t->pop);
  CZ_TRY(cz_h5_write_attr_u32(f, "/", "magic", &magic, 1));
  CZ_TRY(cz_h5_write_attr_u32(f, "/", "version", version, 2));
  snprintf(path, sizeof path, "%s/source_node_id", base);
  CZ_TRY(cz_h5_write_u64(f, path, t->source, t->n, false));
  CZ_TRY(cz_h5_write_attr_string(f, path, "node_population", t->source_pop));
  snprintf(path, sizeof path, "%s/target_node_id", base);
  CZ_TRY(cz_h5_write_u64(f, path, t->target, t->n, false));
  CZ_TRY(cz_h5_write_attr_string(f, path, "node_population", t->target_pop));
  snprintf(path, sizeof path, "%s/edge_type_id", base);
  CZ_TRY(cz_h5_write_u32(f, path, t->type_id, t->n, false));
  snprintf(path, sizeof path, "%s/edge_group_id", base);
  CZ_TRY(cz_h5_write_u16(f, path, t->group, t->n, false));
  CZ_TRY(write_groups(f, base, t));
  snprintf(path, sizeof path, "%s/indices/target_to_source", base);
  CZ_TRY(write_index(f, path, t->target, t->n));
  snprintf(path, sizeof path, "%s/indices/source_to_target", base);
  return write_index(f, path, t->source, t->n);
}

cz_status cz_edges_write(const char *path, const cz_edges_table *t) {
  char *part = NULL;
  CZ_TRY(cz_part_path(path, &part));
  cz_h5file *f = NULL;
  cz_status st = cz_h5_create(part, &f);
  if (st == CZ_OK) st = write_table(f, t);
  const cz_status closed = cz_h5_close(&f);
  if (st == CZ_OK) st = closed;
  if (st == CZ_OK) st = cz_part_commit(part, path);
  else remove(part);
  free(part);
  return st;
}
