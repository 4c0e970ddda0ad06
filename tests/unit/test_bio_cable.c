/* The cable equation of the detailed-cell engine against the numbers of bionet-spec.md §8.3:
 * a passive compartment follows backward Euler's closed form, a sealed passive cable reaches
 * NEURON 8.2.2's input resistance for 11, 101 and 1001 segments, and a Hodgkin-Huxley
 * compartment fires at NEURON's spike times at dt 0.1 and 0.025 ms; an ExpSyn's conductance
 * decays with its tau and depolarises a passive compartment towards its reversal; an imposed
 * extracellular potential polarises a sealed cable as the cable equation says; pas's pass over
 * every node gives the bytes of clearing the rows and adding pas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bionet/cable.h"
#include "bionet/expsyn.h"
#include "bionet/geometry.h"
#include "bionet/mechanisms/iclamp.h"
#include "bionet/mechanisms/kinds.h"
#include "bionet/mechanisms/mechanism.h"
#include "bionet/mechanisms/pas.h"
#include "bionet/mechanisms/seclamp.h"
#include "bionet/morphology.h"

/* One cell of one cylindrical section on a cable, pas (or hh) in every segment. */
typedef struct one_cell {
  cz_morph *m;
  cz_bio_geom *g;
  cz_cable c;
  cz_cell_nodes map;
  cz_ions ions;
  cz_mech mech; /* pas or hh in every segment */
  cz_mech_env env;
} one_cell;

static void cell_make(one_cell *x, double L, double diam, double dL, double Ra, double v_init, bool with_hh) {
  memset(x, 0, sizeof *x);
  assert_int_equal(cz_morph_new_cylinder("cylinder", 1, L, diam, &x->m), CZ_OK);
  assert_int_equal(cz_bio_geom_build(x->m, dL, &Ra, &x->g), CZ_OK);
  assert_int_equal(cz_cable_add_cell(&x->c, x->m, x->g, NULL, v_init, &x->map), CZ_OK);
  const size_t nseg = x->g->nseg[0];
  assert_int_equal(cz_ions_alloc(&x->ions, x->c.n), CZ_OK);
  assert_int_equal(cz_mech_alloc(&x->mech, with_hh ? &cz_mech_hh : &cz_mech_pas, nseg), CZ_OK);
  for (size_t k = 0; k < nseg; k++) {
    x->mech.node[k] = (uint32_t)(x->map.centre0[0] + k);
    if (!with_hh) {
      x->mech.p[0][k] = 1e-4; /* g_pas */
      x->mech.p[1][k] = -70.0;
    }
  }
  x->env = (cz_mech_env){.cable = &x->c, .ions = &x->ions, .dt = 0.1, .celsius = 34, .units = &cz_units_modern};
}

static void cell_free(one_cell *x) {
  cz_mech_free(&x->mech);
  cz_ions_free(&x->ions);
  cz_cell_nodes_free(&x->map);
  cz_cable_free(&x->c);
  cz_bio_geom_free(&x->g);
  cz_morph_free(&x->m);
}

/* One step as NEURON takes it: half a step, currents, solve, half a step, gates. *t is the
 * accumulated time. */
static void cell_step_clamped(one_cell *x, const cz_iclamp *clamp, const cz_seclamp *se, double *t, double dt,
                              double celsius) {
  x->env.dt = dt;
  x->env.celsius = celsius;
  *t += 0.5 * dt;
  cz_cable_begin_currents(&x->c);
  cz_ions_begin_currents(&x->ions, celsius, x->env.units);
  x->mech.kind->current(&x->mech, &x->env);
  cz_iclamp_current(clamp, 1, *t, &x->c);
  if (se) cz_seclamp_current(se, 1, *t, &x->c);
  cz_cable_solve(&x->c, dt);
  *t += 0.5 * dt;
  x->mech.kind->advance(&x->mech, &x->env);
}

static void cell_step(one_cell *x, const cz_iclamp *clamp, double *t, double dt, double celsius) {
  cell_step_clamped(x, clamp, NULL, t, dt, celsius);
}

/* Area 1000 µm², g_pas 1e-4 S/cm², 0.01 nA from t = 0: R_in 1000 MΩ, τ 10 ms, and backward
 * Euler gives v_n = -70 + 10 (1 - (1 + dt/τ)^-n) at every step. */
