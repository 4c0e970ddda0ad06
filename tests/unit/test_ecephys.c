/* The ecephys_probe spike input (core/stimulus/ecephys.h, io/nwb_units.h) on a hand-made NWB 2
 * file: six units with ragged spike_times (distinct spike counts, so a train says which unit
 * played it), peak_channel_id joined with an electrodes table (location, probe_id; one unit's
 * channel is no electrode), a units column probe_id clashing with the electrodes' one, and a
 * flashes_presentations intervals table. Checked: units_map with and without per-unit
 * windows, the window and interval_offset arithmetic (s -> ms), dict intervals, filters
 * picking only matching units, seeded sampling equal to numpy's RandomState(seed).choice
 * (expected draws worked out from numpy's algorithm, and checked against outputs numpy is
 * known to give), every refusal naming the config, the block and the key or file, and
 * BioNet's order of placement draws (ecephys_probe's populations last). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"
#include "nwb2_fixture.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mt19937.h"
#include "bionet/edge_order.h"
#include "core/stimulus/ecephys.h"
#include "core/stimulus/spike_train.h"
#include "io/circuit.h"
#include "io/config.h"

/* ---- the NWB file ------------------------------------------------------------------------ */

static const double T10[] = {0.5, 1.0, 1.25, 2.0, 3.5}, T11[] = {0.1, 1.1}, T12[] = {1.5}, T14[] = {2.5, 0.75, 1.75},
                    T15[] = {1.0, 1.9, 0.2, 0.3};
static const double *const TIMES[6] = {T10, T11, T12, NULL, T14, T15};
static const size_t COUNT[6] = {5, 2, 1, 0, 3, 4};
static const int64_t UNIT_ID[6] = {10, 11, 12, 13, 14, 15};

/* Which unit played a train of n spikes (by the distinct counts), -1 when none has n. */
static int64_t unit_of_count(size_t n) {
  for (int u = 0; u < 6; u++)
    if (COUNT[u] == n) return UNIT_ID[u];
  return -1;
}

/* The session; without_peak leaves out peak_channel_id. */
static void write_nwb(const char *path, bool without_peak) {
  hid_t f = nwb2_create(path);
  assert_true(f >= 0);
  double flat[16];
  uint64_t end[6];
  size_t n = 0;
  for (int u = 0; u < 6; u++) {
    for (size_t k = 0; k < COUNT[u]; k++) flat[n++] = TIMES[u][k];
    end[u] = n;
  }
  const int64_t channel[6] = {100, 101, 100, 102, 103, 101}, uprobe[6] = {7, 7, 7, 8, 8, 8};
  const double snr[6] = {1, 2, 3, 4, 5, 6};
  const double amps[3] = {1, 2, 3};
  const uint64_t amps_index[6] = {1, 1, 2, 2, 3, 3};
  int bad = nwb2_i64(f, "/units/id", UNIT_ID, 6) || nwb2_f64(f, "/units/spike_times", flat, n) ||
            nwb2_u64(f, "/units/spike_times_index", end, 6) || nwb2_f64(f, "/units/snr", snr, 6) ||
            nwb2_i64(f, "/units/probe_id", uprobe, 6) || nwb2_f64(f, "/units/amplitudes", amps, 3) ||
            nwb2_u64(f, "/units/amplitudes_index", amps_index, 6);
  if (!without_peak) bad = bad || nwb2_i64(f, "/units/peak_channel_id", channel, 6);
  const int64_t eid[3] = {100, 101, 102}, eprobe[3] = {1, 2, 1};
  const char *const loc[3] = {"VISp", "LGd", "VISp"};
  bad = bad || nwb2_i64(f, "/general/extracellular_ephys/electrodes/id", eid, 3) ||
        nwb2_text(f, "/general/extracellular_ephys/electrodes/location", loc, 3) ||
        nwb2_i64(f, "/general/extracellular_ephys/electrodes/probe_id", eprobe, 3);
  const int64_t iid[3] = {0, 1, 2};
  const double start[3] = {1.0, 3.0, 5.0}, stop[3] = {2.0, 4.0, 6.0}, color[3] = {1, -1, 1};
  const char *const stim[3] = {"flashes", "flashes", "flashes"};
  bad = bad || nwb2_i64(f, "/intervals/flashes_presentations/id", iid, 3) ||
        nwb2_f64(f, "/intervals/flashes_presentations/start_time", start, 3) ||
        nwb2_f64(f, "/intervals/flashes_presentations/stop_time", stop, 3) ||
        nwb2_f64(f, "/intervals/flashes_presentations/color", color, 3) ||
        nwb2_text(f, "/intervals/flashes_presentations/stimulus_name", stim, 3);
  assert_false(bad);
  assert_int_equal(nwb2_close(f), 0);
}

/* ---- a circuit and a config by hand ------------------------------------------------------ */

typedef struct fixture {
  char dir[512], nwb[600], bad_nwb[600], text[600], config[600];
  cz_node_pop pops[3];
  cz_circuit c;
  cJSON *sets;
  cJSON *blocks[4];
  cz_cfg_block inputs[4];
  cz_config cfg;
} fixture;

