/* The xstim input's parts (bionet-spec.md §6.4, inputs-spec.md §4.6): the potential of one
 * point electrode equals the closed form of a point current source in a homogeneous medium,
 * V = rho I / (4 pi r), with rho in Ω·m, I in A and r in m, and sums over electrodes; a mesh is
 * rotated by Rx Ry Rz about the origin and moved so its mean lies on the electrode's position,
 * and its points share the current; dc and sin waveforms are active strictly inside
 * (del, del + dur), a .csv table is interpolated in ms and clamped; every malformed block is
 * refused naming the block and the key or file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bionet/xstim.h"
#include "io/config.h"

/* Writes files into a fresh folder (name, text pairs, NULL-ended), then a config whose inputs
 * hold the given members, and loads it. */
static cz_config *load_with(const char *inputs, char *dir, size_t n, ...) {
  cz_test_tmpdir(dir, n, "xstim");
  va_list ap;
  va_start(ap, n);
  for (const char *name; (name = va_arg(ap, const char *));) {
    const char *text = va_arg(ap, const char *);
    char path[700];
    cz_test_write(path, sizeof path, dir, name, text);
  }
  va_end(ap);
  char text[4096], path[700];
  snprintf(text, sizeof text,
           "{\"run\": {\"tstop\": 10, \"dt\": 0.1}, \"inputs\": {%s}, \"networks\": {\"nodes\": [{\"nodes_file\": "
           "\"n.h5\", \"node_types_file\": \"t.csv\"}]}}",
           inputs);
  cz_test_write(path, sizeof path, dir, "config.json", text);
  cz_config *cfg = NULL;
  if (cz_cfg_load(path, NULL, &cfg) != CZ_OK) fail_msg("%s: %s", path, cz_error_message());
  return cfg;
}

static cz_bio_xstim *create_ok(const cz_config *cfg) {
  cz_bio_xstim *x = NULL;
  if (cz_bio_xstim_create(cfg, cfg->dt, 2, &x) != CZ_OK) fail_msg("%s", cz_error_message());
  assert_non_null(x);
  return x;
}

#define DC "{\"shape\": \"dc\", \"amp\": 0.002, \"del\": 1.0, \"dur\": 2.0}"
#define BLOCK(extra) "\"stim\": {\"input_type\": \"extracellular\", \"module\": \"xstim\", \"positions_file\": " \
                     "\"el.csv\"" extra "}"

/* rho I / (4 pi r) in SI units, returned in mV: rho 300 Ω·cm = 3 Ω·m, I in mA, r in µm. */
static double point_source_mv(double rho_ohm_cm, double i_ma, double r_um) {
  const double rho = rho_ohm_cm * 1e-2, i = i_ma * 1e-3, r = r_um * 1e-6;
  return rho * i / (4 * M_PI * r) * 1e3;
}

static void test_point_source_closed_form(void **state) {
  (void)state;
  char dir[512];
  cz_config *cfg = load_with(BLOCK(", \"waveform\": " DC), dir, sizeof dir, "el.csv",
                             "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n10 20 30 0.3 1.1 -2\n", NULL);
  cz_bio_xstim *x = create_ok(cfg);
  assert_int_equal(cz_bio_xstim_electrodes(x), 1);
  static const double dist[] = {10, 37.5, 200, 1e4};
  for (size_t k = 0; k < sizeof dist / sizeof *dist; k++) {
    const double p[3] = {10 + dist[k] * 0.6, 20 - dist[k] * 0.8, 30}; /* |(0.6, -0.8, 0)| = 1 */
    const double want = point_source_mv(300, 0.002, dist[k]);
    const double got = cz_bio_xstim_potential(x, p, 0.002);
    assert_true(fabs(got - want) <= 1e-12 * want);
    assert_true(fabs(cz_bio_xstim_potential(x, p, -0.004) + 2 * want) <= 1e-12 * want); /* linear in I */
  }
  const double p[3] = {10, 20, 30 + 50};
  assert_true(fabs(cz_bio_xstim_potential(x, p, 0.002) - 9.5492965855137202) < 1e-12); /* 6 / (2 pi) / 0.1 mV */
  cz_bio_xstim_free(&x);
  cz_cfg_destroy(&cfg);
}