static void test_passive_compartment(void **state) {
  (void)state;
  one_cell x;
  const double d = sqrt(1000.0 / M_PI);
  cell_make(&x, d, d, 20.0, 35.4, -70.0, false);
  assert_true(fabs(x.g->area[0] - 1000.0) < 1e-9);
  const cz_iclamp clamp = {.node = (uint32_t)x.map.centre0[0], .del = 0, .dur = 1e9, .amp = 0.01};
  double t = 0;
  for (int n = 1; n <= 100; n++) {
    cell_step(&x, &clamp, &t, 0.1, 34);
    const double expect = -70.0 + 10.0 * (1.0 - pow(1.01, -n));
    if (fabs(x.c.v[x.map.centre0[0]] - expect) > 1e-9) fail_msg("step %d: v %.12f, expected %.12f", n, x.c.v[x.map.centre0[0]], expect);
  }
  assert_true(fabs(x.c.v[x.map.centre0[0]] - -63.697112123291) < 1e-9);
  cell_free(&x);
}

/* L 1000 µm, d 2 µm, Ra 100 Ω·cm, g_pas 1e-4, 0.01 nA into x = 0 (the root node): NEURON's
 * steady input resistance for nseg 11, 101 and 1001 (the analytic value is 253.35743 MΩ). */
static void test_sealed_cable(void **state) {
  (void)state;
  const struct {
    double dL, r_in;
    uint32_t nseg;
  } cases[] = {{100.0, 253.93897, 11}, {10.0, 253.36433, 101}, {1.0, 253.35750, 1001}};
  for (size_t k = 0; k < 3; k++) {
    one_cell x;
    cell_make(&x, 1000.0, 2.0, cases[k].dL, 100.0, -70.0, false);
    assert_int_equal(x.g->nseg[0], cases[k].nseg);
    const cz_iclamp clamp = {.node = (uint32_t)x.map.root, .del = 0, .dur = 1e12, .amp = 0.01};
    double t = 0;
    for (int n = 0; n < 2000; n++) cell_step(&x, &clamp, &t, 5.0, 34); /* 10 s: 1000 time constants */
    const double r_in = (x.c.v[x.map.root] + 70.0) / 0.01;
    if (fabs(r_in - cases[k].r_in) > 5e-6) fail_msg("nseg %u: R_in %.6f MΩ, NEURON %.5f", cases[k].nseg, r_in, cases[k].r_in);
    cell_free(&x);
  }
}

/* hh at 6.3 °C in 1000 µm², 0.1 nA from 5 to 55 ms, v_init -65, threshold 0: spikes at the
 * step start where v first exceeds 0, stamped t_n + 1e-10. */
static void run_hh(double dt, const double *expect, size_t nexpect) {
  one_cell x;
  const double d = sqrt(1000.0 / M_PI);
  cell_make(&x, d, d, 20.0, 35.4, -65.0, true);
  x.env.celsius = 6.3;
  x.mech.kind->init(&x.mech, &x.env);
  const size_t soma = x.map.centre0[0];
  const cz_iclamp clamp = {.node = (uint32_t)soma, .del = 5, .dur = 50, .amp = 0.1};
  double t = 0, spikes[16];
  size_t nspikes = 0;
  bool above = false;
  const long nsteps = lround(60.0 / dt);
  for (long n = 0; n < nsteps; n++) {
    const double v = x.c.v[soma];
    if (v > 0 && !above) {
      above = true;
      if (nspikes < 16) spikes[nspikes++] = t + 1e-10;
    } else if (v <= 0) {
      above = false;
    }
    cell_step(&x, &clamp, &t, dt, 6.3);
  }
  if (nspikes != nexpect) fail_msg("dt %g: %zu spikes, expected %zu", dt, nspikes, nexpect);
  for (size_t k = 0; k < nexpect; k++)
    if (fabs(spikes[k] - expect[k]) > 1e-3 * dt) fail_msg("dt %g: spike %zu at %.10f, NEURON %.3f", dt, k, spikes[k], expect[k]);
  if (getenv("CZ_TEST_VERBOSE"))
    for (size_t k = 0; k < nspikes; k++) printf("%.17g\n", spikes[k]);
  cell_free(&x);
}

static void test_hodgkin_huxley_spike_times(void **state) {
  (void)state;
  const double at_01[] = {7.0, 22.2, 37.2, 52.1}, at_0025[] = {6.925, 21.9, 36.6, 51.3};
  run_hh(0.1, at_01, 4);
  run_hh(0.025, at_0025, 4);
}

