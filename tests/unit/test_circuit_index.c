/* Rank-local edge loading through the SONATA target_to_source index (io/circuit.c): loading
 * with a target filter must keep exactly the edges a full scan keeps, in the same order,
 * whether the index is used or, when it disagrees with the edges, ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/edge_index.h"
#include "io/h5.h"
#include "tools/brunel.h"

/* Keeps the edges onto even target rows: a scattered placement, like round-robin on 2 ranks. */
static bool keep_target(const void *ctx, uint32_t tp, uint32_t tr) {
  (void)ctx;
  (void)tp;
  return tr % 2 == 0;
}

static bool keep_edge(const void *ctx, uint32_t sp, uint32_t sr, uint32_t tp, uint32_t tr) {
  (void)sp;
  (void)sr;
  return keep_target(ctx, tp, tr);
}

/* Loads the circuit of cfg with the filter (or with a plain keep filter, no index). */
static cz_circuit *load(const cz_config *cfg, bool use_index) {
  cz_circuit *c = NULL;
  assert_int_equal(cz_circuit_load_nodes(cfg, &c), CZ_OK);
  cz_edge_filter flt = {.keep = keep_edge, .keep_target = use_index ? keep_target : NULL};
  assert_int_equal(cz_circuit_load_edges(c, cfg, &flt), CZ_OK);
  return c;
}

static void assert_same_edges(const cz_circuit *a, const cz_circuit *b) {
  assert_int_equal(a->nedges, b->nedges);
  for (size_t e = 0; e < a->nedges; e++) {
    const cz_edge_pop *x = &a->edges[e], *y = &b->edges[e];
    assert_int_equal(x->n, y->n);
    assert_true(x->n > 0);
    for (size_t i = 0; i < x->n; i++) {
      assert_int_equal(x->source_row[i], y->source_row[i]);
      assert_int_equal(x->target_row[i], y->target_row[i]);
      assert_int_equal(x->type[i], y->type[i]);
      assert_true(x->target_row[i] % 2 == 0);
    }
  }
}

static void generate(char *dir, size_t n) {
  cz_test_tmpdir(dir, n, "cidx");
  char net[600];
  snprintf(net, sizeof net, "%s/net", dir);
  cz_brunel_params p = cz_brunel_defaults();
  p.n_neurons = 200;
  p.tstop = 20;
  assert_int_equal(cz_generate_brunel(&p, net), CZ_OK);
}

static void test_index_matches_scan(void **state) {
  (void)state;
  char dir[512], cfgpath[700];
  generate(dir, sizeof dir);
  snprintf(cfgpath, sizeof cfgpath, "%s/net/config.json", dir);
  cz_config *cfg = NULL;
  assert_int_equal(cz_cfg_load(cfgpath, NULL, &cfg), CZ_OK);
  int warnings = cz_log_warning_count();
  cz_circuit *scanned = load(cfg, false), *indexed = load(cfg, true);
  assert_same_edges(scanned, indexed);
  assert_int_equal(cz_log_warning_count(), warnings); /* the generator's index is complete */
  for (size_t e = 0; e < indexed->nedges; e++) {
    assert_true(indexed->edges[e].via_index);
    assert_false(scanned->edges[e].via_index);
  }
  cz_circuit_destroy(&scanned);
  cz_circuit_destroy(&indexed);
  cz_cfg_destroy(&cfg);
}

/* Rewrites the recurrent edges file with an index that gives every node its neighbour's
 * range (or, last_two, swaps the ranges of the last two nodes only): complete and disjoint,
 * but wrong. */