static fixture fx;

static int setup(void **state) {
  (void)state;
  memset(&fx, 0, sizeof fx);
  cz_test_tmpdir(fx.dir, sizeof fx.dir, "ecephys");
  snprintf(fx.nwb, sizeof fx.nwb, "%s/session.nwb", fx.dir);
  snprintf(fx.bad_nwb, sizeof fx.bad_nwb, "%s/no_peak.nwb", fx.dir);
  snprintf(fx.config, sizeof fx.config, "%s/simulation_config.json", fx.dir);
  write_nwb(fx.nwb, false);
  write_nwb(fx.bad_nwb, true);
  cz_test_write(fx.text, sizeof fx.text, fx.dir, "not_nwb.nwb", "this is not HDF5\n");
  static const char *const names[3] = {"virt", "virt2", "cells"};
  static const size_t sizes[3] = {4, 2, 2}, nvirt[3] = {4, 2, 0};
  for (int p = 0; p < 3; p++) {
    fx.pops[p].name = (char *)names[p];
    fx.pops[p].n = sizes[p];
    fx.pops[p].identity_ids = true;
    fx.pops[p].nvirtual = nvirt[p];
  }
  fx.c.nnodes = 3;
  fx.c.nodes = fx.pops;
  fx.sets = cJSON_Parse("{\"virt\": {\"population\": \"virt\"}, \"virt2\": {\"population\": \"virt2\"},"
                        " \"cells\": {\"population\": \"cells\"}, \"both\": [\"virt\", \"virt2\"]}");
  assert_non_null(fx.sets);
  return 0;
}

static void clear_blocks(void) {
  for (int i = 0; i < 4; i++) {
    cJSON_Delete(fx.blocks[i]);
    fx.blocks[i] = NULL;
  }
}

static int teardown(void **state) {
  (void)state;
  clear_blocks();
  cJSON_Delete(fx.sets);
  return 0;
}

/* The config of blocks given as JSON texts ("%s" in them becomes the NWB path), named eph0,
 * eph1, ...; the module and input_type come from the JSON. */
static cz_config *config_of(int n, const char *const *json) {
  clear_blocks();
  memset(&fx.cfg, 0, sizeof fx.cfg);
  fx.cfg.path = fx.config;
  fx.cfg.node_sets = fx.sets;
  static char names[4][8];
  for (int i = 0; i < n; i++) {
    char text[4096];
    snprintf(text, sizeof text, json[i], fx.nwb, fx.nwb);
    fx.blocks[i] = cJSON_Parse(text);
    if (!fx.blocks[i]) fail_msg("bad JSON: %s", text);
    cz_cfg_block *b = &fx.inputs[i];
    memset(b, 0, sizeof *b);
    snprintf(names[i], sizeof names[i], "eph%d", i);
    b->name = names[i];
    b->enabled = true;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(fx.blocks[i], "module");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(fx.blocks[i], "input_type");
    b->module = cJSON_IsString(m) ? m->valuestring : NULL;
    b->input_type = cJSON_IsString(t) ? t->valuestring : NULL;
    b->json = fx.blocks[i];
    b->node_set = cJSON_GetObjectItemCaseSensitive(fx.blocks[i], "node_set");
    b->file = fx.config;
  }
  fx.cfg.ninputs = (size_t)n;
  fx.cfg.inputs = fx.inputs;
  return &fx.cfg;
}

static const char *units_csv(const char *name, const char *text) {
  static char path[4][640];
  static int next;
  char *p = path[next++ % 4];
  cz_test_write(p, 640, fx.dir, name, text);
  return p;
}

/* The trains block 0 gives population pop. */
static cz_spike_trains *trains_of(cz_config *cfg, size_t pop) {
  cz_ecephys *e = NULL;
  if (cz_ecephys_open(cfg, &cfg->inputs[0], &fx.c, &e) != CZ_OK) fail_msg("%s", cz_error_message());
  cz_spike_trains *t = NULL;
  if (cz_ecephys_trains(e, pop, &t) != CZ_OK) fail_msg("%s", cz_error_message());
  cz_ecephys_destroy(&e);
  return t;
}

/* Node id's times, in *n (sorted already). */
static const double *times_of(const cz_spike_trains *t, uint64_t node, size_t *n) {
  size_t i = 0;
  while (i < t->n && t->node_ids[i] != node) i++;
  size_t j = i;
  while (j < t->n && t->node_ids[j] == node) j++;
  *n = j - i;
  return t->timestamps + i;
}

static void expect_times(const cz_spike_trains *t, uint64_t node, const double *want, size_t nwant) {
  size_t n = 0;
  const double *got = times_of(t, node, &n);
  if (n != nwant) fail_msg("node %llu: %zu spikes, want %zu", (unsigned long long)node, n, nwant);
  for (size_t k = 0; k < n; k++)
    if (got[k] != want[k]) fail_msg("node %llu spike %zu: %.17g ms, want %.17g", (unsigned long long)node, k, got[k], want[k]);
}

/* The unit each node 0 .. n-1 of the train plays, by spike count. */
static void units_played(const cz_spike_trains *t, size_t n, int64_t *out) {
  for (size_t node = 0; node < n; node++) {
    size_t k = 0;
    times_of(t, node, &k);
    out[node] = unit_of_count(k);
  }
}