/* SEClamp on the passive compartment: each level is held at the steady state of the clamp's
 * series resistance against the membrane, (vc / rs + G e) / (1 / rs + G) with G the membrane's
 * conductance (1 nS here); after the last level the clamp lets go and v relaxes to e. */
static void test_voltage_clamp(void **state) {
  (void)state;
  one_cell x;
  const double d = sqrt(1000.0 / M_PI);
  cell_make(&x, d, d, 20.0, 35.4, -70.0, false);
  const size_t soma = x.map.centre0[0];
  const cz_seclamp clamp = {.node = (uint32_t)soma, .dur = {100, 100, 100}, .amp = {-50, -20, -60}, .rs = 1.0};
  const cz_iclamp off = {.node = (uint32_t)soma, .del = 0, .dur = 0, .amp = 0};
  const double G = 1e-4 * 1000.0 * 1e-8 * 1e6; /* S/cm² x µm² (1e-8 cm² each) in µS */
  double t = 0;
  for (int level = 0; level < 3; level++) {
    for (int n = 0; n < 1000; n++) cell_step_clamped(&x, &off, &clamp, &t, 0.1, 34);
    const double vss = (clamp.amp[level] / clamp.rs + G * -70.0) / (1.0 / clamp.rs + G);
    if (fabs(x.c.v[soma] - vss) > 1e-9) fail_msg("level %d: v %.12f, expected %.12f", level, x.c.v[soma], vss);
  }
  for (int n = 0; n < 3000; n++) cell_step(&x, &off, &t, 0.1, 34);
  assert_true(fabs(x.c.v[soma] - -70.0) < 1e-3);
  cell_free(&x);
}

/* An ExpSyn (tau 2 ms, e 0 mV) on a passive compartment at -70 mV: an event of 0.01 µS
 * decays as 0.01 e^{-t/2} (NEURON's cnexp form is the exact exponential to rounding) and
 * depolarises the compartment, whose v rises while g is large and relaxes back. */
static void test_expsyn(void **state) {
  (void)state;
  one_cell x;
  cell_make(&x, 20.0, 20.0, 0, 100.0, -70.0, false);
  cz_expsyn syn = {0};
  size_t k = 99;
  const uint32_t node = (uint32_t)x.map.centre0[0];
  assert_int_equal(cz_expsyn_add(&syn, node, 2.0, 0.0, &k), CZ_OK);
  assert_int_equal(k, 0);
  assert_int_not_equal(cz_expsyn_add(&syn, node, 0.0, 0.0, NULL), CZ_OK); /* tau must be positive */
  cz_error_clear();
  cz_expsyn_init(&syn, 0.1);
  cz_expsyn_event(&syn, 0, 0.01);
  double vmax = -70.0;
  for (int n = 1; n <= 100; n++) {
    cz_cable_begin_currents(&x.c);
    x.mech.kind->current(&x.mech, &x.env);
    cz_expsyn_current(&syn, &x.c);
    cz_cable_solve(&x.c, 0.1);
    cz_expsyn_advance(&syn);
    if (fabs(syn.g[0] - 0.01 * exp(-0.05 * n)) > 1e-15) fail_msg("step %d: g %.17g, want %.17g", n, syn.g[0], 0.01 * exp(-0.05 * n));
    if (x.c.v[node] > vmax) vmax = x.c.v[node];
  }
  assert_true(vmax > -69.0);              /* the synapse depolarised the compartment */
  assert_true(x.c.v[node] < vmax - 0.1);  /* and it relaxes as g decays */
  cz_expsyn_free(&syn);
  cell_free(&x);
}

/* The sealed cable of test_sealed_cable (L 1000 µm, d 2 µm, Ra 100, g_pas 1e-4, λ = 707.1 µm)
 * in an extracellular potential rising linearly along it, G (x - L/2): at steady state the
 * membrane is polarised as -G λ sinh((x - L/2) / λ) / cosh(L / 2λ), the sealed ends carrying
 * no axial current along v + vext. An end node takes its one neighbour's vext, so it sits
 * half a segment (dx / 2) inside the cable's end, and a potential equal everywhere changes
 * nothing. */