static void write_wrong_index(const char *path, const char *copy, bool last_two) {
  cz_h5file *in = NULL, *out = NULL;
  assert_int_equal(cz_h5_open_read(path, &in), CZ_OK);
  assert_int_equal(cz_h5_create(copy, &out), CZ_OK);
  static const char *const ids[] = {"source_node_id", "target_node_id", "edge_type_id", "edge_group_id",
                                    "edge_group_index"};
  for (size_t k = 0; k < 5; k++) {
    char ds[256];
    snprintf(ds, sizeof ds, "/edges/brunel_to_brunel/%s", ids[k]);
    uint64_t *v = NULL;
    size_t n = 0;
    assert_int_equal(cz_h5_read_u64(in, ds, &v, &n), CZ_OK);
    assert_int_equal(cz_h5_write_u64(out, ds, v, n, false), CZ_OK);
    if (k < 2) assert_int_equal(cz_h5_write_attr_string(out, ds, "node_population", "brunel"), CZ_OK);
    free(v);
  }
  assert_int_equal(cz_h5_create_group(out, "/edges/brunel_to_brunel/0"), CZ_OK);
  uint64_t *node_to = NULL, *range_to = NULL;
  size_t nn = 0, nr = 0;
  const char *base = "/edges/brunel_to_brunel/indices/target_to_source";
  char ds[256];
  snprintf(ds, sizeof ds, "%s/node_id_to_range", base);
  assert_int_equal(cz_h5_read_u64_pairs(in, ds, &node_to, &nn), CZ_OK);
  const size_t from = last_two ? nn - 2 : 0;
  uint64_t first[2] = {node_to[2 * from], node_to[2 * from + 1]};
  for (size_t i = from; i + 1 < nn; i++) {
    node_to[2 * i] = node_to[2 * (i + 1)];
    node_to[2 * i + 1] = node_to[2 * (i + 1) + 1];
  }
  node_to[2 * (nn - 1)] = first[0];
  node_to[2 * (nn - 1) + 1] = first[1];
  assert_int_equal(cz_h5_write_u64_pairs(out, ds, node_to, nn, false), CZ_OK);
  snprintf(ds, sizeof ds, "%s/range_to_edge_id", base);
  assert_int_equal(cz_h5_read_u64_pairs(in, ds, &range_to, &nr), CZ_OK);
  assert_int_equal(cz_h5_write_u64_pairs(out, ds, range_to, nr, false), CZ_OK);
  free(node_to);
  free(range_to);
  assert_int_equal(cz_h5_close(&in), CZ_OK);
  assert_int_equal(cz_h5_close(&out), CZ_OK);
}

/* The config of the network generated in dir. */
static cz_config *net_config(const char *dir) {
  char path[700];
  snprintf(path, sizeof path, "%s/net/config.json", dir);
  cz_config *cfg = NULL;
  assert_int_equal(cz_cfg_load(path, NULL, &cfg), CZ_OK);
  return cfg;
}

/* Replaces the recurrent edges file of the network in dir by write_wrong_index's copy. */
static void break_index(const char *dir, bool last_two) {
  char edges[700], broken[700];
  snprintf(edges, sizeof edges, "%s/net/network/brunel_brunel_edges.h5", dir);
  snprintf(broken, sizeof broken, "%s/net/network/broken.h5", dir);
  write_wrong_index(edges, broken, last_two);
  assert_int_equal(rename(broken, edges), 0);
}

static void test_wrong_index_falls_back(void **state) {
  (void)state;
  char dir[512];
  generate(dir, sizeof dir);
  cz_config *cfg = net_config(dir);
  cz_circuit *reference = load(cfg, false);
  break_index(dir, false);
  int warnings = cz_log_warning_count();
  cz_circuit *indexed = load(cfg, true);
  assert_same_edges(reference, indexed);
  assert_true(cz_log_warning_count() > warnings); /* the fallback says so */
  for (size_t e = 0; e < indexed->nedges; e++)
    assert_int_equal(indexed->edges[e].via_index, strcmp(indexed->edges[e].name, "brunel_to_brunel") != 0);
  cz_circuit_destroy(&reference);
  cz_circuit_destroy(&indexed);
  cz_cfg_destroy(&cfg);
}

/* ---- edge streams: per-thread reading through the index --------------------------------- */

/* The edges a stream hands over, population by population, appended in batch order. */
typedef struct collected {
  size_t n[8];
  uint32_t *src[8], *tgt[8], *type[8];
  uint64_t *row[8];
} collected;

