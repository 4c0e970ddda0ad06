/* Unit tests of the engine-independent core (src/core): the gid map, the placement map, the
 * time grid, the spike records and the epoch loop driving an engine that is not the point
 * engine.
 *
 * The placement map must answer, in whichever form it picks, exactly the rank of the plain
 * table it was made from, for block, round-robin and random placements of neurons with
 * stretches of virtual nodes between them, whatever order the gids are asked in; and block
 * and round-robin must take the runs form, whose size does not grow with the network.
 *
 * The toy engine has cells that spike at fixed exact times off the grid (as the detailed-cell
 * engine's artificial cells do), some of them at the same step; it records what it is handed
 * to deliver. The loop must hand every spike of the network to every thread exactly once, in
 * canonical order, in the epoch after the one it was emitted in, together with the virtual
 * nodes' spikes, and record the rank's spikes with their offsets, whatever the thread count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/epoch.h"
#include "core/gidmap.h"
#include "core/placement_map.h"
#include "core/spikes.h"
#include "core/timegrid.h"
#include "partition/round_robin.h"

/* ---------------------------------------------------------------------------- gid map */

/* Four populations; every third gid is local, in a scrambled lid order. */
static void make_map(cz_gidmap *m, size_t every) {
  const size_t sizes[] = {7, 0, 130, 40};
  assert_int_equal(cz_gidmap_init(m, sizes, 4, 0), CZ_OK);
  size_t n = 0;
  for (size_t g = 0; g < m->nsrc; g++) n += g % every == 0;
  assert_int_equal(cz_gidmap_set_nlocal(m, n), CZ_OK);
  size_t k = 0;
  for (size_t g = 0; g < m->nsrc; g++)
    if (g % every == 0) m->gid_of_lid[(k++ * 7) % n] = (uint32_t)g; /* 7 is prime to n below */
  assert_int_equal(cz_gidmap_index(m), CZ_OK);
}

static void check_map(const cz_gidmap *m, size_t every) {
  for (size_t g = 0; g < m->nsrc; g++) {
    const uint32_t lid = cz_gidmap_lid(m, g);
    if (g % every) {
      assert_int_equal(lid, CZ_GIDMAP_NONE);
      continue;
    }
    assert_true(lid < m->nlocal);
    assert_int_equal(m->gid_of_lid[lid], g);
  }
}

static void gidmap_dense_and_sparse_agree(void **state) {
  (void)state;
  cz_gidmap dense, sparse;
  make_map(&dense, 3);  /* 59 of 177 gids: a direct table */
  make_map(&sparse, 59); /* 3 of 177: a hash */
  assert_non_null(dense.direct);
  assert_null(sparse.direct);
  assert_non_null(sparse.hkey);
  check_map(&dense, 3);
  check_map(&sparse, 59);
  size_t pop, row;
  cz_gidmap_locate(&dense, 7, &pop, &row); /* population 1 is empty: gid 7 is row 0 of population 2 */
  assert_int_equal(pop, 2);
  assert_int_equal(row, 0);
  cz_gidmap_locate(&dense, 176, &pop, &row);
  assert_int_equal(pop, 3);
  assert_int_equal(row, 39);
  cz_gidmap_free(&dense);
  cz_gidmap_free(&sparse);
}


/* ---------------------------------------------------------------------------- placement map */

enum { PL_NGID = 200000 };

/* Virtual stretches: at the start, a long one, a single gid, three gids, and at the end. */
static bool pl_virtual(size_t g) {
  return g < 50 || (g >= 70000 && g < 71000) || g == 100000 || (g >= 150000 && g < 150003) || g >= PL_NGID - 10;
}

/* The plain table of a placement of the neurons by ordinal (part[k] for the k-th neuron). */
static uint32_t *pl_table(const uint32_t *part) {
  uint32_t *t = malloc(PL_NGID * sizeof *t);
  assert_non_null(t);
  for (size_t g = 0, k = 0; g < PL_NGID; g++) t[g] = pl_virtual(g) ? CZ_NO_RANK : part[k++];
  return t;
}