/* Two electrodes: potentials add; a resistance scales them; the closest distance is reported. */
static void test_superposition_and_resistance(void **state) {
  (void)state;
  char dir[512];
  cz_config *cfg = load_with(BLOCK(", \"resistance\": 150, \"waveform\": " DC), dir, sizeof dir, "el.csv",
                             "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 0 0 0 0\n100 0 0 0 0 0\n",
                             NULL);
  cz_bio_xstim *x = create_ok(cfg);
  assert_int_equal(cz_bio_xstim_electrodes(x), 2);
  const double p[3] = {30, 40, 0}; /* 50 µm from the first, sqrt(70² + 40²) from the second */
  const double want = point_source_mv(150, 1.0, 50) + point_source_mv(150, 1.0, sqrt(70.0 * 70 + 40 * 40));
  assert_true(fabs(cz_bio_xstim_potential(x, p, 1.0) - want) <= 1e-12 * want);
  const double xyz[6] = {0, 0, 0, 3, 4, 0}, q[3] = {3, 4, 12};
  double closest = 0;
  const double T = cz_bio_xstim_transfer(xyz, 2, q, 300, &closest);
  assert_true(closest == 12.0);
  assert_true(fabs(T - 300 / (4 * M_PI) * 0.01 * (1 / 13.0 + 1 / 12.0)) < 1e-15);
  cz_bio_xstim_free(&x);
  cz_cfg_destroy(&cfg);
}

/* A mesh: rotated about the origin by Rx(pi/2) ((x, y, z) -> (x, -z, y)), then moved so that its
 * mean lies on the position; its points share the current, so far away it acts as one point. */
static void test_mesh_rotated_and_centred(void **state) {
  (void)state;
  char dir[512];
  cz_config *cfg = load_with(BLOCK(", \"waveform\": " DC), dir, sizeof dir, "el.csv",
                             "pos_x pos_y pos_z rotation_x rotation_y rotation_z electrode_mesh_file\n"
                             "100 0 0 1.5707963267948966 0 0 tip.txt\n",
                             "tip.txt", "x_pos y_pos z_pos\n9 5 5\n1 5 5\n5 9 5\n5 1 5\n5 5 9\n5 5 1\n", NULL);
  cz_bio_xstim *x = create_ok(cfg);
  size_t n = 0;
  const double *m = cz_bio_xstim_mesh(x, 0, &n);
  assert_int_equal(n, 6);
  static const double want[6][3] = {{104, 0, 0}, {96, 0, 0}, {100, 0, 4}, {100, 0, -4}, {100, -4, 0}, {100, 4, 0}};
  for (size_t k = 0; k < 6; k++)
    for (int a = 0; a < 3; a++) assert_true(fabs(m[3 * k + a] - want[k][a]) < 1e-12);
  /* on the axis, 50 µm out: the mean of the six points' 1/r */
  const double p[3] = {150, 0, 0};
  const double inv = (1 / 46.0 + 1 / 54.0 + 4 / sqrt(50.0 * 50 + 16)) / 6;
  assert_true(fabs(cz_bio_xstim_potential(x, p, 1.0) - 1e4 * 300 / (4 * M_PI) * inv) < 1e-9);
  const double far[3] = {100, 1e5, 0};
  assert_true(fabs(cz_bio_xstim_potential(x, far, 1.0) / point_source_mv(300, 1.0, 1e5) - 1) < 1e-8);
  cz_bio_xstim_free(&x);
  cz_cfg_destroy(&cfg);
}