static cz_status collect_batch(void *ctx, const cz_circuit *c, size_t e, const cz_edge_pop *edges) {
  (void)c;
  collected *k = ctx;
  assert_true(e < 8);
  const size_t n = k->n[e] + edges->n;
  k->src[e] = realloc(k->src[e], n * sizeof *k->src[e]);
  k->tgt[e] = realloc(k->tgt[e], n * sizeof *k->tgt[e]);
  k->type[e] = realloc(k->type[e], n * sizeof *k->type[e]);
  k->row[e] = realloc(k->row[e], n * sizeof *k->row[e]);
  memcpy(k->src[e] + k->n[e], edges->source_row, edges->n * sizeof *edges->source_row);
  memcpy(k->tgt[e] + k->n[e], edges->target_row, edges->n * sizeof *edges->target_row);
  memcpy(k->type[e] + k->n[e], edges->type, edges->n * sizeof *edges->type);
  memcpy(k->row[e] + k->n[e], edges->file_row, edges->n * sizeof *edges->file_row);
  k->n[e] = n;
  return CZ_OK;
}

static void collected_free(collected *k) {
  for (int e = 0; e < 8; e++) {
    free(k->src[e]);
    free(k->tgt[e]);
    free(k->type[e]);
    free(k->row[e]);
  }
}

static bool keep_odd_target(const void *ctx, uint32_t tp, uint32_t tr) { return !keep_target(ctx, tp, tr); }

static bool keep_any_target(const void *ctx, uint32_t tp, uint32_t tr) {
  (void)ctx;
  (void)tp;
  (void)tr;
  return true;
}

static const cz_edge_filter k_keep_all = {.keep_target = keep_any_target};
static const cz_edge_filter k_keep_even = {.keep_target = keep_target};
static const cz_edge_filter k_keep_odd = {.keep_target = keep_odd_target};

/* Counts the index's in-degrees into count[row]. */
static void count_row(void *ctx, uint32_t row, uint64_t n) { ((uint64_t *)ctx)[row] += n; }

/* Asserts that collected k holds population e of w's edges onto even (or odd) targets. */
static void assert_collected(const cz_edge_pop *w, size_t e, const collected *k, bool even) {
  size_t at = 0;
  for (size_t i = 0; i < w->n; i++) {
    if ((w->target_row[i] % 2 == 0) != even) continue;
    assert_true(at < k->n[e]);
    assert_int_equal(k->src[e][at], w->source_row[i]);
    assert_int_equal(k->tgt[e][at], w->target_row[i]);
    assert_int_equal(k->row[e][at], i);
    at++;
  }
  assert_int_equal(at, k->n[e]);
}

/* The generated network twice: loaded whole (nodes and edges), and its nodes only. */
static cz_config *load_whole_and_nodes(cz_circuit **whole, cz_circuit **nodes) {
  char dir[512];
  generate(dir, sizeof dir);
  cz_config *cfg = net_config(dir);
  assert_int_equal(cz_circuit_load_nodes(cfg, whole), CZ_OK);
  assert_int_equal(cz_circuit_load_edges(*whole, cfg, NULL), CZ_OK);
  assert_int_equal(cz_circuit_load_nodes(cfg, nodes), CZ_OK);
  return cfg;
}

/* Two slots read the even and the odd targets' edges, in batches of 7, and get exactly the
 * edges a full load keeps for them, in file order, with their file rows. */
