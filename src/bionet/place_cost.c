#include "bionet/place_cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "bionet/build.h"
#include "bionet/run_config.h"

enum { COST_PER_COMPARTMENT = 4, COST_ARTIFICIAL = 1, COST_UNREADABLE = 400 };

typedef struct cost_ctx {
  cz_place_cost cost; /* first: the ctx is the cost */
  const cz_config *cfg;
  const cz_circuit *c;
  cz_bio_run_config rc;
  bool rc_ok;
  cz_bio_recipes recipes;
  size_t n, cap;
  char **key;      /* [n] "<morphology>|<processing>|<template>" */
  uint32_t *value; /* [n] compartments */
} cost_ctx;

static const char *text(const cz_node_pop *p, size_t row, const char *key) {
  const cz_value v = cz_circuit_node_attr(p, row, key);
  return v.kind == CZ_VAL_STR ? v.str : "";
}

/* The compartments of node (pop, row), counted once per morphology, processing and template. */
static uint32_t compartments(cost_ctx *x, uint32_t pop, uint32_t row) {
  const cz_node_pop *p = &x->c->nodes[pop];
  char key[2048];
  snprintf(key, sizeof key, "%s|%s|%s", text(p, row, "morphology"), text(p, row, "model_processing"),
           text(p, row, "model_template"));
  for (size_t i = 0; i < x->n; i++)
    if (strcmp(x->key[i], key) == 0) return x->value[i];
  uint32_t count = COST_UNREADABLE / COST_PER_COMPARTMENT;
  cz_morph *m = NULL;
  cz_bio_geom *g = NULL;
  if (x->rc_ok && cz_bio_node_geometry(x->cfg, x->c, pop, row, &x->rc, &x->recipes, &m, &g) == CZ_OK)
    count = (uint32_t)(g->nseg_total + 2 * m->nsec);
  cz_error_clear(); /* the build reports what does not read */
  cz_bio_geom_free(&g);
  cz_morph_free(&m);
  char *copy = NULL;
  if (cz_resize((void **)&x->key, x->n + 1, sizeof *x->key) == CZ_OK &&
      cz_resize((void **)&x->value, x->n + 1, sizeof *x->value) == CZ_OK && cz_strdup(key, &copy) == CZ_OK) {
    x->key[x->n] = copy;
    x->value[x->n++] = count;
  }
  cz_error_clear();
  return count;
}

static uint32_t node_cost(const void *ctx, uint32_t pop, uint32_t row) {
  cost_ctx *x = (cost_ctx *)ctx; /* the cache is the cost's own, used by rank 0's one thread */
  const cz_value mt = cz_circuit_node_attr(&x->c->nodes[pop], row, "model_type");
  if (mt.kind != CZ_VAL_STR || strcmp(mt.str, "biophysical") != 0) return COST_ARTIFICIAL;
  return COST_PER_COMPARTMENT * compartments(x, pop, row);
}

cz_status cz_bionet_place_cost_create(const cz_config *cfg, const cz_circuit *c, cz_place_cost **out) {
  cost_ctx *x = cz_calloc(1, sizeof *x);
  CZ_CHECK(x, CZ_ERR_NOMEM, "out of memory");
  x->cfg = cfg;
  x->c = c;
  x->rc_ok = cz_bio_run_config_read(cfg, CZ_BIO_UNITS_CONFIG, &x->rc) == CZ_OK;
  cz_error_clear(); /* the build reports a bad run config */
  x->cost = (cz_place_cost){node_cost, x, 1};
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