/* BMTK's arithmetic for a spike t (s) in window [w0, ...] with offset off (ms). */
static double shifted(double t, double w0, double off_ms) { return ((t - w0) + off_ms / 1000.0) * 1000.0; }

/* ---- units_map --------------------------------------------------------------------------- */

static void test_units_map_default_window(void **state) {
  (void)state;
  const char *csv = units_csv("map.csv", "node_ids unit_ids\n0 10\n1 11\n2 14\n3 13\n3 13\n");
  char block[1024];
  snprintf(block, sizeof block,
           "{\"input_type\": \"spikes\", \"module\": \"ecephys_probe\", \"node_set\": \"virt\", \"input_file\": \"%%s\","
           " \"mapping\": \"units_map\", \"units\": \"%s\", \"interval\": [1000.0, 2000.0], \"interval_offset\": 20.0,"
           " \"cache\": true}",
           csv);
  const char *const json[1] = {block};
  cz_spike_trains *t = trains_of(config_of(1, json), 0);
  /* unit 10 in [1, 2] s: 1.0, 1.25, 2.0 (both ends kept) -> 20, 270, 1020 ms */
  const double n0[3] = {shifted(1.0, 1.0, 20), shifted(1.25, 1.0, 20), shifted(2.0, 1.0, 20)};
  assert_true(fabs(n0[0] - 20) < 1e-9 && fabs(n0[1] - 270) < 1e-9 && fabs(n0[2] - 1020) < 1e-9);
  expect_times(t, 0, n0, 3);
  const double n1[1] = {shifted(1.1, 1.0, 20)};
  expect_times(t, 1, n1, 1);
  const double n2[1] = {shifted(1.75, 1.0, 20)}; /* unit 14's 2.5 and 0.75 fall outside */
  expect_times(t, 2, n2, 1);
  expect_times(t, 3, NULL, 0);
  cz_spike_trains_destroy(&t);

  /* no interval: every spike, t * 1000, sorted (unit 14 is stored unsorted) */
  snprintf(block, sizeof block,
           "{\"module\": \"ecephys_probe\", \"input_type\": \"spikes\", \"node_set\": \"virt\", \"input_file\": [\"%%s\"],"
           " \"mapping\": \"UNITS_MAP\", \"units\": \"%s\", \"interval_offset\": 500.0}",
           csv);
  t = trains_of(config_of(1, json), 0);
  const double a0[5] = {500, 1000, 1250, 2000, 3500}, a2[3] = {750, 1750, 2500};
  expect_times(t, 0, a0, 5);
  expect_times(t, 2, a2, 3);
  cz_spike_trains_destroy(&t);
}

static void test_units_map_unit_windows(void **state) {
  (void)state;
  /* per-unit windows replace the default one; unit 10's window is in both of its lines */
  const char *csv = units_csv("win.csv", "node_ids unit_ids start_times stop_times\n"
                                         "0 10 1200 3500\n1 12 0 2000\n2 14 0 3000\n3 15 1000 1000\n");
  char block[1024];
  snprintf(block, sizeof block,
           "{\"module\": \"ecephys_probe\", \"node_set\": \"both\", \"input_file\": \"%%s\", \"mapping\": \"units_map\","
           " \"units\": \"%s\", \"interval\": [0, 500], \"interval_offset\": 0}",
           csv);
  const char *const json[1] = {block};
  cz_spike_trains *t = trains_of(config_of(1, json), 0);
  const double w = 1200 * (1 / 1000.0);
  const double n0[3] = {shifted(1.25, w, 0), shifted(2.0, w, 0), shifted(3.5, w, 0)};
  assert_true(fabs(n0[0] - 50) < 1e-9 && fabs(n0[2] - 2300) < 1e-9);
  expect_times(t, 0, n0, 3);
  const double n1[1] = {1500};
  expect_times(t, 1, n1, 1);
  const double n2[3] = {750, 1750, 2500};
  expect_times(t, 2, n2, 3);
  const double n3[1] = {0}; /* t == w0 == w1: kept, at 0 ms */
  expect_times(t, 3, n3, 1);
  cz_spike_trains_destroy(&t);
  /* node ids, not populations, key the map: virt2's nodes 0 and 1 play units 10 and 12 too */
  t = trains_of(&fx.cfg, 1);
  expect_times(t, 0, n0, 3);
  expect_times(t, 1, n1, 1);
  assert_int_equal(t->n, 4);
  cz_spike_trains_destroy(&t);
}

