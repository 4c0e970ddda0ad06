/* Unit tests of step-by-step delivery (src/pointnet/arrivals.c, delay_order.c): a table put in
 * delay order and delivered row by row must give every ring slot the bits that adding each
 * spike's synapses at once, in edge order, gives. The weights make the order of a slot's sum
 * matter ((2^53 + 1) - 2^53 is 0, (2^53 - 2^53) + 1 is 1), and the ring is the simulation's,
 * each row read and cleared after its epoch's fill, so an unstable sort, a run put in the
 * wrong row or too late, or spikes taken out of order all show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/rng.h"
#include "pointnet/arrivals.h"
#include "pointnet/delay_order.h"
#include "pointnet/network.h"

enum { NSRC = 5, NTGT = 7, PER_SRC = 60, NSPIKES = 40, STEPS = 400 };

static const double k_weights[] = {0x1.0p53, 1.0, -0x1.0p53, 0.5, 3.0, -1.0};
enum { NW = sizeof k_weights / sizeof k_weights[0] };

typedef enum { CODED, FLOATS, DOUBLES } layout;

/* Every one of NSRC gids a source (no bitmap: slot = gid). */
static const cz_sources k_all = {NSRC, NSRC, NULL};

/* A table of NSRC sources with PER_SRC synapses each, delays in [dmin, dmax] (packed into the
 * targets when pack), in edge order, indexed as how says. */
static cz_synapses make_table(layout w, bool pack, uint32_t dmin, uint32_t dmax, uint64_t seed, cz_source_index how) {
  cz_synapses s;
  memset(&s, 0, sizeof s);
  s.nsyn = (size_t)NSRC * PER_SRC;
  uint32_t count[NSRC];
  for (size_t g = 0; g < NSRC; g++) count[g] = PER_SRC;
  assert_int_equal(cz_syn_index_build(&s.index, &k_all, count, how), CZ_OK);
  assert_true((s.index.off != NULL) == (how == CZ_SOURCE_INDEX_DENSE));
  s.tgt = calloc(s.nsyn, sizeof *s.tgt);
  if (!pack) s.delay = calloc(s.nsyn, sizeof *s.delay);
  if (w == CODED) s.wcode = calloc(s.nsyn, sizeof *s.wcode);
  if (w == FLOATS) s.weightf = calloc(s.nsyn, sizeof *s.weightf);
  if (w == DOUBLES) s.weight = calloc(s.nsyn, sizeof *s.weight);
  assert_non_null(s.tgt);
  cz_rng r = cz_rng_make(seed, 0, 0);
  for (size_t k = 0; k < s.nsyn; k++) {
    /* source 2 has a single delay: its run is the whole source */
    const uint32_t d = k / PER_SRC == 2 ? dmax : dmin + (uint32_t)cz_rng_next_below(&r, dmax - dmin + 1);
    const uint32_t t = (uint32_t)cz_rng_next_below(&r, NTGT);
    const size_t c = cz_rng_next_below(&r, NW);
    s.tgt[k] = pack ? t | d << CZ_TGT_BITS : t;
    if (!pack) s.delay[k] = (uint16_t)d;
    if (w == CODED) s.wcode[k] = (uint16_t)c;
    if (w == FLOATS) s.weightf[k] = (float)k_weights[c];
    if (w == DOUBLES) s.weight[k] = k_weights[c];
  }
  return s;
}

static void free_table(cz_synapses *s) {
  cz_syn_index_free(&s->index);
  free(s->tgt);
  free(s->delay);
  free(s->wcode);
  free(s->weightf);
  free(s->weight);
}

static double weight_of(const cz_synapses *s, size_t k) {
  if (s->wcode) return k_weights[s->wcode[k]];
  if (s->weightf) return (double)s->weightf[k];
  return s->weight[k];
}

/* Spikes in canonical (step, gid) order, several in some steps. */
static void make_spikes(int64_t *u, uint32_t *gid, uint64_t seed) {
  cz_rng r = cz_rng_make(seed, 1, 0);
  int64_t t = 0;
  for (int i = 0; i < NSPIKES; i++) {
    if (i == 0 || cz_rng_next_below(&r, 3) != 0) t += (int64_t)cz_rng_next_below(&r, 4);
    uint32_t g = (uint32_t)cz_rng_next_below(&r, NSRC);
    if (i > 0 && t == u[i - 1] && g <= gid[i - 1]) {
      if (gid[i - 1] + 1 >= NSRC) t++;
      else g = gid[i - 1] + 1;
    }
    u[i] = t;
    gid[i] = g;
  }
}

