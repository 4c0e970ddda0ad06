/* Driving one model group through its vtable, one step at a time, for the model unit tests. */
#ifndef CZ_TESTS_MODEL_HARNESS_H
#define CZ_TESTS_MODEL_HARNESS_H

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pointnet/models/model.h"

#define CZ_TM_MAXN 8
#define CZ_TM_H 0.1

/* ---- driving a group ------------------------------------------------------------------- */

typedef struct cz_tm_grp {
  const cz_model_kind *kind;
  void *grp;
  size_t n;
  double h;
  double ch0[CZ_TM_MAXN], ch1[CZ_TM_MAXN], stim[CZ_TM_MAXN];
  uint32_t fired[CZ_TM_MAXN];
} cz_tm_grp;

static void cz_tm_open(cz_tm_grp *g, const char *model, size_t n, double h) {
  char tmpl[64];
  snprintf(tmpl, sizeof tmpl, "nest:%s", model);
  memset(g, 0, sizeof *g);
  assert_true(n <= CZ_TM_MAXN);
  if (cz_model_lookup(tmpl, &g->kind) != CZ_OK) fail_msg("lookup %s: %s", tmpl, cz_error_message());
  assert_string_equal(g->kind->name, model);
  g->n = n;
  g->h = h;
  if (g->kind->create(n, h, 1, &g->grp) != CZ_OK) fail_msg("create %s: %s", model, cz_error_message());
}

/* Sets neuron i from a JSON text; returns the status (the message is in cz_error_message). */
static cz_status cz_tm_try_set(cz_tm_grp *g, size_t i, const char *json) {
  cJSON *dict = cJSON_Parse(json);
  if (!dict) fail_msg("bad JSON in test: %s", json);
  cz_param_src src = {dict, NULL, NULL, "test.json"};
  cz_error_clear();
  cz_status st = g->kind->set_params(g->grp, i, &src, "node 0");
  cJSON_Delete(dict);
  return st;
}

static void cz_tm_set(cz_tm_grp *g, size_t i, const char *json) {
  if (cz_tm_try_set(g, i, json) != CZ_OK) fail_msg("set_params %s: %s", json, cz_error_message());
}

/* One neuron of model with the parameters of json, step h. */
static void cz_tm_new(cz_tm_grp *g, const char *model, const char *json, double h) {
  cz_tm_open(g, model, 1, h);
  cz_tm_set(g, 0, json);
}

static void cz_tm_close(cz_tm_grp *g) {
  g->kind->destroy(g->grp);
  g->grp = NULL;
}

/* Puts weight w into neuron i's ring row as the engine routes it: by sign for split_sign
 * kinds (positive -> ch0, else ch1), all into ch0 otherwise. */
static void cz_tm_put(cz_tm_grp *g, size_t i, double w) {
  if (g->kind->split_sign && w < 0) g->ch1[i] += w;
  else if (w != 0) g->ch0[i] += w;
}

/* Advances neurons [i0, i1) by one step and checks that their ring rows were consumed. */
static size_t cz_tm_update(cz_tm_grp *g, size_t i0, size_t i1) {
  double *ch1 = g->kind->split_sign ? g->ch1 : NULL;
  size_t nf = g->kind->update(g->grp, i0, i1, g->ch0, ch1, g->stim, g->fired, 0);
  for (size_t i = i0; i < i1; i++)
    if (g->ch0[i] != 0.0 || g->ch1[i] != 0.0) fail_msg("%s: ring row of neuron %zu not consumed", g->kind->name, i);
  return nf;
}

/* One step of a one-neuron group with input weight w and external current stim arriving. */
static size_t cz_tm_step(cz_tm_grp *g, double w, double stim) {
  cz_tm_put(g, 0, w);
  g->stim[0] = stim;
  size_t nf = cz_tm_update(g, 0, 1);
  if (nf == 1) assert_int_equal(g->fired[0], 0);
  return nf;
}

static double cz_tm_v(const cz_tm_grp *g) { return g->kind->v_m(g->grp, 0); }

static void cz_assert_close(double got, double want, double tol, const char *what, long step) {
  if (!(fabs(got - want) <= tol))
    fail_msg("%s, step %ld: got %.17g, expected %.17g (diff %.3g > %.3g)", what, step, got, want, got - want, tol);
}

#endif