static void test_interval_tables(void **state) {
  (void)state;
  const char *csv = units_csv("one.csv", "node_ids unit_ids\n0 10\n1 15\n2 14\n3 11\n");
  char block[1024];
  const char *const json[1] = {block};
  /* color 1: rows 0 and 2, "all": [1, 6] s */
  snprintf(block, sizeof block,
           "{\"module\": \"ecephys_probe\", \"node_set\": \"virt\", \"input_file\": \"%%s\", \"mapping\": \"units_map\","
           " \"units\": \"%s\", \"interval\": {\"interval_name\": \"flashes\", \"color\": 1.0}, \"interval_offset\": 10}",
           csv);
  cz_spike_trains *t = trains_of(config_of(1, json), 0);
  const double n0[4] = {shifted(1.0, 1.0, 10), shifted(1.25, 1.0, 10), shifted(2.0, 1.0, 10), shifted(3.5, 1.0, 10)};
  expect_times(t, 0, n0, 4);
  cz_spike_trains_destroy(&t);
  /* row 1 of those (the last, -1): [5, 6] s, nothing of unit 10 */
  snprintf(block, sizeof block,
           "{\"module\": \"ecephys_probe\", \"node_set\": \"virt\", \"input_file\": \"%%s\", \"mapping\": \"units_map\","
           " \"units\": \"%s\", \"interval\": [{\"interval_name\": \"flashes\", \"color\": [1], \"interval_index\": -1}]}",
           csv);
  t = trains_of(config_of(1, json), 0);
  assert_int_equal(t->n, 0);
  cz_spike_trains_destroy(&t);
  /* a filter on text and a comparison: rows with color < 0 named flashes: [3, 4] s */
  snprintf(block, sizeof block,
           "{\"module\": \"ecephys_probe\", \"node_set\": \"virt\", \"input_file\": \"%%s\", \"mapping\": \"units_map\","
           " \"units\": \"%s\", \"interval\": {\"interval_name\": \"flashes_presentations\", \"stimulus_name\": "
           "\"flashes\", \"c\": {\"column\": \"color\", \"operation\": \"<\", \"value\": 0}}}",
           csv);
  t = trains_of(config_of(1, json), 0);
  const double three[1] = {shifted(3.5, 3.0, 0)};
  expect_times(t, 0, three, 1);
  cz_spike_trains_destroy(&t);
  /* no row matches: [0, inf), the offset still added */
  snprintf(block, sizeof block,
           "{\"module\": \"ecephys_probe\", \"node_set\": \"virt\", \"input_file\": \"%%s\", \"mapping\": \"units_map\","
           " \"units\": \"%s\", \"interval\": {\"interval_name\": \"flashes\", \"color\": 7}, \"interval_offset\": 3}",
           csv);
  t = trains_of(config_of(1, json), 0);
  const double all[5] = {shifted(0.5, 0, 3), shifted(1.0, 0, 3), shifted(1.25, 0, 3), shifted(2.0, 0, 3), shifted(3.5, 0, 3)};
  expect_times(t, 0, all, 5);
  cz_spike_trains_destroy(&t);
}

/* ---- sampling ---------------------------------------------------------------------------- */

/* numpy's RandomState(seed).choice for small cases, as numpy's legacy algorithm draws them
 * (tests/unit comments: permutation(10) with seed 0 is [2 8 4 9 1 6 7 3 0 5] and with seed
 * 42 [8 1 5 0 7 2 9 4 3 6], randint(0, 10, 10) with seed 0 is [5 0 3 3 7 9 3 5 2 4], as numpy
 * prints them). */
static void expect_choice(uint32_t seed, size_t n, size_t k, int replace, const size_t *want) {
  cz_mt19937 mt;
  cz_mt_seed(&mt, seed);
  size_t perm[16], out[16];
  cz_mt_choice_uniform(&mt, n, k, replace, perm, out);
  for (size_t i = 0; i < k; i++)
    if (out[i] != want[i]) fail_msg("seed %u choice(%zu, %zu, %d)[%zu] = %zu, numpy %zu", seed, n, k, replace, i, out[i], want[i]);
}

static void test_numpy_choice(void **state) {
  (void)state;
  const size_t p0[10] = {2, 8, 4, 9, 1, 6, 7, 3, 0, 5}, p42[10] = {8, 1, 5, 0, 7, 2, 9, 4, 3, 6};
  const size_t r0[10] = {5, 0, 3, 3, 7, 9, 3, 5, 2, 4};
  expect_choice(0, 10, 10, 0, p0);
  expect_choice(42, 10, 10, 0, p42);
  expect_choice(0, 10, 10, 1, r0);
  const size_t a[4] = {5, 2, 1, 3}, b[4] = {4, 5, 0, 3}, c[8] = {4, 0, 3, 3, 3, 1, 3, 2}, d[4] = {3, 5, 0, 2};
  const size_t e[8] = {2, 1, 4, 1, 2, 1, 1, 3}, f[3] = {0, 0, 0};
  expect_choice(0, 6, 4, 0, a);
  expect_choice(0, 6, 4, 1, b);
  expect_choice(0, 5, 8, 1, c);
  expect_choice(7, 6, 4, 0, d);
  expect_choice(12345, 5, 8, 1, e);
  expect_choice(3, 1, 3, 1, f);
  /* one value to draw from: numpy draws nothing, so the stream is where it was */
  cz_mt19937 m1, m2;
  cz_mt_seed(&m1, 9);
  cz_mt_seed(&m2, 9);
  size_t out[3];
  cz_mt_choice_uniform(&m1, 1, 3, 1, NULL, out);
  assert_int_equal(cz_mt_next32(&m1), cz_mt_next32(&m2));
}