static size_t pl_neurons(void) {
  size_t n = 0;
  for (size_t g = 0; g < PL_NGID; g++) n += !pl_virtual(g);
  return n;
}

/* Every gid answers its table's rank: one by one, walking up with a hint, walking in a
 * scrambled order with a hint, and filled in slices. */
static void pl_check_answers(const cz_placement *pl, const uint32_t *t) {
  assert_int_equal(pl->ngid, PL_NGID);
  size_t hint = 0;
  for (size_t g = 0; g < PL_NGID; g++) {
    if (cz_placement_rank(pl, g) != t[g] || cz_placement_rank_walk(pl, g, &hint) != t[g])
      fail_msg("gid %zu: rank %u / %u, the table says %u", g, cz_placement_rank(pl, g), cz_placement_rank_walk(pl, g, &hint),
               t[g]);
    if (t[g] != CZ_NO_RANK) assert_true(cz_placement_holds(pl, t[g], g));
    assert_false(cz_placement_holds(pl, t[g] == 0 ? 1 : 0, g));
  }
  hint = 0;
  for (size_t i = 0; i < PL_NGID; i++) {
    const size_t g = (i * 7919) % PL_NGID; /* 7919 is prime to PL_NGID */
    if (cz_placement_rank_walk(pl, g, &hint) != t[g]) fail_msg("gid %zu asked out of order: wrong rank", g);
  }
  uint32_t *out = malloc(PL_NGID * sizeof *out);
  assert_non_null(out);
  cz_placement_fill(pl, 0, 69990, out);
  cz_placement_fill(pl, 69990, PL_NGID - 69990, out + 69990);
  assert_memory_equal(out, t, PL_NGID * sizeof *out);
  free(out);
}

static void pl_check(const char *what, const uint32_t *part, uint32_t nranks, cz_placement_form form) {
  uint32_t *t = pl_table(part);
  cz_placement pl;
  assert_int_equal(cz_placement_from_table(t, PL_NGID, nranks, &pl), CZ_OK);
  if (pl.form != form) fail_msg("%s: form %d, expected %d", what, (int)pl.form, (int)form);
  pl_check_answers(&pl, t);
  const size_t table = PL_NGID * (nranks <= UINT16_MAX ? 2 : 4);
  if (form == CZ_PLACEMENT_RUNS) {
    /* at most a run per rank or neuron stretch, and a run per virtual stretch */
    assert_true(pl.nruns <= nranks + 2 * 6);
    assert_int_equal(cz_placement_bytes(&pl), pl.nruns * sizeof(cz_place_run));
    assert_true(cz_placement_bytes(&pl) * 8 <= table);
  } else {
    assert_int_equal(cz_placement_bytes(&pl), table);
  }
  cz_placement_free(&pl);
  free(t);
}

static void placement_forms_answer_the_table(void **state) {
  (void)state;
  const size_t n = pl_neurons();
  uint32_t *part = malloc(n * sizeof *part), *cost = malloc(n * sizeof *cost);
  assert_non_null(part);
  assert_non_null(cost);
  static const uint32_t ranks[] = {1, 2, 7, 64};
  for (size_t i = 0; i < sizeof ranks / sizeof *ranks; i++) {
    assert_int_equal(cz_part_block(n, (int)ranks[i], part), CZ_OK);
    pl_check("block", part, ranks[i], CZ_PLACEMENT_RUNS);
    assert_int_equal(cz_part_round_robin(n, (int)ranks[i], part), CZ_OK);
    pl_check("round-robin", part, ranks[i], CZ_PLACEMENT_RUNS);
  }
  srand(5);
  for (size_t k = 0; k < n; k++) cost[k] = 1 + (uint32_t)(rand() % 9);
  assert_int_equal(cz_part_block_weighted(n, cost, 13, part), CZ_OK);
  pl_check("block by cost", part, 13, CZ_PLACEMENT_RUNS);
  assert_int_equal(cz_part_round_robin_weighted(n, cost, 13, part), CZ_OK);
  pl_check("round-robin by cost", part, 13, CZ_PLACEMENT_TABLE16);
  /* random ranks, the highest a 16-bit table holds among them */
  for (size_t k = 0; k < n; k++) part[k] = (uint32_t)rand() % UINT16_MAX;
  part[n / 2] = UINT16_MAX - 1;
  pl_check("random, 65535 ranks", part, UINT16_MAX, CZ_PLACEMENT_TABLE16);
  for (size_t k = 0; k < n; k++) part[k] = (uint32_t)rand() % 70000;
  part[n / 3] = UINT16_MAX;
  pl_check("random, 70000 ranks", part, 70000, CZ_PLACEMENT_TABLE32);
  /* runs first, then the runs outgrow their budget and the rest goes into the table */
  assert_int_equal(cz_part_block(n, 4, part), CZ_OK);
  for (size_t k = n / 2; k < n; k++) part[k] = (uint32_t)rand() % 4;
  pl_check("block, then random", part, 4, CZ_PLACEMENT_TABLE16);
  free(part);
  free(cost);
}