static void check_layout(layout w, bool pack, uint32_t dmin, uint32_t dmax, int64_t M, cz_source_index how) {
  assert_true(dmin >= (uint32_t)M);
  cz_synapses s = make_table(w, pack, dmin, dmax, 7 + (uint64_t)w, how);
  int64_t u[NSPIKES];
  uint32_t gid[NSPIKES];
  make_spikes(u, gid, 11 + (uint64_t)M);
  double *want = calloc((size_t)STEPS * NTGT, sizeof *want), *got = calloc((size_t)STEPS * NTGT, sizeof *got);
  assert_non_null(want);
  assert_non_null(got);
  uint64_t total = 0;
  for (int i = 0; i < NSPIKES; i++) /* each spike's synapses at once, in edge order */
    for (size_t k = (size_t)gid[i] * PER_SRC; k < (size_t)(gid[i] + 1) * PER_SRC; k++, total++)
      want[(size_t)(u[i] + cz_syn_delay(&s, k)) * NTGT + cz_syn_target(&s, k)] += weight_of(&s, k);

  assert_int_equal(cz_synapses_order_by_delay(&s), CZ_OK);
  for (size_t g = 0; g < NSRC; g++) {
    const cz_span r = cz_syn_index_span(&s.index, g);
    assert_int_equal(r.lo, g * PER_SRC);
    assert_int_equal(r.hi, (g + 1) * PER_SRC);
    for (size_t k = r.lo + 1; k < r.hi; k++) assert_true(cz_syn_delay(&s, k - 1) <= cz_syn_delay(&s, k));
  }
  double wtab[NW];
  memcpy(wtab, k_weights, sizeof wtab);
  /* The simulation's ring: the rows of the next epoch only, each read and cleared by the
   * update of its step, so a run delivered late or into the wrong row is lost or misplaced. */
  size_t len = 1;
  while (len < (size_t)(2 * M + 1)) len *= 2;
  double *rows = calloc(len * NTGT, sizeof *rows);
  assert_non_null(rows);
  cz_arrivals l = {0};
  const cz_ring_rows ring = {rows, len - 1, NTGT};
  uint64_t delivered = 0;
  int next = 0;
  for (int64_t t1 = M; t1 + M < STEPS; t1 += M) {
    for (; next < NSPIKES && u[next] < t1; next++) assert_int_equal(cz_arrivals_add(&l, &s, u[next], gid[next]), CZ_OK);
    delivered += cz_arrivals_fill(&l, &s, wtab, &ring, t1 + M);
    for (int64_t r = t1; r < t1 + M; r++) { /* the next epoch's updates */
      double *row = rows + ((size_t)r & (len - 1)) * NTGT;
      memcpy(got + (size_t)r * NTGT, row, NTGT * sizeof *row);
      memset(row, 0, NTGT * sizeof *row);
    }
  }
  assert_int_equal(next, NSPIKES);
  assert_int_equal(l.n, 0);
  assert_int_equal(delivered, total);
  for (size_t j = 0; j < (size_t)STEPS * NTGT; j++)
    if (memcmp(&want[j], &got[j], sizeof want[j]) != 0)
      fail_msg("layout %d, packed %d, M %lld: step %zu target %zu holds %.17g, adding at once gives %.17g", (int)w,
               (int)pack, (long long)M, j / NTGT, j % NTGT, got[j], want[j]);
  cz_arrivals_free(&l);
  free(rows);
  free(want);
  free(got);
  free_table(&s);
}

static void test_rows_match_adding_at_once(void **state) {
  (void)state;
  for (layout w = CODED; w <= DOUBLES; w++) {
    check_layout(w, true, 1, 9, 1, CZ_SOURCE_INDEX_DENSE);
    check_layout(w, true, 3, 40, 3, CZ_SOURCE_INDEX_SPARSE);
    check_layout(w, false, 2, 300, 2, CZ_SOURCE_INDEX_DENSE); /* delays over a byte apart: two radix passes */
    check_layout(w, false, 2, 300, 2, CZ_SOURCE_INDEX_SPARSE);
  }
}

/* A weight order that only a stable sort keeps: sources whose runs of one delay interleave
 * with other delays in edge order. */