static void test_sampling(void **state) {
  (void)state;
  const char *const json[1] = {
      "{\"module\": \"ecephys_probe\", \"node_set\": \"virt\", \"input_file\": \"%s\","
      " \"mapping\": \"sample_with_replacement\", \"units\": {\"location\": \"VISp\"}, \"seed\": 7}"};
  /* VISp: units 10, 12, 13 (channels 100, 102); numpy's RandomState(7).randint(0, 3, 4) is
   * [0 1 2 0] */
  cz_spike_trains *t = trains_of(config_of(1, json), 0);
  int64_t got[4], again[4];
  units_played(t, 4, got);
  cz_spike_trains_destroy(&t);
  const int64_t want[4] = {10, 12, 13, 10};
  for (int i = 0; i < 4; i++)
    if (got[i] != want[i]) fail_msg("node %d plays unit %lld, want %lld", i, (long long)got[i], (long long)want[i]);
  t = trains_of(&fx.cfg, 0); /* the same seed, the same map */
  units_played(t, 4, again);
  cz_spike_trains_destroy(&t);
  assert_memory_equal(got, again, sizeof got);

  /* no filter, without replacement, seed 5: permutation(6)[:4] of RandomState(5) is [5 2 4 1] */
  const char *const json2[1] = {"{\"module\": \"ecephys_probe\", \"node_set\": \"virt\", \"input_file\": \"%s\","
                                " \"mapping\": \"sample\", \"seed\": 5}"};
  t = trains_of(config_of(1, json2), 0);
  units_played(t, 4, got);
  cz_spike_trains_destroy(&t);
  const int64_t want2[4] = {15, 12, 14, 11};
  for (int i = 0; i < 4; i++)
    if (got[i] != want2[i]) fail_msg("node %d plays unit %lld, want %lld", i, (long long)got[i], (long long)want2[i]);
}

/* Without replacement over exactly the matching units: each plays once, no other does. */
static void expect_filter(const char *filter, const int64_t *units, size_t n) {
  char block[1024];
  snprintf(block, sizeof block,
           "{\"module\": \"ecephys_probe\", \"node_set\": {\"population\": \"virt\", \"node_id\": [%s]},"
           " \"input_file\": \"%%s\", \"mapping\": \"sample_without_replacement\", \"units\": %s,"
           " \"missing_ids\": \"warn\"}",
           n == 1 ? "0" : n == 2 ? "0, 1" : "0, 1, 2", filter);
  const char *const json[1] = {block};
  cz_spike_trains *t = trains_of(config_of(1, json), 0);
  int64_t got[3];
  units_played(t, n, got);
  cz_spike_trains_destroy(&t);
  for (size_t i = 0; i < n; i++) {
    size_t hits = 0;
    for (size_t j = 0; j < n; j++) hits += got[j] == units[i];
    if (hits != 1) fail_msg("filter %s: unit %lld played %zu times", filter, (long long)units[i], hits);
  }
}

static void test_filters(void **state) {
  (void)state;
  const int64_t visp[3] = {10, 12, 13}, lgd[2] = {11, 15}, snr[3] = {13, 14, 15}, probe1[3] = {10, 12, 13};
  const int64_t both[1] = {12}, unmatched[3] = {13, 14, 15}, u7[3] = {10, 11, 12};
  expect_filter("{\"location\": \"VISp\"}", visp, 3);
  expect_filter("{\"location\": [\"LGd\"]}", lgd, 2);
  expect_filter("{\"snr\": {\"operation\": \">=\", \"value\": 4}}", snr, 3);
  expect_filter("{\"probe_id_y\": 1}", probe1, 3);
  expect_filter("{\"probe_id_x\": 7}", u7, 3);
  expect_filter("{\"location\": \"VISp\", \"snr\": {\"column\": \"channel_id\", \"operation\": \"==\", \"value\": 100},"
                " \"probe_id_x\": 7, \"x\": {\"column\": \"snr\", \"operation\": \">\", \"value\": 2}}",
                both, 1);
  /* a unit whose channel is no electrode has no location: != keeps it, as pandas */
  expect_filter("{\"location\": {\"operation\": \"!=\", \"value\": \"VISp\"}, \"snr\": {\"operation\": \">\", \"value\": 3}}",
                unmatched + 1, 2);
  (void)unmatched;
}

/* ---- refusals ---------------------------------------------------------------------------- */

/* Opening (and the trains of population pop) fails with code, naming the config, the block and
 * every needle. */
static void expect_refused(const char *json_block, size_t pop, cz_status code, const char *n1, const char *n2) {
  const char *const json[1] = {json_block};
  cz_config *cfg = config_of(1, json);
  cz_ecephys *e = NULL;
  cz_status st = cz_ecephys_open(cfg, &cfg->inputs[0], &fx.c, &e);
  cz_spike_trains *t = NULL;
  if (st == CZ_OK) st = cz_ecephys_trains(e, pop, &t);
  cz_spike_trains_destroy(&t);
  cz_ecephys_destroy(&e);
  if (st == CZ_OK) fail_msg("accepted: %s", json_block);
  const char *msg = cz_error_message();
  if (st != code) fail_msg("status %d, want %d: %s", st, code, msg);
  if (!strstr(msg, fx.config) || !strstr(msg, "inputs.eph0") || !strstr(msg, n1) || (n2 && !strstr(msg, n2)))
    fail_msg("message '%s' lacks the config, inputs.eph0, '%s' or '%s'", msg, n1, n2 ? n2 : "");
  cz_error_clear();
}