/* The block placement of 11.25 million gids (the HPC benchmark at scale 1000, with 100
 * virtual nodes ahead) on 1024 ranks: runs, a few KiB, not a table of 22 MiB. */
typedef struct big_block {
  size_t nvirtual, neurons;
  uint32_t nranks;
} big_block;

static uint32_t big_block_rank(void *ctx, size_t gid) {
  const big_block *b = ctx;
  return gid < b->nvirtual ? CZ_NO_RANK : (uint32_t)((gid - b->nvirtual) * b->nranks / b->neurons);
}

static void placement_of_a_large_block_is_small(void **state) {
  (void)state;
  big_block b = {100, 11250000, 1024};
  cz_placement pl;
  assert_int_equal(cz_placement_make(b.nvirtual + b.neurons, b.nranks, big_block_rank, &b, &pl), CZ_OK);
  assert_int_equal(pl.form, CZ_PLACEMENT_RUNS);
  assert_int_equal(pl.nruns, b.nranks + 1);
  assert_true(cz_placement_bytes(&pl) <= (b.nranks + 1) * sizeof(cz_place_run));
  for (size_t g = 0; g < pl.ngid; g += 997) assert_int_equal(cz_placement_rank(&pl, g), big_block_rank(&b, g));
  assert_int_equal(cz_placement_rank(&pl, pl.ngid - 1), b.nranks - 1);
  cz_placement_free(&pl);
}

static uint32_t out_of_range(void *ctx, size_t gid) {
  (void)ctx;
  return gid == 3 ? 5 : 0;
}

static void placement_refuses_a_rank_out_of_range(void **state) {
  (void)state;
  cz_placement pl;
  assert_int_equal(cz_placement_make(10, 5, out_of_range, NULL, &pl), CZ_ERR_INTERNAL);
  cz_error_clear();
  assert_null(pl.runs);
  assert_int_equal(cz_placement_make(10, 6, out_of_range, NULL, &pl), CZ_OK);
  assert_int_equal(cz_placement_rank(&pl, 3), 5);
  assert_int_equal(cz_placement_rank(&pl, 4), 0);
  cz_placement_free(&pl);
}

/* ---------------------------------------------------------------------------- time grid */

static void timegrid_is_nest_arithmetic(void **state) {
  (void)state;
  cz_timegrid g;
  assert_int_equal(cz_timegrid_init(&g, 0.1, 1000.0, 1000), CZ_OK);
  assert_int_equal(g.tics_per_step, 100);
  assert_int_equal(g.nsteps, 10000);
  for (int64_t s = 0; s < 20000; s += 7) assert_true(cz_timegrid_ms(&g, s) == (double)(s * 100) / 1000.0);
  assert_true(cz_timegrid_spike_ms(&g, 3, 0.0) == 0.3);
  assert_true(cz_timegrid_spike_ms(&g, 3, 0.025) == 0.3 - 0.025);
  g.min_delay = 15;
  assert_int_equal(cz_timegrid_epoch_end(&g, 0), 15);
  assert_int_equal(cz_timegrid_epoch_end(&g, 9990), 10000);
  assert_int_not_equal(cz_timegrid_init(&g, 0.0001, 10.0, 1000), CZ_OK); /* shorter than a tic */
}

