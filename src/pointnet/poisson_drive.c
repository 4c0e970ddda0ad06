#include "pointnet/poisson_drive.h"

#include <cjson/cJSON.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "io/node_sets.h"

int cz_input_is_poisson(const cz_cfg_block *b) { return b->input_type && strcmp(b->input_type, "poisson") == 0; }

uint32_t cz_poisson_count(double lam, double u) {
  if (!(lam > 0)) return 0;
  if (lam > 100.0) {
    const double x = lam + sqrt(lam) * gsl_cdf_ugaussian_Pinv(u > 0 ? u : 1e-300);
    return x > 0 ? (uint32_t)llround(x) : 0;
  }
  double p = exp(-lam), F = p;
  uint32_t k = 0;
  while (u >= F && k < 1000) {
    k++;
    p *= lam / k;
    F += p;
  }
  return k;
}

void cz_poisson_free(cz_poisson_drive *d) {
  free(d->nid);
  free(d->tgt);
  free(d->delay);
  free(d->lambda);
  free(d->weight);
  free(d->prefix);
  free(d->table);
  free(d->cdf);
  free(d->guide);
  free(d->table_lambda);
  memset(d, 0, sizeof *d);
}

static cz_status number(const cz_config *cfg, const cz_cfg_block *b, const char *key, double dflt, bool required,
                        double *out) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, key);
  CZ_CHECK(j || !required, CZ_ERR_CONFIG, "%s: inputs.%s has no \"%s\"", cfg->path, b->name, key);
  CZ_CHECK(!j || (cJSON_IsNumber(j) && isfinite(j->valuedouble)), CZ_ERR_CONFIG, "%s: inputs.%s.%s must be a number",
           cfg->path, b->name, key);
  *out = j ? j->valuedouble : dflt;
  return CZ_OK;
}

/* The parameters of one block, checked. */
typedef struct drive_params {
  double rate, weight, delay, seed;
  int receptor;
} drive_params;

static cz_status read_params(const cz_config *cfg, const cz_cfg_block *b, uint64_t seed, drive_params *p) {
  double receptor = 1;
  CZ_TRY(number(cfg, b, "rate", 0, true, &p->rate));
  CZ_TRY(number(cfg, b, "weight", 0, true, &p->weight));
  CZ_TRY(number(cfg, b, "delay", 1.0, false, &p->delay));
  CZ_TRY(number(cfg, b, "seed", (double)seed, false, &p->seed));
  CZ_TRY(number(cfg, b, "receptor_type", 1, false, &receptor));
  CZ_CHECK(p->rate >= 0, CZ_ERR_CONFIG, "%s: inputs.%s.rate must be >= 0 Hz (got %g)", cfg->path, b->name, p->rate);
  CZ_CHECK(p->delay > 0 && cz_time_in_range(p->delay), CZ_ERR_CONFIG, "%s: inputs.%s.delay must be > 0 ms (got %g)",
           cfg->path, b->name, p->delay);
  CZ_CHECK(p->seed >= 0 && p->seed == floor(p->seed), CZ_ERR_CONFIG, "%s: inputs.%s.seed must be a whole number >= 0",
           cfg->path, b->name);
  CZ_CHECK(receptor >= 1 && receptor <= 255 && receptor == floor(receptor), CZ_ERR_CONFIG,
           "%s: inputs.%s.receptor_type must be a port number from 1", cfg->path, b->name);
  CZ_CHECK(!b->module || strcmp(b->module, "poisson_generator") == 0 || strcmp(b->module, "poisson") == 0,
           CZ_ERR_CONFIG, "%s: inputs.%s: a poisson input's module is poisson_generator (got %s)", cfg->path, b->name,
           b->module);
  p->receptor = (int)receptor;
  return CZ_OK;
}

static cz_status push(cz_poisson_drive *d, size_t *cap, uint32_t nid, uint32_t tgt, uint16_t delay, double lam,
                      double w, uint64_t key, uint64_t stream, uint64_t seed) {
  if (d->n == *cap) {
    size_t c = *cap ? 2 * *cap : 1024;
    void *p[7] = {d->nid, d->tgt, d->delay, d->lambda, d->weight, d->prefix, d->table};
    const size_t sz[7] = {4, 4, 2, 8, 8, 8, 4};
    for (int k = 0; k < 7; k++) {
      void *g = realloc(p[k], c * sz[k]);
      CZ_CHECK(g != NULL, CZ_ERR_NOMEM, "out of memory for the Poisson drive");
      p[k] = g;
    }
    d->nid = p[0], d->tgt = p[1], d->delay = p[2], d->lambda = p[3], d->weight = p[4], d->prefix = p[5];
    d->table = p[6];
    *cap = c;
  }
  const size_t i = d->n++;
  d->nid[i] = nid, d->tgt[i] = tgt, d->delay[i] = delay, d->lambda[i] = lam, d->weight[i] = w;
  d->prefix[i] = cz_rng_prefix(seed, key, stream);
  d->table[i] = CZ_POISSON_NO_TABLE;
  return CZ_OK;
}

/* The count at u by a linear search of F (the guide's values). */
static uint32_t count_in(const double *F, double u) {
  uint32_t k = 0;
  while (k < CZ_POISSON_KMAX && u >= F[k]) k++;
  return k;
}

/* The rows of cdf and guide for mean lam, added when new: F[k] after the k-th step of
 * cz_poisson_count's sum, the same operations in the same order; a bucket's guide, the count
 * at its lowest uniform. */