#define EPH "{\"module\": \"ecephys_probe\", \"input_type\": \"spikes\", "

static void test_refusals(void **state) {
  (void)state;
  char b[2048];
  const char *map = units_csv("m.csv", "node_ids unit_ids\n0 10\n1 11\n2 12\n");
  const char *map99 = units_csv("m99.csv", "node_ids unit_ids\n0 10\n1 99\n2 12\n3 13\n");
  const char *twice = units_csv("twice.csv", "node_ids unit_ids start_times stop_times\n0 10 0 100\n1 10 0 200\n");
  const char *half = units_csv("half.csv", "node_ids unit_ids start_times\n0 10 0\n");
  expect_refused(EPH "\"input_file\": \"%s\", \"mapping\": \"sample\"}", 0, CZ_ERR_CONFIG, "node_set", NULL);
  expect_refused(EPH "\"node_set\": \"virt\", \"mapping\": \"sample\"}", 0, CZ_ERR_CONFIG, "input_file", NULL);
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": 3, \"mapping\": \"sample\"}", 0, CZ_ERR_CONFIG, "input_file",
                 NULL);
  snprintf(b, sizeof b, EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\"}", fx.text);
  expect_refused(b, 0, CZ_ERR_FORMAT, "input_file", "not_nwb.nwb");
  snprintf(b, sizeof b, EPH "\"node_set\": \"virt\", \"input_file\": \"%s/absent.nwb\", \"mapping\": \"sample\"}", fx.dir);
  expect_refused(b, 0, CZ_ERR_IO, "input_file", "absent.nwb");
  snprintf(b, sizeof b, EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\"}", fx.bad_nwb);
  expect_refused(b, 0, CZ_ERR_FORMAT, "no_peak.nwb", "peak_channel_id");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"random\"}", 0, CZ_ERR_CONFIG,
                 "mapping", "units_map, sample, sample_without_replacement or sample_with_replacement");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\"}", 0, CZ_ERR_CONFIG, "mapping", "units_map");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"units\": {\"depth\": 3}}",
                 0, CZ_ERR_CONFIG, "inputs.eph0.units.depth", "no column \"depth\"");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"units\": {\"probe_id\": 1}}",
                 0, CZ_ERR_CONFIG, "units.probe_id", "probe_id_x");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"units\": {\"amplitudes\": 1}}",
                 0, CZ_ERR_CONFIG, "units.amplitudes", "cannot be filtered");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"units\": "
                     "{\"snr\": {\"operation\": \"~\", \"value\": 1}}}",
                 0, CZ_ERR_CONFIG, "units.snr.operation", NULL);
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"units\": "
                     "{\"location\": {\"operation\": \">\", \"value\": 3}}}",
                 0, CZ_ERR_CONFIG, "units.location", "texts");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"units\": \"m.csv\"}", 0,
                 CZ_ERR_CONFIG, "units", "dict of filters");
  /* fewer units than nodes without replacement */
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"units\": "
                     "{\"location\": \"LGd\"}}",
                 0, CZ_ERR_CONFIG, "units", "2 units");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample_with_replacement\", \"units\": "
                     "{\"location\": \"nowhere\"}}",
                 0, CZ_ERR_CONFIG, "units", "no unit is left");
  /* units_map: a node without a unit, a unit the file lacks, a unit with two windows */
  snprintf(b, sizeof b, EPH "\"node_set\": \"virt\", \"input_file\": \"%%s\", \"mapping\": \"units_map\", \"units\": \"%s\"}",
           map);
  expect_refused(b, 0, CZ_ERR_CONFIG, "node 3 of population virt", "missing_ids");
  snprintf(b, sizeof b, EPH "\"node_set\": \"virt\", \"input_file\": \"%%s\", \"mapping\": \"units_map\", \"units\": \"%s\"}",
           map99);
  expect_refused(b, 0, CZ_ERR_FORMAT, "m99.csv: line 3", "unit 99");
  snprintf(b, sizeof b, EPH "\"node_set\": \"virt\", \"input_file\": \"%%s\", \"mapping\": \"units_map\", \"units\": \"%s\"}",
           twice);
  expect_refused(b, 0, CZ_ERR_FORMAT, "twice.csv", "two different windows");
  snprintf(b, sizeof b, EPH "\"node_set\": \"virt\", \"input_file\": \"%%s\", \"mapping\": \"units_map\", \"units\": \"%s\"}",
           half);
  expect_refused(b, 0, CZ_ERR_FORMAT, "half.csv", "stop_times");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"units_map\"}", 0, CZ_ERR_CONFIG,
                 "units", "csv");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"units_map\", \"units\": \"none.csv\"}",
                 0, CZ_ERR_IO, "inputs.eph0.units", "none.csv");
  /* intervals */
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"interval\": [2000, 1000]}",
                 0, CZ_ERR_CONFIG, "inputs.eph0.interval", "[2000, 1000]");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"interval\": [1, 2, 3]}",
                 0, CZ_ERR_CONFIG, "inputs.eph0.interval", NULL);
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"interval\": "
                     "{\"interval_name\": \"gratings\"}}",
                 0, CZ_ERR_FORMAT, "inputs.eph0.interval.interval_name", "flashes_presentations");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"interval\": "
                     "{\"interval_name\": \"flashes\", \"interval_index\": 3}}",
                 0, CZ_ERR_CONFIG, "inputs.eph0.interval.interval_index", "3 rows");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"interval\": "
                     "{\"color\": 1}}",
                 0, CZ_ERR_CONFIG, "inputs.eph0.interval", "interval_name");
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": [\"%s\"], \"mapping\": \"sample\", \"interval\": "
                     "[[0, 1], [2, 3]]}",
                 0, CZ_ERR_CONFIG, "inputs.eph0.interval", "2 intervals for 1 input files");
  /* the same file twice: unit ids repeat */
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": [\"%s\", \"%s\"], \"mapping\": \"sample\"}", 0, CZ_ERR_FORMAT,
                 "input_file", "unique");
  /* other keys */
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"missing_ids\": \"skip\"}",
                 0, CZ_ERR_CONFIG, "missing_ids", NULL);
  expect_refused(EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\", \"seed\": -1}", 0,
                 CZ_ERR_CONFIG, "seed", NULL);
  expect_refused(EPH "\"node_set\": \"cells\", \"input_file\": \"%s\", \"mapping\": \"sample\"}", 0, CZ_ERR_CONFIG,
                 "node_set", "no virtual nodes");
  expect_refused(EPH "\"node_set\": \"nowhere\", \"input_file\": \"%s\", \"mapping\": \"sample\"}", 0, CZ_ERR_CONFIG,
                 "inputs.eph0.node_set", "nowhere");
}

