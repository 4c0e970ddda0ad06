#include "bionet/place_cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "bionet/build.h"
#include "bionet/mechanisms/mechanism.h"
#include "bionet/run_config.h"

enum { COST_PER_COMPARTMENT = 4, COST_ARTIFICIAL = 1, COST_UNREADABLE = 400, COST_PER_SYNAPSE = 4 };

/* A mechanism instance's step in cable nodes' steps (pas, folded into the cable's pass, none):
 * perf/mech_cost_bench's figures, the vector build on the 2-core VM (a node 1.98 ns in a
 * cohort of 16 cells). A kind not listed counts as one node. */
static const struct {
  const char *name;
  double nodes;
} k_instance_cost[] = {
    {"pas", 0.0},     {"hh", 39.2},    {"CaDynamics", 3.4}, {"Ca_HVA", 7.1}, {"Ca_LVA", 7.0}, {"Ih", 4.5},
    {"Im", 6.5},      {"Im_v2", 6.6},  {"K_P", 7.5},        {"K_T", 6.9},    {"Kd", 3.0},     {"Kv2like", 9.5},
    {"Kv3_1", 4.5},   {"NaTa", 7.4},   {"NaTs", 7.6},       {"NaV", 86.4},   {"Nap", 8.1},    {"SK", 9.6},
};

/* One instance of kind o, in cable nodes. */
static double instance_nodes(int o) {
  const char *name = cz_mech_kind_at(o)->name;
  for (size_t k = 0; k < sizeof k_instance_cost / sizeof *k_instance_cost; k++)
    if (strcmp(k_instance_cost[k].name, name) == 0) return k_instance_cost[k].nodes;
  return 1.0;
}

typedef struct cost_ctx {
  cz_place_cost cost; /* first: the ctx is the cost */
  const cz_config *cfg;
  const cz_circuit *c;
  cz_bio_run_config rc;
  bool rc_ok;
  cz_bio_recipes recipes;
  size_t n, cap;
  char **key;      /* [n] "<morphology>|<processing>|<template>|<dynamics>" */
  uint32_t *value; /* [n] cost */
} cost_ctx;

static const char *text(const cz_node_pop *p, size_t row, const char *key) {
  const cz_value v = cz_circuit_node_attr(p, row, key);
  return v.kind == CZ_VAL_STR ? v.str : "";
}

/* What stepping node (pop, row)'s cell costs: its cable nodes and its mechanisms' instances
 * weighed in cable nodes, COST_PER_COMPARTMENT per node; counted once per morphology,
 * processing, template and dynamics file. */
static uint32_t cell_cost(cost_ctx *x, uint32_t pop, uint32_t row) {
  const cz_node_pop *p = &x->c->nodes[pop];
  char key[4096];
  snprintf(key, sizeof key, "%s|%s|%s|%s", text(p, row, "morphology"), text(p, row, "model_processing"),
           text(p, row, "model_template"), text(p, row, "dynamics_params"));
  for (size_t i = 0; i < x->n; i++)
    if (strcmp(x->key[i], key) == 0) return x->value[i];
  uint32_t cost = COST_UNREADABLE;
  cz_bio_census census;
  if (x->rc_ok && cz_bio_node_census(x->cfg, x->c, pop, row, &x->rc, &x->recipes, &census) == CZ_OK) {
    double nodes = census.nodes;
    for (int o = 0; o < cz_mech_nkinds(); o++) nodes += census.instances[o] * instance_nodes(o);
    cost = (uint32_t)(COST_PER_COMPARTMENT * nodes + 0.5);
  }
  cz_error_clear(); /* the build reports what does not read */
  char *copy = NULL;
  if (cz_resize((void **)&x->key, x->n + 1, sizeof *x->key) == CZ_OK &&
      cz_resize((void **)&x->value, x->n + 1, sizeof *x->value) == CZ_OK && cz_strdup(key, &copy) == CZ_OK) {
    x->key[x->n] = copy;
    x->value[x->n++] = cost;
  }
  cz_error_clear();
  return cost;
}

static uint32_t node_cost(const void *ctx, uint32_t pop, uint32_t row) {
  cost_ctx *x = (cost_ctx *)ctx; /* the cache is the cost's own, used by rank 0's one thread */
  const cz_value mt = cz_circuit_node_attr(&x->c->nodes[pop], row, "model_type");
  if (mt.kind != CZ_VAL_STR || strcmp(mt.str, "biophysical") != 0) return COST_ARTIFICIAL;
  return cell_cost(x, pop, row);
}

cz_status cz_bionet_place_cost_create(const cz_config *cfg, const cz_circuit *c, cz_place_cost **out) {
  cost_ctx *x = cz_calloc(1, sizeof *x);
  CZ_CHECK(x, CZ_ERR_NOMEM, "out of memory");
  x->cfg = cfg;
  x->c = c;
  x->rc_ok = cz_bio_run_config_read(cfg, CZ_BIO_UNITS_CONFIG, &x->rc) == CZ_OK;
  cz_error_clear(); /* the build reports a bad run config */
  x->cost = (cz_place_cost){node_cost, x, COST_PER_SYNAPSE};
  *out = &x->cost;
  return CZ_OK;
}

void cz_bionet_place_cost_free(cz_place_cost **cost) {
  if (!*cost) return;
  cost_ctx *x = (cost_ctx *)(*cost)->ctx;
  for (size_t i = 0; i < x->n; i++) free(x->key[i]);
  free(x->key);
  free(x->value);
  cz_bio_recipes_free(&x->recipes);
  free(x);
  *cost = NULL;
}
