#include "bionet/gap_table.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static const cz_gap_juncs *file_of(const cz_bio_gap_table *t, const char *network) {
  for (size_t f = 0; network && f < t->n; f++)
    if (strcmp(t->files[f].network, network) == 0) return &t->files[f];
  return NULL;
}

cz_status cz_bio_gap_table_read(const cz_config *cfg, cz_bio_gap_table *out) {
  memset(out, 0, sizeof *out);
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg->root, "networks"),
                                                       "gap_juncs");
  const size_t n = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 0;
  CZ_CHECK(!list || cJSON_IsArray(list), CZ_ERR_CONFIG, "%s: networks.gap_juncs must be a list", cfg->path);
  CZ_NEW(out->files, n + 1);
  CZ_NEW(out->first, n + 1);
  cz_status st = CZ_OK;
  for (size_t f = 0; st == CZ_OK && f < n; f++) {
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, (int)f), "gap_juncs_file");
    if (!cJSON_IsString(path) || !path->valuestring[0]) {
      st = CZ_ERROR(CZ_ERR_CONFIG, "%s: networks.gap_juncs[%zu]: missing key gap_juncs_file", cfg->path, f);
      break;
    }
    st = cz_gap_juncs_read(path->valuestring, &out->files[f]);
    if (st != CZ_OK) break;
    out->n = f + 1;
    const cz_gap_juncs *other = file_of(out, out->files[f].network);
    if (other != &out->files[f])
      st = CZ_ERROR(CZ_ERR_CONFIG, "%s: networks.gap_juncs[%zu]: %s and %s are both the junctions of network %s",
                    cfg->path, f, other->path, out->files[f].path, other->network);
    out->first[f + 1] = out->first[f] + out->files[f].n;
  }
  if (st != CZ_OK) cz_bio_gap_table_free(out);
  return st;
}

void cz_bio_gap_table_free(cz_bio_gap_table *t) {
  for (size_t f = 0; t->files && f < t->n; f++) cz_gap_juncs_free(&t->files[f]);
  free(t->files);
  free(t->first);
  memset(t, 0, sizeof *t);
}

bool cz_bio_gap_table_has(const cz_bio_gap_table *t, const char *network) { return file_of(t, network) != NULL; }

cz_status cz_bio_gap_table_junction(const cz_bio_gap_table *t, const char *network, uint64_t source, uint64_t target,
                                    const char *where, uint64_t *j) {
  const cz_gap_juncs *g = file_of(t, network);
  CZ_CHECK(g, CZ_ERR_CONFIG,
           "%s: is_gap_junction: no networks.gap_juncs file is for network %s (a file named %s_gap_juncs.h5 lists its "
           "junctions)",
           where, network, network);
  CZ_CHECK(source != target, CZ_ERR_FORMAT, "%s: is_gap_junction: node %llu cannot have a gap junction with itself",
           where, (unsigned long long)source);
  size_t row = 0;
  CZ_CHECK(cz_gap_juncs_find(g, source, target, &row), CZ_ERR_FORMAT,
           "%s: is_gap_junction: %s has no junction from node %llu to node %llu (/source_ids, /target_ids)", where,
           g->path, (unsigned long long)source, (unsigned long long)target);
  *j = t->first[g - t->files] + row;
  return CZ_OK;
}

const char *cz_bio_gap_table_row(const cz_bio_gap_table *t, uint64_t j, size_t *row) {
  for (size_t f = 0; f < t->n; f++)
    if (j < t->first[f + 1]) {
      *row = (size_t)(j - t->first[f]);
      return t->files[f].path;
    }
  *row = 0;
  return "?";
}