/* ---------------------------------------------------------------------------- records */

static void spike_records_order_and_travel(void **state) {
  (void)state;
  const cz_spike a = {cz_spike_key(5, 9), 0.0}, b = {cz_spike_key(5, 10), 0.0}, c = {cz_spike_key(6, 0), 0.0};
  const cz_spike early = {cz_spike_key(5, 9), 0.07}; /* same step and gid, earlier in time */
  assert_true(cz_spike_before(&a, &b));
  assert_true(cz_spike_before(&b, &c));
  assert_true(cz_spike_before(&early, &a));
  assert_false(cz_spike_before(&a, &a));
  assert_int_equal(cz_spike_step(&c), 6);
  assert_int_equal(cz_spike_gid(&b), 10);
  int64_t w[2];
  cz_spike back;
  cz_spike_pack(&early, w);
  cz_spike_unpack(w, &back);
  assert_true(back.key == early.key && back.offset == early.offset);
  assert_int_equal(cz_spike_check_steps(CZ_SPIKE_MAX_STEPS - 1), CZ_OK);
  assert_int_not_equal(cz_spike_check_steps(CZ_SPIKE_MAX_STEPS), CZ_OK);
}

static void merge_carries_lids(void **state) {
  (void)state;
  cz_spike_list l[3], out;
  memset(l, 0, sizeof l);
  memset(&out, 0, sizeof out);
  /* three unsorted lists; lid = 100 * list + gid */
  const int64_t steps[3][4] = {{2, 1, 1, 0}, {1, 0, 2, 2}, {3, 0, 0, 0}};
  const uint32_t gids[3][4] = {{4, 9, 3, 5}, {2, 8, 1, 0}, {7, 6, 6, 6}};
  const size_t n[3] = {4, 4, 1};
  for (int j = 0; j < 3; j++) {
    for (size_t i = 0; i < n[j]; i++)
      assert_int_equal(cz_spike_list_emit(&l[j], steps[j][i], gids[j][i], 100 * (uint32_t)j + gids[j][i], 0.0), CZ_OK);
    assert_int_equal(cz_spike_list_sort(&l[j]), CZ_OK);
  }
  const cz_spike_list *lists[3] = {&l[0], &l[1], &l[2]};
  assert_int_equal(cz_spike_lists_merge(lists, 3, &out), CZ_OK);
  assert_int_equal(out.n, 9);
  for (size_t i = 0; i < out.n; i++) {
    if (i) assert_true(cz_spike_before(&out.s[i - 1], &out.s[i]));
    assert_int_equal(out.lid[i] % 100, cz_spike_gid(&out.s[i]));
  }
  assert_int_equal(cz_spike_step(&out.s[0]), 0);
  assert_int_equal(cz_spike_gid(&out.s[0]), 5);
  assert_int_equal(out.lid[0], 5);
  for (int j = 0; j < 3; j++) cz_spike_list_free(&l[j]);
  cz_spike_list_free(&out);
}

/* ---------------------------------------------------------------------------- the loop */

enum { NCELLS = 6, NVIRT = 2, NSTEPS = 50, MIN_DELAY = 4, MAXT = 4, MAXREC = 4096 };

/* Cell c (gid c) spikes in every step u with (u + c) % 3 == 0, at offset (c + 1) / 100 ms. */
static bool fires(int64_t u, uint32_t c) { return (u + c) % 3 == 0; }
static double offset_of(uint32_t c) { return (double)(c + 1) / 100.0; }

typedef struct toy {
  int nthreads;
  int64_t t_done;                 /* steps updated so far */
  size_t ndel[MAXT];              /* spikes each thread was handed */
  cz_spike del[MAXT][MAXREC];
  int64_t del_t1[MAXT][MAXREC];   /* the epoch end they were handed at */
  int epochs_ended;
} toy;

static cz_status toy_update(void *impl, int tid, int64_t t0, int64_t t1, cz_spike_list *out) {
  toy *t = impl;
  for (int64_t u = t0; u < t1; u++)
    for (uint32_t c = (uint32_t)tid; c < NCELLS; c += (uint32_t)t->nthreads) /* cells dealt out to threads */
      if (fires(u, c)) CZ_TRY(cz_spike_list_emit(out, u, c, c, offset_of(c)));
  return CZ_OK;
}

