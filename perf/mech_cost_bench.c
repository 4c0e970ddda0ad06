/* What one instance of each membrane mechanism costs per step on one thread: its current and
 * its advance over N instances at voltages spread from -80 to 20 mV (dt 0.1 ms, 34 degrees),
 * in the build the registry hands out (the log line of a run says which), and beside them the
 * cable's own step of a node (16 chains of N nodes side by side, as the engine steps cells of
 * one shape: clearing, assembly, elimination, substitution).
 * These are the figures behind the placement's weights (bionet/place_cost.c).
 *
 *   mech_cost_bench [N (256)] [STEPS (20000)]
 *
 * Prints one line per kind: ns per instance-step, and that over the cable node's. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timer.h"
#include "bionet/cable.h"
#include "bionet/mechanisms/mechanism.h"

typedef struct bench {
  cz_cable cable;
  cz_ions ions;
  cz_mech mech;
  cz_mech_env env;
} bench;

/* n nodes in a chain, voltages spread over [-80, 20] mV. */
static int make_cable(cz_cable *c, size_t n) {
  memset(c, 0, sizeof *c);
  c->n = c->cap = n;
  double **cols[] = {&c->a, &c->b, &c->area, &c->cm, &c->v, &c->rhs, &c->d, &c->xlen};
  for (size_t k = 0; k < sizeof cols / sizeof *cols; k++)
    if (!(*cols[k] = calloc(n, sizeof(double)))) return 1;
  if (!(c->parent = calloc(n, sizeof *c->parent)) || !(c->bare = calloc(n, 1))) return 1;
  for (size_t i = 0; i < n; i++) {
    c->parent[i] = (int32_t)i - 1;
    c->v[i] = -80.0 + 100.0 * (double)i / (double)n;
    c->a[i] = c->b[i] = -0.01;
    c->area[i] = 100.0;
    c->cm[i] = 1.0;
    c->xlen[i] = 1.0;
  }
  return 0;
}

static int make(bench *b, const cz_mech_kind *k, size_t n) {
  memset(b, 0, sizeof *b);
  if (make_cable(&b->cable, n) || cz_ions_alloc(&b->ions, n) != CZ_OK || cz_mech_alloc(&b->mech, k, 0) != CZ_OK)
    return 1;
  for (size_t i = 0; i < n; i++) {
    b->ions.ena[i] = 50.0;
    b->ions.ek[i] = -85.0;
  }
  double param[CZ_MECH_MAX_PARAMS];
  memcpy(param, k->param_default, sizeof param);
  const int gbar = cz_mech_param_index(k, "gbar");
  if (gbar >= 0) param[gbar] = 0.01; /* a channel that conducts */
  for (size_t i = 0; i < n; i++)
    if (cz_mech_append(&b->mech, (uint32_t)i, param) != CZ_OK) return 1;
  b->env = (cz_mech_env){&b->cable, &b->ions, 0.1, 34.0, &cz_units_modern};
  k->init(&b->mech, &b->env);
  return 0;
}

static void drop(bench *b) {
  cz_mech_free(&b->mech);
  cz_ions_free(&b->ions);
  cz_cable_free(&b->cable);
}

/* ns per instance and step of the kind's current and advance. */
static double time_kind(bench *b, int steps) {
  const cz_mech_kind *k = b->mech.kind;
  const double t0 = cz_now();
  for (int s = 0; s < steps; s++) {
    cz_ions_begin_currents(&b->ions, b->env.celsius, b->env.units);
    k->current(&b->mech, &b->env);
    k->advance(&b->mech, &b->env);
  }
  return (cz_now() - t0) * 1e9 / ((double)steps * (double)b->mech.n);
}

/* ns per node and step of the cable's solve, as the engine steps most nodes: 16 cells of one
 * shape (chains of n nodes) side by side in one cohort. */
static double time_cable(size_t n, int steps) {
  enum { CELLS = 16 };
  cz_cable c;
  size_t roots[CELLS];
  uint32_t *to = calloc(CELLS * n, sizeof *to);
  if (!to || make_cable(&c, CELLS * n)) return -1;
  for (size_t k = 0; k < CELLS; k++) {
    roots[k] = k * n;
    c.parent[k * n] = -1;
  }
  if (cz_cable_interleave(&c, roots, CELLS, to) != CZ_OK || c.ncohort != 1) return -1;
  free(to);
  const double t0 = cz_now();
  for (int s = 0; s < steps; s++) {
    cz_cable_begin_currents(&c);
    cz_cable_solve(&c, 0.1);
  }
  const double ns = (cz_now() - t0) * 1e9 / ((double)steps * (double)c.n);
  cz_cable_free(&c);
  return ns;
}

int main(int argc, char **argv) {
  const long n = argc > 1 ? atol(argv[1]) : 256, steps = argc > 2 ? atol(argv[2]) : 20000;
  if (n < 1 || n > 1000000 || steps < 1) {
    fprintf(stderr, "mech_cost_bench: N from 1 to 1000000 and STEPS above 0\n");
    return 2;
  }
  const char *why = NULL;
  cz_mech_vector_kernels(&why);
  printf("kernels: %s\n", why ? why : "?");
  const double node = time_cable((size_t)n, (int)steps);
  if (node < 0) {
    fprintf(stderr, "mech_cost_bench: the cable's cohort could not be made\n");
    return 1;
  }
  printf("%-12s %8.2f ns per node-step (16 cells of %ld nodes side by side)\n", "cable", node, n);
  for (int o = 0; o < cz_mech_nkinds(); o++) {
    bench b;
    if (make(&b, cz_mech_kind_at(o), (size_t)n)) {
      fprintf(stderr, "mech_cost_bench: out of memory\n");
      return 1;
    }
    const double ns = time_kind(&b, (int)steps);
    printf("%-12s %8.2f ns per instance-step  %6.2f cable nodes\n", b.mech.kind->name, ns, ns / node);
    drop(&b);
  }
  return 0;
}