static void test_missing_ids_warn(void **state) {
  (void)state;
  const char *map = units_csv("m3.csv", "node_ids unit_ids\n0 10\n1 11\n2 12\n");
  char b[1024];
  snprintf(b, sizeof b, EPH "\"node_set\": \"virt\", \"input_file\": \"%%s\", \"mapping\": \"units_map\", \"units\": \"%s\","
           " \"missing_ids\": \"warn\"}", map);
  const char *const json[1] = {b};
  cz_spike_trains *t = trains_of(config_of(1, json), 0);
  expect_times(t, 3, NULL, 0);
  assert_int_equal(t->n, 5 + 2 + 1);
  cz_spike_trains_destroy(&t);
  /* sampling without replacement, 2 units for 4 nodes: the first 2 nodes only */
  const char *const json2[1] = {EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample\","
                                    " \"units\": {\"location\": \"LGd\"}, \"missing_ids\": \"warn\"}"};
  t = trains_of(config_of(1, json2), 0);
  int64_t got[4];
  units_played(t, 4, got);
  cz_spike_trains_destroy(&t);
  assert_true((got[0] == 11 && got[1] == 15) || (got[0] == 15 && got[1] == 11));
  assert_int_equal(got[2], unit_of_count(0));
  assert_int_equal(got[3], unit_of_count(0));
}

/* Another spike input on the same population wins (BMTK builds its cells first); so does an
 * earlier ecephys_probe block; a later one does not. */
static void test_taken_populations(void **state) {
  (void)state;
  const char *const json[3] = {
      EPH "\"node_set\": \"virt\", \"input_file\": \"%s\", \"mapping\": \"sample_with_replacement\"}",
      "{\"module\": \"sonata\", \"input_type\": \"spikes\", \"node_set\": \"both\", \"input_file\": \"x.h5\"}",
      EPH "\"node_set\": \"virt2\", \"input_file\": \"%s\", \"mapping\": \"sample_with_replacement\"}"};
  cz_config *cfg = config_of(3, json);
  cz_ecephys *e = NULL;
  assert_int_equal(cz_ecephys_open(cfg, &cfg->inputs[0], &fx.c, &e), CZ_OK);
  assert_false(cz_ecephys_drives(e, 0));
  cz_spike_trains *t = NULL;
  assert_int_equal(cz_ecephys_trains(e, 0, &t), CZ_OK);
  assert_int_equal(t->n, 0);
  cz_spike_trains_destroy(&t);
  cz_ecephys_destroy(&e);
  cfg->inputs[1].enabled = false;
  assert_int_equal(cz_ecephys_open(cfg, &cfg->inputs[2], &fx.c, &e), CZ_OK);
  assert_true(cz_ecephys_drives(e, 1));
  cz_ecephys_destroy(&e);
  cfg->inputs[0].node_set = cJSON_GetObjectItemCaseSensitive(fx.blocks[2], "node_set");
  assert_int_equal(cz_ecephys_open(cfg, &cfg->inputs[2], &fx.c, &e), CZ_OK);
  assert_false(cz_ecephys_drives(e, 1));
  cz_ecephys_destroy(&e);
  assert_int_equal(cz_ecephys_open(cfg, &cfg->inputs[0], &fx.c, &e), CZ_OK);
  assert_true(cz_ecephys_drives(e, 1));
  cz_ecephys_destroy(&e);
}