static cz_status toy_deliver(void *impl, int tid, const cz_spike *s, size_t n, int64_t t1, uint64_t *nevents) {
  toy *t = impl;
  for (size_t i = 0; i < n && t->ndel[tid] < MAXREC; i++) {
    t->del_t1[tid][t->ndel[tid]] = t1;
    t->del[tid][t->ndel[tid]++] = s[i];
  }
  *nevents += n;
  return CZ_OK;
}

static cz_status toy_epoch_end(void *impl, int64_t t1) {
  toy *t = impl;
  t->epochs_ended++;
  t->t_done = t1;
  return CZ_OK;
}

static const cz_engine_ops toy_ops = {toy_update, toy_deliver, toy_epoch_end, NULL};

static void run_toy(int nthreads) {
  cz_timegrid g;
  assert_int_equal(cz_timegrid_init(&g, 0.1, NSTEPS * 0.1, 1000), CZ_OK);
  g.min_delay = MIN_DELAY;
  toy *t = calloc(1, sizeof *t);
  assert_non_null(t);
  t->nthreads = nthreads;
  const cz_engine e = {NULL, &toy_ops, t, &g, NULL, nthreads, 0, 1};
  /* virtual gids 6 and 7 spike in steps 3 and 3 and 20 */
  int64_t vstep[] = {3, 3, 20};
  uint32_t vgid[] = {6, 7, 6};
  const cz_vspikes vs = {3, vstep, vgid};
  cz_epoch_result r;
  assert_int_equal(cz_epoch_run(&e, &vs, NULL, NULL, NULL, &r), CZ_OK);
  /* recorded: every cell spike, with its offset */
  size_t expect = 0;
  for (int64_t u = 0; u < NSTEPS; u++)
    for (uint32_t c = 0; c < NCELLS; c++) expect += fires(u, c);
  assert_int_equal(r.spikes.n, expect);
  for (size_t i = 0; i < r.spikes.n; i++) {
    const uint32_t c = cz_spike_gid(&r.spikes.s[i]);
    assert_true(c < NCELLS && fires(cz_spike_step(&r.spikes.s[i]), c));
    assert_true(r.spikes.s[i].offset == offset_of(c));
  }
  assert_int_equal(t->epochs_ended, (NSTEPS + MIN_DELAY - 1) / MIN_DELAY);
  assert_int_equal(t->t_done, NSTEPS);
  /* delivered: every thread gets all spikes (cells and virtual), each once, in order, at the end
   * of the epoch it was emitted in */
  for (int th = 0; th < nthreads; th++) {
    assert_int_equal(t->ndel[th], expect + 3);
    assert_int_equal(r.nevents, (uint64_t)nthreads * (expect + 3));
    for (size_t i = 0; i < t->ndel[th]; i++) {
      const cz_spike *s = &t->del[th][i];
      const int64_t u = cz_spike_step(s), t1 = t->del_t1[th][i];
      assert_true(u < t1 && u >= t1 - MIN_DELAY);
      if (i) assert_true(cz_spike_before(&t->del[th][i - 1], s));
      if (cz_spike_gid(s) >= NCELLS) assert_true(s->offset == 0.0);
    }
  }
  cz_epoch_result_free(&r);
  free(t);
}

static void loop_hands_every_spike_once_in_order(void **state) {
  (void)state;
  run_toy(1);
  run_toy(3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(gidmap_dense_and_sparse_agree),
      cmocka_unit_test(placement_forms_answer_the_table),
      cmocka_unit_test(placement_of_a_large_block_is_small),
      cmocka_unit_test(placement_refuses_a_rank_out_of_range),
      cmocka_unit_test(timegrid_is_nest_arithmetic),
      cmocka_unit_test(spike_records_order_and_travel),
      cmocka_unit_test(merge_carries_lids),
      cmocka_unit_test(loop_hands_every_spike_once_in_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