static void test_waveforms(void **state) {
  (void)state;
  char dir[512];
  cz_config *cfg = load_with(BLOCK(", \"waveform\": " DC), dir, sizeof dir, "el.csv",
                             "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 0 0 0 0\n", NULL);
  cz_bio_xstim *x = create_ok(cfg);
  assert_true(cz_bio_xstim_waveform(x, 1.0) == 0.0);   /* del excluded */
  assert_true(cz_bio_xstim_waveform(x, 1.1) == 0.002);
  assert_true(cz_bio_xstim_waveform(x, 2.9) == 0.002);
  assert_true(cz_bio_xstim_waveform(x, 3.0) == 0.0);   /* del + dur excluded */
  cz_bio_xstim_free(&x);
  cz_cfg_destroy(&cfg);

  cfg = load_with(BLOCK(", \"waveform\": {\"shape\": \"SIN\", \"amp\": 2, \"del\": 0, \"dur\": 100, \"freq\": 50}"),
                  dir, sizeof dir, "el.csv", "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 0 0 0 0\n",
                  NULL);
  x = create_ok(cfg);
  /* phase pi by default: 2 sin(2 pi 0.05 t + pi) = -2 sin(0.1 pi t) */
  assert_true(fabs(cz_bio_xstim_waveform(x, 5.0) + 2.0) < 1e-12);
  assert_true(fabs(cz_bio_xstim_waveform(x, 2.5) + 2 * sin(0.25 * M_PI)) < 1e-12);
  assert_true(cz_bio_xstim_waveform(x, 100.0) == 0.0);
  cz_bio_xstim_free(&x);
  cz_cfg_destroy(&cfg);

  cfg = load_with(BLOCK(", \"waveform\": {\"shape\": \"sin\", \"amp\": 1, \"del\": 0, \"dur\": 10, \"freq\": 100, "
                        "\"phase\": 0, \"offset\": 0.5}"),
                  dir, sizeof dir, "el.csv", "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 0 0 0 0\n",
                  NULL);
  x = create_ok(cfg);
  assert_true(fabs(cz_bio_xstim_waveform(x, 2.5) - 1.5) < 1e-12); /* sin(pi / 2) + 0.5 */
  cz_bio_xstim_free(&x);
  cz_cfg_destroy(&cfg);

  /* a tab-separated table, in ms, clamped at both ends; a relative path is the config's folder's */
  cfg = load_with(BLOCK(", \"waveform\": \"wave.csv\""), dir, sizeof dir, "el.csv",
                  "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 0 0 0 0\n", "wave.csv",
                  "time\tamplitude\n1\t0.5\n3\t1.5\n3\t-1\n5\t0\n", NULL);
  x = create_ok(cfg);
  assert_true(cz_bio_xstim_waveform(x, 0.0) == 0.5);
  assert_true(cz_bio_xstim_waveform(x, 2.0) == 1.0);
  assert_true(cz_bio_xstim_waveform(x, 4.0) == -0.5);
  assert_true(cz_bio_xstim_waveform(x, 9.0) == 0.0);
  cz_bio_xstim_free(&x);
  cz_cfg_destroy(&cfg);

  cfg = load_with(BLOCK(", \"waveform\": \"wave.json\""), dir, sizeof dir, "el.csv",
                  "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 0 0 0 0\n", "wave.json", DC, NULL);
  x = create_ok(cfg);
  assert_true(cz_bio_xstim_waveform(x, 2.0) == 0.002 && cz_bio_xstim_waveform(x, 3.5) == 0.0);
  cz_bio_xstim_free(&x);
  cz_cfg_destroy(&cfg);
}