static cz_status table_of(cz_poisson_drive *d, double lam, uint32_t *row) {
  for (size_t t = 0; t < d->ntables; t++)
    if (d->table_lambda[t] == lam) {
      *row = (uint32_t)t;
      return CZ_OK;
    }
  enum { NG = 1u << CZ_POISSON_GUIDE_BITS };
  double *cdf = realloc(d->cdf, (d->ntables + 1) * CZ_POISSON_KMAX * sizeof *cdf);
  if (cdf) d->cdf = cdf;
  uint16_t *guide = realloc(d->guide, (d->ntables + 1) * NG * sizeof *guide);
  if (guide) d->guide = guide;
  double *tl = realloc(d->table_lambda, (d->ntables + 1) * sizeof *tl);
  if (tl) d->table_lambda = tl;
  CZ_CHECK(cdf && guide && tl, CZ_ERR_NOMEM, "out of memory for the Poisson drive");
  double *F = d->cdf + d->ntables * CZ_POISSON_KMAX;
  double p = exp(-lam), sum = p;
  F[0] = sum;
  for (uint32_t k = 1; k < CZ_POISSON_KMAX; k++) {
    p *= lam / k;
    sum += p;
    F[k] = sum;
  }
  uint16_t *G = d->guide + d->ntables * NG;
  for (uint32_t b = 0; b < NG; b++) G[b] = (uint16_t)count_in(F, (double)b / NG);
  d->table_lambda[d->ntables] = lam;
  *row = (uint32_t)d->ntables++;
  return CZ_OK;
}

cz_status cz_poisson_tabulate(cz_poisson_drive *d) {
  for (size_t i = 0; i < d->n; i++)
    if (d->lambda[i] > 0 && d->lambda[i] <= 100.0) CZ_TRY(table_of(d, d->lambda[i], &d->table[i]));
  return CZ_OK;
}

/* The ring channel of a drive spike into neuron nid (the engine's routing of synapses). */
static int channel_of(const cz_network *net, uint32_t nid, const drive_params *p, const char *where, cz_status *st) {
  size_t j = 0;
  while (j + 1 < net->ngroups && nid >= net->groups[j].hi) j++;
  const cz_group *g = &net->groups[j];
  const int ports = g->kind->nports ? g->kind->nports(g->impl, nid - g->lo) : 0;
  if (ports > 0) {
    if (p->receptor > ports) *st = CZ_ERROR(CZ_ERR_CONFIG, "%s: receptor_type %d, but the neuron has ports 1 to %d", where, p->receptor, ports);
    return p->receptor - 1;
  }
  return net->nch >= 2 && g->kind->split_sign && !(p->weight > 0) ? 1 : 0;
}

static cz_status add_block(const cz_config *cfg, const cz_cfg_block *b, size_t index, uint64_t seed,
                           const cz_circuit *c, const cz_network *net, cz_poisson_drive *d, size_t *cap) {
  drive_params p;
  CZ_TRY(read_params(cfg, b, seed, &p));
  CZ_CHECK(b->node_set, CZ_ERR_CONFIG, "%s: inputs.%s has no \"node_set\"", cfg->path, b->name);
  char where[1024];
  snprintf(where, sizeof where, "%s: inputs.%s.node_set", cfg->path, b->name);
  const double steps = cz_net_delay_steps(p.delay, net->tg.h);
  CZ_CHECK(steps >= 1 && steps <= 65535, CZ_ERR_CONFIG, "%s: inputs.%s.delay %g ms is not 1 to 65535 steps of dt",
           cfg->path, b->name, p.delay);
  cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
  const double lam = p.rate * net->tg.h / 1000.0;
  cz_status st = CZ_OK;
  for (size_t pop = 0; pop < sel->npops && st == CZ_OK; pop++)
    for (size_t k = 0; k < sel->n[pop] && st == CZ_OK; k++) {
      const size_t gid = net->gm.pop_offset[pop] + sel->rows[pop][k];
      const uint32_t nid = cz_gidmap_lid(&net->gm, gid);
      if (nid == CZ_NO_NID) continue; /* virtual, or on another rank */
      const int ch = channel_of(net, nid, &p, where, &st);
      if (st == CZ_OK)
        st = push(d, cap, nid, (uint32_t)((size_t)ch * net->N + nid), (uint16_t)steps, lam, p.weight, gid, 1000 + index,
                  (uint64_t)p.seed);
    }
  cz_ns_selection_destroy(&sel);
  return st;
}

cz_status cz_poisson_build(const cz_config *cfg, const cz_circuit *c, const cz_network *net, cz_poisson_drive *out) {
  return cz_poisson_build_seeded(cfg, c, net, CZ_POISSON_DEFAULT_SEED, out);
}

cz_status cz_poisson_build_seeded(const cz_config *cfg, const cz_circuit *c, const cz_network *net, uint64_t seed,
                                  cz_poisson_drive *out) {
  memset(out, 0, sizeof *out);
  size_t cap = 0;
  cz_status st = CZ_OK;
  for (size_t i = 0; i < cfg->ninputs && st == CZ_OK; i++)
    if (cfg->inputs[i].enabled && cz_input_is_poisson(&cfg->inputs[i]))
      st = add_block(cfg, &cfg->inputs[i], i, seed, c, net, out, &cap);
  if (st == CZ_OK) st = cz_poisson_tabulate(out);
  if (st != CZ_OK) cz_poisson_free(out);
  return st;
}
