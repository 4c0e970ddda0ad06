/* MPI component test: the epoch loop's spike exchange (core/epoch.h) through an engine's send
 * sets (core/rank_set.h), both forms.
 *
 * Every rank holds NCELLS cells of a toy engine; cell l of rank q is gid q * NCELLS + l and
 * spikes in every step u with (u + gid) % 5 == 0. Its send set is a pseudo-random subset of the
 * other ranks (empty for some cells, all of them for others), handed to the loop as a list of
 * ranks for even l and as a bitmap for odd l, whatever the number of ranks. Every rank must be
 * handed, epoch by epoch, exactly its own cells' spikes and those of the other ranks' cells
 * whose sets hold it, each once, in canonical order, with their offsets. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/epoch.h"
#include "core/rank_set.h"
#include "mpi_test.h"

enum { NCELLS = 12, NSTEPS = 60, MIN_DELAY = 4, MAXRANKS = 64, MAXREC = 8192 };

static bool fires(int64_t u, uint32_t gid) { return (u + gid) % 5 == 0; }
static double offset_of(uint32_t gid) { return (double)(gid % 7 + 1) / 100.0; }

/* Whether rank p needs the spikes of cell l of rank q (p != q): none of cell 0's, all of cell
 * 1's, a mix for the others. */
static bool needs(int q, uint32_t l, int p) {
  if (p == q || l == 0) return false;
  if (l == 1) return true;
  const uint64_t h = ((uint64_t)q * 131u + l * 31u + (uint64_t)p * 7u) * 0x9E3779B97F4A7C15ull;
  return (h >> 61) % 2 == 0;
}

typedef struct toy {
  int rank, nranks;
  uint32_t list[NCELLS][MAXRANKS];   /* even cells: their ranks, ascending */
  uint32_t nlist[NCELLS];
  uint32_t bitmap[NCELLS][MAXRANKS / 32]; /* odd cells: their bitmaps */
  size_t ndel;
  cz_spike del[MAXREC];
  int64_t del_t1[MAXREC];
} toy;

static void toy_sets(toy *t) {
  for (uint32_t l = 0; l < NCELLS; l++)
    for (int p = 0; p < t->nranks; p++) {
      if (!needs(t->rank, l, p)) continue;
      if (l % 2 == 0)
        t->list[l][t->nlist[l]++] = (uint32_t)p;
      else
        t->bitmap[l][p / 32] |= UINT32_C(1) << (p % 32);
    }
}

static cz_status toy_update(void *impl, int tid, int64_t t0, int64_t t1, cz_spike_list *out) {
  const toy *t = impl;
  (void)tid;
  for (int64_t u = t0; u < t1; u++)
    for (uint32_t l = 0; l < NCELLS; l++) {
      const uint32_t gid = (uint32_t)t->rank * NCELLS + l;
      if (fires(u, gid)) CZ_TRY(cz_spike_list_emit(out, u, gid, l, offset_of(gid)));
    }
  return CZ_OK;
}

static cz_status toy_deliver(void *impl, int tid, const cz_spike *s, size_t n, int64_t t1, uint64_t *nevents) {
  toy *t = impl;
  (void)tid;
  for (size_t i = 0; i < n && t->ndel < MAXREC; i++) {
    t->del_t1[t->ndel] = t1;
    t->del[t->ndel++] = s[i];
  }
  *nevents += n;
  return CZ_OK;
}

static void toy_send_ranks(const void *impl, uint32_t lid, cz_rank_set *out) {
  const toy *t = impl;
  if (lid % 2 == 0)
    *out = (cz_rank_set){t->list[lid], t->nlist[lid], false};
  else
    *out = (cz_rank_set){t->bitmap[lid], cz_rank_set_words((uint32_t)t->nranks), true};
}

static const cz_engine_ops toy_ops = {toy_update, toy_deliver, NULL, toy_send_ranks};

int main(int argc, char **argv) {
  cz_mpi_test_start(&argc, &argv);
  toy *t = calloc(1, sizeof *t);
  CZ_MPI_CHECK(t != NULL, "out of memory");
  if (!t) return cz_mpi_test_finish("epoch_exchange");
  t->rank = cz_comm_rank();
  t->nranks = cz_comm_size();
  CZ_MPI_CHECK(t->nranks <= MAXRANKS, "at most %d ranks", MAXRANKS);
  toy_sets(t);

  cz_timegrid g;
  CZ_MPI_CHECK_OK(cz_timegrid_init(&g, 0.1, NSTEPS * 0.1, 1000));
  g.min_delay = MIN_DELAY;
  const cz_engine e = {NULL, &toy_ops, t, &g, NULL, 1, t->rank, t->nranks};
  cz_epoch_result r;
  CZ_MPI_CHECK_OK(cz_epoch_run(&e, NULL, NULL, NULL, NULL, &r));

  /* the expected list: steps ascending, then gids ascending (offsets depend on the gid only) */
  size_t k = 0, own = 0;
  for (int64_t u = 0; u < NSTEPS; u++)
    for (int q = 0; q < t->nranks; q++)
      for (uint32_t l = 0; l < NCELLS; l++) {
        const uint32_t gid = (uint32_t)q * NCELLS + l;
        if (!fires(u, gid) || (q != t->rank && !needs(q, l, t->rank))) continue;
        own += q == t->rank;
        if (k < t->ndel) {
          const cz_spike *s = &t->del[k];
          CZ_MPI_CHECK(cz_spike_step(s) == u && cz_spike_gid(s) == gid && s->offset == offset_of(gid),
                       "spike %zu: step %lld gid %u offset %g, expected step %lld gid %u", k,
                       (long long)cz_spike_step(s), cz_spike_gid(s), s->offset, (long long)u, gid);
          CZ_MPI_CHECK(u < t->del_t1[k] && u >= t->del_t1[k] - MIN_DELAY, "spike %zu of step %lld handed at %lld", k,
                       (long long)u, (long long)t->del_t1[k]);
        }
        k++;
      }
  CZ_MPI_CHECK(t->ndel == k, "handed %zu spikes, expected %zu", t->ndel, k);
  CZ_MPI_CHECK(r.spikes.n == own, "recorded %zu spikes, expected this rank's %zu", r.spikes.n, own);
  cz_epoch_result_free(&r);
  free(t);
  return cz_mpi_test_finish("epoch_exchange");
}