/* ---- BioNet's draw order ----------------------------------------------------------------- */

/* inputs_syn_activity's network with an ecephys_probe block on excvirt listed before a sonata
 * block on inhvirt: the synapses from inhvirt are placed before those from excvirt. */
static void test_bionet_draw_order(void **state) {
  (void)state;
  char net[512], comp[512], dir[512], cfgpath[1024], text[16384];
  CZ_TEST_DATA_PATH(net, "bmtk/examples/inputs_syn_activity/network");
  CZ_TEST_DATA_PATH(comp, "sonata/examples/shared_components");
  cz_test_tmpdir(dir, sizeof dir, "ecephys_order");
  const char *kinds[2] = {"\"module\": \"ecephys_probe\", \"mapping\": \"sample\"", "\"module\": \"sonata\""};
  const char *first[2] = {"inhvirt_to_cortex", "excvirt_to_cortex"};
  for (int k = 0; k < 2; k++) {
    snprintf(text, sizeof text,
             "{\"run\": {\"tstop\": 10.0, \"dt\": 0.1}, \"target_simulator\": \"NEURON\",\n"
             " \"node_sets\": {\"excvirt\": {\"population\": \"excvirt\"}, \"inhvirt\": {\"population\": \"inhvirt\"}},\n"
             " \"inputs\": {\"exc\": {\"input_type\": \"spikes\", %s, \"input_file\": \"e.nwb\", \"node_set\": \"excvirt\"},\n"
             "   \"inh\": {\"input_type\": \"spikes\", \"module\": \"sonata\", \"input_file\": \"i.h5\", \"node_set\": \"inhvirt\"}},\n"
             " \"output\": {\"output_dir\": \"%s/out\"},\n"
             " \"components\": {\"morphologies_dir\": \"%s/morphologies\", \"synaptic_models_dir\": \"%s/synaptic_models\",\n"
             "   \"biophysical_neuron_models_dir\": \"%s/biophysical_neuron_templates\"},\n"
             " \"networks\": {\"nodes\": [{\"nodes_file\": \"%s/cortex_nodes.h5\", \"node_types_file\": \"%s/cortex_node_types.csv\"},\n"
             "   {\"nodes_file\": \"%s/excvirt_nodes.h5\", \"node_types_file\": \"%s/excvirt_node_types.csv\"},\n"
             "   {\"nodes_file\": \"%s/inhvirt_nodes.h5\", \"node_types_file\": \"%s/inhvirt_node_types.csv\"}],\n"
             "  \"edges\": [{\"edges_file\": \"%s/excvirt_cortex_edges.h5\", \"edge_types_file\": \"%s/excvirt_cortex_edge_types.csv\"},\n"
             "   {\"edges_file\": \"%s/inhvirt_cortex_edges.h5\", \"edge_types_file\": \"%s/inhvirt_cortex_edge_types.csv\"},\n"
             "   {\"edges_file\": \"%s/cortex_cortex_edges.h5\", \"edge_types_file\": \"%s/cortex_cortex_edge_types.csv\"}]}}\n",
             kinds[k], dir, comp, comp, comp, net, net, net, net, net, net, net, net, net, net, net, net);
    cz_test_write(cfgpath, sizeof cfgpath, dir, "config.json", text);
    cz_config *cfg = NULL;
    cz_circuit *c = NULL;
    if (cz_cfg_load(cfgpath, NULL, &cfg) != CZ_OK) fail_msg("%s", cz_error_message());
    if (cz_circuit_load_nodes(cfg, &c) != CZ_OK || cz_circuit_load_edges(c, cfg, NULL) != CZ_OK)
      fail_msg("%s", cz_error_message());
    size_t offset[8] = {0}, unit[64];
    for (size_t p = 0; p < c->nnodes; p++) offset[p + 1] = offset[p] + c->nodes[p].n;
    assert_true(offset[c->nnodes] <= 64);
    for (size_t g = 0; g < 64; g++) unit[g] = SIZE_MAX;
    cz_edge_plan plan;
    if (cz_edge_plan_build(cfg, c, offset, unit, 0, NULL, &plan) != CZ_OK) fail_msg("%s", cz_error_message());
    assert_int_equal(plan.npops, 3);
    assert_string_equal(c->edges[plan.pop[0]].name, "cortex_to_cortex");
    assert_string_equal(c->edges[plan.pop[1]].name, first[k]);
    cz_edge_plan_free(&plan);
    cz_circuit_destroy(&c);
    cz_cfg_destroy(&cfg);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_units_map_default_window),
      cmocka_unit_test(test_units_map_unit_windows),
      cmocka_unit_test(test_interval_tables),
      cmocka_unit_test(test_numpy_choice),
      cmocka_unit_test(test_sampling),
      cmocka_unit_test(test_filters),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_missing_ids_warn),
      cmocka_unit_test(test_taken_populations),
      cmocka_unit_test(test_bionet_draw_order),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