static void test_refusals(void **state) {
  (void)state;
  static const char *const el = "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 0 0 0 0\n";
  static const struct {
    const char *inputs, *positions, *says;
  } bad[] = {
      {"\"stim\": {\"input_type\": \"extracellular\", \"module\": \"xstim\", \"waveform\": " DC "}", NULL,
       "missing key \"inputs.stim.positions_file\""},
      {BLOCK(""), NULL, "missing key \"inputs.stim.waveform\""},
      {BLOCK(", \"waveform\": {\"shape\": \"square\", \"amp\": 1, \"del\": 0, \"dur\": 1}"), NULL,
       "inputs.stim: waveform.shape \"square\" is not a waveform shape"},
      {BLOCK(", \"waveform\": {\"shape\": \"sin\", \"amp\": 1, \"del\": 0, \"dur\": 1}"), NULL,
       "missing key \"freq\" of the waveform"},
      {BLOCK(", \"waveform\": {\"shape\": \"dc\", \"amp\": \"x\", \"del\": 0, \"dur\": 1}"), NULL,
       "waveform.amp must be a finite number"},
      {BLOCK(", \"waveform\": \"wave.txt\""), NULL, "is neither a .json waveform nor a .csv table"},
      {BLOCK(", \"waveform\": \"absent.csv\""), NULL, "inputs.stim.waveform"},
      {BLOCK(", \"cells\": [0], \"waveform\": " DC), NULL, "inputs.stim.cells: xstim: 'cells' is not supported"},
      {BLOCK(", \"set_nrn_mechanisms\": false, \"waveform\": " DC), NULL, "inputs.stim.set_nrn_mechanisms"},
      {BLOCK(", \"resistance\": -3, \"waveform\": " DC), NULL, "inputs.stim.resistance must be a positive number"},
      {BLOCK(", \"waveform\": " DC), "pos_x pos_z rotation_x rotation_y rotation_z\n0 0 0 0 0\n",
       "el.csv: no column pos_y"},
      {BLOCK(", \"waveform\": " DC), "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n0 0 nan 0 0 0\n",
       "el.csv: line 2: pos_z must be a finite number"},
      {BLOCK(", \"waveform\": " DC), "pos_x pos_y pos_z rotation_x rotation_y rotation_z\n", "el.csv: no electrodes"},
      {BLOCK(", \"waveform\": " DC),
       "pos_x pos_y pos_z rotation_x rotation_y rotation_z electrode_mesh_file\n0 0 0 0 0 0 none.txt\n",
       "el.csv: line 2: electrode_mesh_file"},
      {BLOCK(", \"waveform\": " DC) ", \"b\": {\"input_type\": \"x\", \"module\": \"xstim\", \"positions_file\": "
       "\"el.csv\", \"waveform\": " DC "}", NULL, "inputs.stim and inputs.b are both xstim inputs"},
      {BLOCK(", \"waveform\": " DC) ", \"f\": {\"input_type\": \"x\", \"module\": \"comsol\", \"comsol_file\": "
       "\"c.txt\"}", NULL, "inputs.stim (xstim) and inputs.f (comsol) would each overwrite"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char dir[512];
    cz_config *cfg = load_with(bad[i].inputs, dir, sizeof dir, "el.csv", bad[i].positions ? bad[i].positions : el,
                               "wave.txt", "1 2\n", NULL);
    const cz_status st = cz_bio_xstim_check(cfg);
    if (st == CZ_OK || !strstr(cz_error_message(), bad[i].says))
      fail_msg("case %zu: %s (wanted \"%s\")", i, st == CZ_OK ? "accepted" : cz_error_message(), bad[i].says);
    cz_cfg_destroy(&cfg);
  }
  /* disabled blocks are not read */
  char dir[512];
  cz_config *cfg = load_with("\"stim\": {\"input_type\": \"x\", \"module\": \"xstim\", \"enabled\": false}", dir,
                             sizeof dir, NULL);
  cz_bio_xstim *x = NULL;
  assert_int_equal(cz_bio_xstim_create(cfg, 0.1, 1, &x), CZ_OK);
  assert_null(x);
  cz_cfg_destroy(&cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_point_source_closed_form),
      cmocka_unit_test(test_superposition_and_resistance),
      cmocka_unit_test(test_mesh_rotated_and_centred),
      cmocka_unit_test(test_waveforms),
      cmocka_unit_test(test_refusals),
  };
  return cz_test_exit_code(cmocka_run_group_tests(tests, NULL, NULL));
}