static void test_streams_read_like_load(void **state) {
  (void)state;
  cz_circuit *whole = NULL, *c = NULL;
  cz_config *cfg = load_whole_and_nodes(&whole, &c);
  cz_edge_streams *es = NULL;
  assert_int_equal(cz_edge_streams_open(c, cfg, 2, &k_keep_all, true, &es), CZ_OK);
  assert_true(cz_edge_streams_by_target(es));
  assert_int_equal(c->nedges, whole->nedges);
  collected even = {0}, odd = {0};
  cz_edge_filter fe = {.keep_target = keep_target, .batch = collect_batch, .batch_ctx = &even, .batch_edges = 7};
  cz_edge_filter fo = {.keep_target = keep_odd_target, .batch = collect_batch, .batch_ctx = &odd, .batch_edges = 7};
  assert_int_equal(cz_edge_streams_read(es, 0, &fe), CZ_OK);
  assert_int_equal(cz_edge_streams_read(es, 1, &fo), CZ_OK);
  for (size_t e = 0; e < whole->nedges; e++) {
    const cz_edge_pop *w = &whole->edges[e];
    size_t ie = 0, io = 0;
    for (size_t i = 0; i < w->n; i++) {
      collected *k = w->target_row[i] % 2 == 0 ? &even : &odd;
      size_t *at = k == &even ? &ie : &io;
      assert_true(*at < k->n[e]);
      assert_int_equal(k->src[e][*at], w->source_row[i]);
      assert_int_equal(k->tgt[e][*at], w->target_row[i]);
      assert_int_equal(k->type[e][*at], w->type[i]);
      assert_int_equal(k->row[e][*at], i);
      (*at)++;
    }
    assert_int_equal(ie, even.n[e]);
    assert_int_equal(io, odd.n[e]);
    /* the index's in-degrees are the edges' */
    uint64_t *count = calloc(c->nodes[w->target_pop].n + 1, sizeof *count);
    assert_int_equal(cz_edge_streams_in_counts(es, e, count_row, count), CZ_OK);
    for (size_t i = 0; i < w->n; i++) count[w->target_row[i]]--;
    for (size_t r = 0; r < c->nodes[w->target_pop].n; r++) assert_int_equal(count[r], 0);
    free(count);
  }
  collected_free(&even);
  collected_free(&odd);
  cz_edge_streams_close(&es);
  assert_int_equal(c->nedges, 0);
  cz_circuit_destroy(&c);
  cz_circuit_destroy(&whole);
  cz_cfg_destroy(&cfg);
}

/* Streams that keep the even targets only hold their spans only; the rows between them (odd
 * targets, read through) take their target ids from the file, and the reads keep exactly the
 * even targets' edges. Alone (check_rows), such streams check the index in full. */
static void test_streams_of_kept_targets(void **state) {
  (void)state;
  cz_circuit *whole = NULL, *c = NULL;
  cz_config *cfg = load_whole_and_nodes(&whole, &c);
  cz_edge_streams *es = NULL;
  assert_int_equal(cz_edge_streams_open(c, cfg, 1, &k_keep_even, true, &es), CZ_OK);
  assert_true(cz_edge_streams_by_target(es));
  collected even = {0};
  cz_edge_filter fe = {.keep_target = keep_target, .batch = collect_batch, .batch_ctx = &even, .batch_edges = 5};
  assert_int_equal(cz_edge_streams_read(es, 0, &fe), CZ_OK);
  for (size_t e = 0; e < whole->nedges; e++) {
    assert_collected(&whole->edges[e], e, &even, true);
    uint64_t kept = 0, total = 0;
    cz_edge_streams_rows(es, e, &kept, &total);
    assert_int_equal(kept, even.n[e]); /* the spans are the even targets' */
    assert_int_equal(total, whole->edges[e].n);
    uint64_t *count = calloc(c->nodes[whole->edges[e].target_pop].n + 1, sizeof *count);
    assert_int_equal(cz_edge_streams_in_counts(es, e, count_row, count), CZ_OK);
    for (size_t i = 0; i < whole->edges[e].n; i++)
      if (whole->edges[e].target_row[i] % 2 == 0) count[whole->edges[e].target_row[i]]--;
    for (size_t r = 0; r < c->nodes[whole->edges[e].target_pop].n; r++) assert_int_equal(count[r], 0);
    free(count);
  }
  collected_free(&even);
  cz_edge_streams_close(&es);
  cz_circuit_destroy(&c);
  cz_circuit_destroy(&whole);
  cz_cfg_destroy(&cfg);
}

/* Parts check slices of rows: an index wrong only at the end of the file passes the first
 * part's check and fails the second's, so parts must agree before trusting it. */
