#include "bionet/save_synapses.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/edges_out.h"

static int is_save_block(const cz_cfg_block *b) { return b->enabled && b->module && strcmp(b->module, "save_synapses") == 0; }

int cz_bio_save_synapses_wanted(const cz_config *cfg) {
  for (size_t i = 0; i < cfg->nreports; i++)
    if (is_save_block(&cfg->reports[i])) return 1;
  return 0;
}

/* network_dir, absolute: the working folder's when relative; moved under --output-dir when it
 * lies in the config's own output folder. */
static cz_status network_dir(const cz_config *cfg, const cz_cfg_block *b, char **out) {
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(b->json, "network_dir");
  CZ_CHECK(cJSON_IsString(d) && d->valuestring[0], CZ_ERR_CONFIG, "%s: reports.%s: missing key network_dir",
           b->file ? b->file : cfg->path, b->name);
  char *abs = NULL;
  CZ_TRY(cz_path_absolute(d->valuestring, &abs));
  const char *own = cfg->output_dir_config;
  const size_t n = own ? strlen(own) : 0;
  if (own && strcmp(own, cfg->output_dir) != 0 && strncmp(abs, own, n) == 0 && (abs[n] == '/' || abs[n] == '\0')) {
    const cz_status st = cz_asprintf(out, "%s%s", cfg->output_dir, abs + n);
    free(abs);
    return st;
  }
  *out = abs;
  return CZ_OK;
}

cz_status cz_bio_save_synapses_check(const cz_config *cfg) {
  for (size_t i = 0; i < cfg->nreports; i++) {
    if (!is_save_block(&cfg->reports[i])) continue;
    char *dir = NULL;
    CZ_TRY(network_dir(cfg, &cfg->reports[i], &dir));
    free(dir);
  }
  return CZ_OK;
}

static int cmp_saved(const void *a, const void *b) {
  const int64_t *x = a, *y = b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return (x[1] > y[1]) - (x[1] < y[1]);
}

/* The edges of one (source, target) population pair, in record order. */
static cz_status write_pair(const char *dir, const cz_circuit *c, const cz_gidmap *gm, const int64_t *all, size_t nall,
                            size_t sp, size_t tp) {
  size_t n = 0;
  for (size_t k = 0; k < nall; k++) {
    size_t p1, r1, p2, r2;
    cz_gidmap_locate(gm, (size_t)all[CZ_SAVED_WORDS * k + 2], &p1, &r1);
    cz_gidmap_locate(gm, (size_t)all[CZ_SAVED_WORDS * k], &p2, &r2);
    n += p1 == sp && p2 == tp;
  }
  if (n == 0) return CZ_OK;
  uint64_t *src = cz_calloc(n, sizeof *src), *trg = cz_calloc(n, sizeof *trg), *sec = cz_calloc(n, sizeof *sec);
  uint32_t *type = cz_calloc(n, sizeof *type);
  uint16_t *group = cz_calloc(n, sizeof *group);
  double *w = cz_calloc(n, sizeof *w), *x = cz_calloc(n, sizeof *x);
  cz_status st = src && trg && sec && type && group && w && x ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  size_t m = 0;
  for (size_t k = 0; st == CZ_OK && k < nall; k++) {
    const int64_t *rec = &all[CZ_SAVED_WORDS * k];
    size_t p1, r1, p2, r2;
    cz_gidmap_locate(gm, (size_t)rec[2], &p1, &r1);
    cz_gidmap_locate(gm, (size_t)rec[0], &p2, &r2);
    if (p1 != sp || p2 != tp) continue;
    src[m] = cz_node_id(&c->nodes[sp], r1);
    trg[m] = cz_node_id(&c->nodes[tp], r2);
    type[m] = (uint32_t)rec[3];
    group[m] = (uint16_t)rec[4];
    memcpy(&w[m], &rec[5], sizeof(double));
    sec[m] = (uint64_t)rec[6];
    memcpy(&x[m], &rec[7], sizeof(double));
    m++;
  }
  char pop[512], *path = NULL;
  snprintf(pop, sizeof pop, "%s_%s", c->nodes[sp].name, c->nodes[tp].name);
  char name[600];
  snprintf(name, sizeof name, "%s_edges.h5", pop);
  if (st == CZ_OK) st = cz_path_join(dir, name, &path);
  const cz_edges_table t = {pop, c->nodes[sp].name, c->nodes[tp].name, n, src, trg, type, group, w, sec, x};
  if (st == CZ_OK) st = cz_edges_write(path, &t);
  if (st == CZ_OK) cz_log_info("save_synapses: wrote %zu edges to %s", n, path);
  free(path), free(src), free(trg), free(sec), free(type), free(group), free(w), free(x);
  return st;
}

static cz_status write_block(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, const cz_gidmap *gm,
                             const int64_t *all, size_t nall) {
  char *dir = NULL;
  CZ_TRY(network_dir(cfg, b, &dir));
  cz_status st = cz_path_make_dirs(dir);
  for (size_t sp = 0; st == CZ_OK && sp < c->nnodes; sp++)
    for (size_t tp = 0; st == CZ_OK && tp < c->nnodes; tp++) st = write_pair(dir, c, gm, all, nall, sp, tp);
  if (st != CZ_OK) cz_error_prefix(st, "reports.%s", b->name);
  free(dir);
  return st;
}

cz_status cz_bio_save_synapses(const cz_config *cfg, const cz_circuit *c, const cz_gidmap *gm, const int64_t *recs,
                               size_t n) {
  int64_t *all = NULL;
  size_t nall = 0;
  CZ_TRY(cz_comm_gather_records(recs, n, CZ_SAVED_WORDS, &all, &nall));
  cz_status st = CZ_OK;
  if (cz_comm_rank() == 0) {
    qsort(all, nall, CZ_SAVED_WORDS * sizeof *all, cmp_saved);
    for (size_t i = 0; st == CZ_OK && i < cfg->nreports; i++)
      if (is_save_block(&cfg->reports[i])) st = write_block(cfg, &cfg->reports[i], c, gm, all, nall);
  }
  free(all);
  return cz_comm_agree(st);
}