static void test_order_is_stable(void **state) {
  (void)state;
  const cz_sources one = {1, 1, NULL};
  const uint32_t count[] = {6};
  uint32_t tgt[] = {0, 0, 0, 0, 0, 0};
  uint16_t delay[] = {5, 2, 5, 2, 300, 5};
  double w[] = {0x1.0p53, 1.0, 1.0, -0x1.0p53, 7.0, -0x1.0p53};
  cz_synapses s;
  memset(&s, 0, sizeof s);
  assert_int_equal(cz_syn_index_build(&s.index, &one, count, CZ_SOURCE_INDEX_AUTO), CZ_OK);
  s.tgt = tgt, s.delay = delay, s.weight = w, s.nsyn = 6;
  assert_int_equal(cz_synapses_order_by_delay(&s), CZ_OK);
  const uint16_t want_delay[] = {2, 2, 5, 5, 5, 300};
  const double want_w[] = {1.0, -0x1.0p53, 0x1.0p53, 1.0, -0x1.0p53, 7.0};
  for (int k = 0; k < 6; k++) {
    assert_int_equal(delay[k], want_delay[k]);
    assert_true(w[k] == want_w[k]);
  }
  cz_syn_index_free(&s.index);
}

/* The source table and both indexes against plain offsets: gids with and without synapses,
 * counts of 0, of a few, and runs of 1 bits across several code words (over 64 and 128), so
 * that a wrong rank, a select off by one, or a run cut at a word's end all show. */
static void test_index_spans(void **state) {
  (void)state;
  enum { NGID = 1000 };
  uint64_t bits[NGID / 64 + 1] = {0};
  uint32_t count[NGID];
  size_t off[NGID + 1] = {0}, nslot = 0;
  bool is_src[NGID];
  cz_rng r = cz_rng_make(5, 2, 0);
  for (size_t g = 0; g < NGID; g++) {
    is_src[g] = cz_rng_next_below(&r, 4) != 0;
    if (is_src[g]) bits[g / 64] |= UINT64_C(1) << (g % 64);
  }
  for (size_t g = 0; g < NGID; g++) {
    if (!is_src[g]) continue;
    const uint64_t kind = cz_rng_next_below(&r, 10);
    if (kind == 0) count[nslot] = 0;
    else if (kind == 1) count[nslot] = 64 + (uint32_t)cz_rng_next_below(&r, 200); /* over one or more words */
    else count[nslot] = (uint32_t)cz_rng_next_below(&r, 4);
    off[nslot + 1] = off[nslot] + count[nslot];
    nslot++;
  }
  cz_sources src;
  assert_int_equal(cz_sources_build(&src, bits, NGID), CZ_OK);
  assert_int_equal(src.nslot, nslot);
  assert_non_null(src.word);
  cz_syn_index dense, sparse;
  assert_int_equal(cz_syn_index_build(&dense, &src, count, CZ_SOURCE_INDEX_DENSE), CZ_OK);
  assert_int_equal(cz_syn_index_build(&sparse, &src, count, CZ_SOURCE_INDEX_SPARSE), CZ_OK);
  assert_null(sparse.off);
  size_t slot = 0;
  for (size_t g = 0; g < NGID; g++) {
    const cz_span a = cz_syn_index_span(&dense, g), b = cz_syn_index_span(&sparse, g);
    if (!is_src[g]) {
      assert_int_equal(a.hi - a.lo, 0);
      assert_int_equal(b.hi - b.lo, 0);
      continue;
    }
    size_t s;
    assert_true(cz_sources_slot(&src, g, &s));
    assert_int_equal(s, slot);
    assert_int_equal(a.lo, off[slot]);
    assert_int_equal(a.hi, off[slot + 1]);
    assert_int_equal(b.lo, off[slot]);
    assert_int_equal(b.hi, off[slot + 1]);
    slot++;
  }
  /* a sparse index costs bits per synapse and per slot, not words per slot */
  assert_true(cz_syn_index_bytes(&sparse) * 4 < cz_syn_index_bytes(&dense) + off[nslot] / 2);
  cz_syn_index_free(&dense);
  cz_syn_index_free(&sparse);
  cz_sources_free(&src);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rows_match_adding_at_once),
      cmocka_unit_test(test_order_is_stable),
      cmocka_unit_test(test_index_spans),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