static void test_streams_index_checked_in_slices(void **state) {
  (void)state;
  char dir[512];
  generate(dir, sizeof dir);
  cz_config *cfg = net_config(dir);
  break_index(dir, true);
  /* slices 0 and 1 of 2 on slots 0 and 1, then all rows in one slice */
  bool ok[3] = {true, true, true};
  cz_circuit *c = NULL;
  assert_int_equal(cz_circuit_load_nodes(cfg, &c), CZ_OK);
  cz_edge_streams *es = NULL;
  assert_int_equal(cz_edge_streams_open(c, cfg, 2, &k_keep_all, false, &es), CZ_OK);
  size_t bb = SIZE_MAX;
  for (size_t i = 0; i < cz_edge_streams_count(es); i++)
    if (strcmp(c->edges[i].name, "brunel_to_brunel") == 0) bb = i;
  assert_true(bb != SIZE_MAX);
  assert_true(cz_edge_streams_index_ok(es, bb)); /* its ranges cover the rows once */
  for (int part = 0; part < 3; part++)
    assert_int_equal(cz_edge_streams_check_rows(es, bb, part % 2, part < 2 ? part : 0, part < 2 ? 2 : 1, &ok[part]),
                     CZ_OK);
  /* the agreed verdict: untrusted, so a read refuses */
  assert_int_equal(cz_edge_streams_set_index_ok(es, bb, ok[0] && ok[1]), CZ_OK);
  assert_false(cz_edge_streams_by_target(es));
  collected k = {0};
  cz_edge_filter f = {.keep_target = keep_target, .batch = collect_batch, .batch_ctx = &k};
  assert_int_equal(cz_edge_streams_read(es, 0, &f), CZ_ERR_INTERNAL);
  collected_free(&k);
  cz_edge_streams_close(&es);
  /* opened with every row checked, the index is refused outright, whether the streams keep
   * every target (their own rows are all rows) or half of them (checked in full) */
  assert_int_equal(cz_edge_streams_open(c, cfg, 1, &k_keep_all, true, &es), CZ_OK);
  assert_false(cz_edge_streams_index_ok(es, bb));
  cz_edge_streams_close(&es);
  assert_int_equal(cz_edge_streams_open(c, cfg, 1, &k_keep_even, true, &es), CZ_OK);
  assert_false(cz_edge_streams_index_ok(es, bb));
  cz_edge_streams_close(&es);
  /* two parties (even and odd targets) hold rows that add up to the population's */
  uint64_t kept[2] = {0, 0}, total = 0;
  for (int party = 0; party < 2; party++) {
    assert_int_equal(cz_edge_streams_open(c, cfg, 1, party ? &k_keep_odd : &k_keep_even, false, &es), CZ_OK);
    cz_edge_streams_rows(es, bb, &kept[party], &total);
    assert_true(kept[party] > 0 && kept[party] < total);
    cz_edge_streams_close(&es);
  }
  assert_int_equal(kept[0] + kept[1], total);
  cz_circuit_destroy(&c);
  assert_true(ok[0]);  /* the first half of the rows is right */
  assert_false(ok[1]); /* the second half is not */
  assert_false(ok[2]); /* nor the whole */
  cz_cfg_destroy(&cfg);
}

/* ---- the index read piece by piece: only the kept targets' entries ----------------------- */

enum { BIG_N = 200000 };

/* Edges of target t in the big synthetic population: t % 3, in target order. */
static size_t big_edges(uint64_t t) { return (size_t)(t % 3); }

static bool keep_big(const void *ctx, uint32_t tp, uint32_t tr) {
  (void)ctx;
  (void)tp;
  return tr % 997 == 0 || (tr >= 100000 && tr < 130000) || tr == BIG_N - 1;
}

/* An index of BIG_N targets (more than one piece of the reader), one range per node, in a file
 * of its own; stale_range / stale_node break it for one late node. n_file: its edges. */