static void test_extracellular_field(void **state) {
  (void)state;
  const double L = 1000.0, G = 0.01, lambda = sqrt(1e4 * 2e-4 / (4.0 * 100.0)) * 1e4, dx = L / 1001;
  const double expect = -G * lambda * sinh((L - dx) / (2.0 * lambda)) / cosh(L / (2.0 * lambda));
  for (int uniform = 0; uniform < 2; uniform++) {
    one_cell x;
    cell_make(&x, L, 2.0, 1.0, 100.0, -70.0, false);
    assert_int_equal(cz_cable_use_vext(&x.c), CZ_OK);
    const size_t nseg = x.g->nseg[0], c0 = x.map.centre0[0];
    for (size_t k = 0; k < nseg; k++) x.c.vext[c0 + k] = uniform ? 25.0 : G * (((double)k + 0.5) / (double)nseg * L - L / 2);
    cz_cable_settle_vext(&x.c);
    assert_true(x.c.vext[x.map.root] == x.c.vext[c0]);
    assert_true(x.c.vext[x.map.end[0]] == x.c.vext[c0 + nseg - 1]);
    const cz_iclamp off = {.node = (uint32_t)c0, .del = 0, .dur = 0, .amp = 0};
    double t = 0;
    for (int n = 0; n < 2000; n++) cell_step(&x, &off, &t, 5.0, 34);
    const double v1 = x.c.v[x.map.end[0]] + 70.0, v0 = x.c.v[x.map.root] + 70.0;
    if (uniform) {
      if (fabs(v1) > 1e-9 || fabs(v0) > 1e-9) fail_msg("a uniform potential polarised the cable: %g, %g mV", v0, v1);
    } else {
      if (fabs(v1 - expect) > 1e-4 || fabs(v0 + expect) > 1e-4)
        fail_msg("ends polarised by %.6f and %.6f mV, the cable equation gives %.6f and %.6f", v0, v1, -expect, expect);
      if (fabs(v0 + v1) > 1e-9) fail_msg("the polarisation is not antisymmetric: %g", v0 + v1);
    }
    cell_free(&x);
  }
}

/* pas over every node, clearing as it goes (mechanisms/pas.h), against clearing the rows and
 * adding pas's instances: the same bytes, signed zeros included, at membrane nodes above, at
 * and below e_pas and at the bare root and end nodes (one of them above 0 mV, where -i instead
 * of 0 - i would leave -0). Rows start as NaN, so a node the pass skipped shows. */
static void test_pas_begin_currents(void **state) {
  (void)state;
  one_cell x;
  cell_make(&x, 200.0, 2.0, 20.0, 100.0, -65.0, false);
  const size_t n = x.c.n;
  for (size_t i = 0; i < n; i++) x.c.v[i] = -90.0 + 17.5 * (double)i;
  x.c.v[x.map.centre0[0] + 1] = -70.0; /* at e_pas: i = 0 */
  x.c.v[x.map.root] = 20.0;
  double *g = calloc(n, sizeof *g), *e = calloc(n, sizeof *e), *rhs = malloc(n * sizeof *rhs), *d = malloc(n * sizeof *d);
  assert_non_null(g);
  assert_non_null(e);
  assert_non_null(rhs);
  assert_non_null(d);
  for (size_t k = 0; k < x.mech.n; k++) {
    g[x.mech.node[k]] = x.mech.p[0][k] * (1.0 + 0.1 * (double)k);
    e[x.mech.node[k]] = x.mech.p[1][k];
    x.mech.p[0][k] = g[x.mech.node[k]];
  }
  cz_cable_begin_currents(&x.c);
  x.mech.kind->current(&x.mech, &x.env);
  memcpy(rhs, x.c.rhs, n * sizeof *rhs);
  memcpy(d, x.c.d, n * sizeof *d);
  for (size_t i = 0; i < n; i++) x.c.rhs[i] = x.c.d[i] = NAN;
  cz_mech_pas_begin_currents(&x.c, g, e);
  for (size_t i = 0; i < n; i++)
    if (memcmp(&rhs[i], &x.c.rhs[i], sizeof *rhs) != 0 || memcmp(&d[i], &x.c.d[i], sizeof *d) != 0)
      fail_msg("node %zu: rhs %a d %a, adding pas gives rhs %a d %a", i, x.c.rhs[i], x.c.d[i], rhs[i], d[i]);
  free(g);
  free(e);
  free(rhs);
  free(d);
  cell_free(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_passive_compartment),
      cmocka_unit_test(test_sealed_cable),
      cmocka_unit_test(test_voltage_clamp),
      cmocka_unit_test(test_expsyn),
      cmocka_unit_test(test_pas_begin_currents),
      cmocka_unit_test(test_extracellular_field),
      cmocka_unit_test(test_hodgkin_huxley_spike_times),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