static void write_big_index(const char *path, int breakage, size_t *n_file) {
  uint64_t *node_to = calloc(2 * BIG_N, sizeof *node_to), *range_to = calloc(2 * BIG_N, sizeof *range_to);
  size_t row = 0;
  for (uint64_t t = 0; t < BIG_N; t++) {
    node_to[2 * t] = t;
    node_to[2 * t + 1] = t + 1;
    range_to[2 * t] = row;
    range_to[2 * t + 1] = row + big_edges(t);
    row += big_edges(t);
  }
  *n_file = row;
  if (breakage == 1) range_to[2 * (BIG_N - 1) + 1] += 1;       /* a range past the rows */
  if (breakage == 2) node_to[2 * (BIG_N - 1) + 1] = BIG_N + 5; /* a kept node's ranges past the table */
  uint64_t *ids = calloc(row + 1, sizeof *ids);
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_create(path, &f), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/edges/big/source_node_id", ids, row, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64(f, "/edges/big/target_node_id", ids, row, false), CZ_OK);
  assert_int_equal(cz_h5_write_u64_pairs(f, "/edges/big/indices/target_to_source/node_id_to_ranges", node_to, BIG_N,
                                         false),
                   CZ_OK);
  assert_int_equal(
      cz_h5_write_u64_pairs(f, "/edges/big/indices/target_to_source/range_to_edge_id", range_to, BIG_N, false), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
  free(ids);
  free(node_to);
  free(range_to);
}

/* Whether row r of the big population is in one of the ranges. */
static bool in_ranges(const cz_row_ranges *r, uint64_t row) {
  for (size_t i = 0; i < r->n; i++)
    if (row >= r->r[2 * i] && row < r->r[2 * i + 1]) return true;
  return false;
}

static void big_ranges(int breakage, cz_row_ranges *out, size_t *expected, bool *usable, size_t *n_file) {
  char dir[512], path[600];
  cz_test_tmpdir(dir, sizeof dir, "cidxbig");
  snprintf(path, sizeof path, "%s/big.h5", dir);
  write_big_index(path, breakage, n_file);
  cz_h5file *f = NULL;
  assert_int_equal(cz_h5_open_read(path, &f), CZ_OK);
  cz_node_pop tp = {.name = "big", .n = BIG_N, .identity_ids = true};
  cz_edge_pop e = {.name = "big", .file = path, .target_pop = 0};
  cz_edge_filter flt = {.keep_target = keep_big};
  assert_int_equal(cz_edge_index_ranges(f, &e, &tp, *n_file, &flt, out, expected, usable), CZ_OK);
  assert_int_equal(cz_h5_close(&f), CZ_OK);
}

/* The kept targets' rows come out exactly, from entries spread over several pieces and from a
 * dense block. */
static void test_index_read_in_pieces(void **state) {
  (void)state;
  cz_row_ranges r = {0, 0, NULL};
  size_t expected = 0, n_file = 0, want = 0;
  bool usable = false;
  big_ranges(0, &r, &expected, &usable, &n_file);
  assert_true(usable);
  size_t row = 0;
  for (uint64_t t = 0; t < BIG_N; row += big_edges(t), t++) {
    if (!keep_big(NULL, 0, (uint32_t)t)) continue;
    want += big_edges(t);
    for (size_t k = 0; k < big_edges(t); k++) assert_true(in_ranges(&r, row + k));
  }
  assert_int_equal(expected, want);
  for (size_t i = 1; i < r.n; i++) assert_true(r.r[2 * i] > r.r[2 * i - 1]); /* sorted, merged */
  free(r.r);
}

/* A range past the rows, or a kept node pointing past the range table, makes the index unusable
 * (the caller then reads every row) instead of dropping or inventing edges. */
static void test_stale_big_index_unusable(void **state) {
  (void)state;
  for (int breakage = 1; breakage <= 2; breakage++) {
    cz_row_ranges r = {0, 0, NULL};
    size_t expected = 0, n_file = 0;
    bool usable = true;
    big_ranges(breakage, &r, &expected, &usable, &n_file);
    assert_false(usable);
    free(r.r);
  }
}

int main(void) {
  cz_h5_quiet();
  cz_log_set_console(false);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_index_matches_scan),
      cmocka_unit_test(test_wrong_index_falls_back),
      cmocka_unit_test(test_streams_read_like_load),
      cmocka_unit_test(test_streams_of_kept_targets),
      cmocka_unit_test(test_streams_index_checked_in_slices),
      cmocka_unit_test(test_index_read_in_pieces),
      cmocka_unit_test(test_stale_big_index_unusable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
