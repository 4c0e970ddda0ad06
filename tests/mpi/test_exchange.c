/* MPI component test: spike exchange round trip (comm/spike_exchange.h).
 *
 * Every rank builds, for each destination rank (itself included), a deterministic
 * pseudo-random list of (step, gid) records keyed by (sender, receiver, epoch), packs the
 * lists destination-major and runs cz_xchg_run for several epochs: small volumes, an epoch
 * where nobody sends anything, growing volumes that force the receive buffer to grow, and a
 * small one again. Each rank regenerates what every sender must have sent to it and checks
 * the received records word for word, grouped by source rank in rank order and, within a
 * source, in the sender's packing order. With one rank the exchange sends nothing and must
 * return no records. cz_comm_gather_records must deliver every rank's records on rank 0 in rank
 * order, and NULL / 0 elsewhere.
 *
 * The generic record all-to-all (cz_comm_alltoall_records, and cz_comm_alltoall_run reused
 * across rounds) is checked the same way with records of 1 and 3 words, self-sends included
 * (one rank gets its own records back), a rank that sends nothing at all, a round where
 * nobody sends, and widths that change between rounds of one reused handle. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "comm/spike_exchange.h"
#include "mpi_test.h"

/* Per-epoch largest record count from one sender to one receiver. Epoch 1 sends nothing. */
static const size_t max_count[] = {3, 0, 40, 2000, 50000, 5, 0, 100};
enum { NEPOCHS = sizeof max_count / sizeof max_count[0] };

/* SplitMix64 finaliser. */
static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

static uint64_t key(int sender, int receiver, int epoch, uint64_t i) {
  uint64_t k = mix((uint64_t)sender * 0x100000001B3ull + (uint64_t)receiver);
  k = mix(k ^ ((uint64_t)epoch << 32));
  return mix(k + i);
}

/* How many records sender sends to receiver in an epoch: zero for about a quarter of the
 * pairs, otherwise between half the epoch's maximum and the maximum. */
static size_t pair_count(int sender, int receiver, int epoch) {
  size_t top = max_count[epoch];
  if (top == 0) return 0;
  uint64_t h = key(sender, receiver, epoch, UINT64_MAX);
  if (h % 4 == 0) return 0;
  return top / 2 + (size_t)((h >> 8) % (top - top / 2 + 1));
}

/* Record i of the list from sender to receiver: full 64-bit words, so that any truncation
 * or byte-order slip shows. */
static void pair_record(int sender, int receiver, int epoch, size_t i, int64_t rec[2]) {
  rec[0] = (int64_t)key(sender, receiver, epoch, 2 * (uint64_t)i);
  rec[1] = (int64_t)key(sender, receiver, epoch, 2 * (uint64_t)i + 1);
}

/* This rank's send buffer for an epoch (destination-major) and the per-destination counts. */
static int64_t *pack_epoch(int me, int nranks, int epoch, size_t *sendcounts) {
  size_t total = 0;
  for (int r = 0; r < nranks; r++) total += sendcounts[r] = pair_count(me, r, epoch);
  if (total == 0) return NULL; /* nothing to send: the exchange must accept a NULL buffer */
  int64_t *send = malloc(2 * total * sizeof *send);
  if (!send) {
    CZ_MPI_CHECK(false, "epoch %d: out of memory for %zu records", epoch, total);
    memset(sendcounts, 0, (size_t)nranks * sizeof *sendcounts); /* still take part */
    return NULL;
  }
  size_t k = 0;
  for (int r = 0; r < nranks; r++)
    for (size_t i = 0; i < sendcounts[r]; i++, k++) pair_record(me, r, epoch, i, send + 2 * k);
  return send;
}

/* Checks the received records against what every sender must have sent to me. */
static void check_received(int me, int nranks, int epoch, const int64_t *recv, size_t nrecv) {
  size_t expected = 0;
  if (nranks > 1)
    for (int s = 0; s < nranks; s++) expected += pair_count(s, me, epoch);
  CZ_MPI_CHECK(nrecv == expected, "epoch %d: received %zu records, expected %zu", epoch, nrecv, expected);
  if (nrecv != expected) return;
  size_t k = 0;
  for (int s = 0; s < nranks && nranks > 1; s++) {
    size_t n = pair_count(s, me, epoch);
    for (size_t i = 0; i < n; i++, k++) {
      int64_t want[2];
      pair_record(s, me, epoch, i, want);
      if (recv[2 * k] != want[0] || recv[2 * k + 1] != want[1]) {
        CZ_MPI_CHECK(false,
                     "epoch %d: record %zu (record %zu from rank %d) is (%" PRId64 ", %" PRId64
                     "), expected (%" PRId64 ", %" PRId64 ")",
                     epoch, k, i, s, recv[2 * k], recv[2 * k + 1], want[0], want[1]);
        return; /* one message per epoch is enough */
      }
    }
  }
}

static void test_epochs(void) {
  const int me = cz_comm_rank(), nranks = cz_comm_size();
  cz_xchg *x = NULL;
  CZ_MPI_CHECK_OK(cz_xchg_create(&x));
  if (!x) return;
  size_t *sendcounts = calloc((size_t)nranks, sizeof *sendcounts);
  double seconds = 0;
  for (int epoch = 0; epoch < NEPOCHS && sendcounts; epoch++) {
    int64_t *send = pack_epoch(me, nranks, epoch, sendcounts);
    const int64_t *recv = NULL;
    size_t nrecv = SIZE_MAX;
    CZ_MPI_CHECK_OK(cz_xchg_run(x, send, sendcounts, &recv, &nrecv));
    check_received(me, nranks, epoch, recv, nrecv);
    free(send);
    CZ_MPI_CHECK(cz_xchg_seconds(x) >= seconds, "epoch %d: cz_xchg_seconds went down", epoch);
    seconds = cz_xchg_seconds(x);
  }
  CZ_MPI_CHECK(nranks > 1 || seconds == 0, "one rank: %g s in collectives that must not run", seconds);
  free(sendcounts);
  cz_xchg_destroy(&x);
  CZ_MPI_CHECK(x == NULL, "cz_xchg_destroy left the pointer set");
}

/* Records that rank r contributes to the gather: rank 1 none, the others a few hundred. */
static size_t gather_count(int r) { return r == 1 ? 0 : 100 + 37 * (size_t)r; }

static void check_gathered(int nranks, const int64_t *all, size_t nall) {
  size_t expected = 0;
  for (int r = 0; r < nranks; r++) expected += gather_count(r);
  CZ_MPI_CHECK(nall == expected, "gather: rank 0 got %zu records, expected %zu", nall, expected);
  if (nall != expected || !all) {
    CZ_MPI_CHECK(all != NULL || expected == 0, "gather: rank 0 got no buffer");
    return;
  }
  size_t k = 0;
  for (int r = 0; r < nranks; r++)
    for (size_t i = 0; i < gather_count(r); i++, k++) {
      int64_t want[2];
      pair_record(r, 0, -1, i, want);
      if (all[2 * k] != want[0] || all[2 * k + 1] != want[1]) {
        CZ_MPI_CHECK(false, "gather: record %zu (record %zu of rank %d) differs", k, i, r);
        return;
      }
    }
}

static void test_gather(void) {
  const int me = cz_comm_rank(), nranks = cz_comm_size();
  size_t n = gather_count(me);
  int64_t *mine = n ? malloc(2 * n * sizeof *mine) : NULL;
  for (size_t i = 0; i < n && mine; i++) pair_record(me, 0, -1, i, mine + 2 * i);
  int64_t *all = NULL;
  size_t nall = SIZE_MAX;
  CZ_MPI_CHECK_OK(cz_comm_gather_records(mine, n, 2, &all, &nall));
  if (me == 0)
    check_gathered(nranks, all, nall);
  else
    CZ_MPI_CHECK(all == NULL && nall == 0, "gather: rank %d got %zu records (buffer %p), expected none", me, nall,
                 (void *)all);
  free(all);
  free(mine);
}

/* A gather where nobody has anything. */
static void test_gather_empty(void) {
  int64_t *all = NULL;
  size_t nall = SIZE_MAX;
  CZ_MPI_CHECK_OK(cz_comm_gather_records(NULL, 0, 2, &all, &nall));
  CZ_MPI_CHECK(nall == 0, "empty gather: %zu records", nall);
  CZ_MPI_CHECK(cz_comm_rank() == 0 || all == NULL, "empty gather: a buffer on rank %d", cz_comm_rank());
  free(all);
}

/* Records of the generic all-to-all: rank 1 never sends; the others send what the spike
 * epochs would, in `words`-word records whose every word is distinct. */
static size_t a2a_count(int sender, int receiver, int round) {
  return sender == 1 ? 0 : pair_count(sender, receiver, round);
}

static int64_t a2a_word(int sender, int receiver, int round, size_t words, size_t i, size_t w) {
  return (int64_t)key(sender, receiver, round + 100 * (int)words, words * (uint64_t)i + w);
}

/* This rank's records of a round, destination-major (NULL when it sends none). */
static int64_t *a2a_pack(int me, int nranks, int round, size_t words, size_t *counts) {
  size_t total = 0;
  for (int r = 0; r < nranks; r++) total += counts[r] = a2a_count(me, r, round);
  int64_t *send = total ? malloc(words * total * sizeof *send) : NULL;
  if (total && !send) {
    CZ_MPI_CHECK(false, "round %d: out of memory", round);
    memset(counts, 0, (size_t)nranks * sizeof *counts);
    return NULL;
  }
  size_t k = 0;
  for (int r = 0; r < nranks; r++)
    for (size_t i = 0; i < counts[r]; i++)
      for (size_t w = 0; w < words; w++) send[k++] = a2a_word(me, r, round, words, i, w);
  return send;
}

/* What every rank, this one included, must have sent here, in rank order, word for word. */
static void a2a_check(const char *what, int me, int nranks, int round, size_t words, const int64_t *recv,
                      size_t nrecv) {
  size_t expected = 0;
  for (int s = 0; s < nranks; s++) expected += a2a_count(s, me, round);
  CZ_MPI_CHECK(nrecv == expected, "%s, %zu words, round %d: %zu records, expected %zu", what, words, round, nrecv,
               expected);
  CZ_MPI_CHECK(recv != NULL, "%s, %zu words, round %d: no buffer", what, words, round);
  if (nrecv != expected || !recv) return;
  size_t k = 0;
  for (int s = 0; s < nranks; s++)
    for (size_t i = 0; i < a2a_count(s, me, round); i++)
      for (size_t w = 0; w < words; w++, k++)
        if (recv[k] != a2a_word(s, me, round, words, i, w)) {
          CZ_MPI_CHECK(false, "%s, %zu words, round %d: word %zu of record %zu from rank %d differs", what, words,
                       round, w, i, s);
          return;
        }
}

static void test_alltoall(void) {
  const int me = cz_comm_rank(), nranks = cz_comm_size();
  size_t *counts = calloc((size_t)nranks, sizeof *counts);
  cz_comm_alltoall *a = NULL;
  CZ_MPI_CHECK_OK(cz_comm_alltoall_create(&a));
  for (int round = 0; round < NEPOCHS && counts && a; round++) {
    for (size_t words = 1; words <= 3; words += 2) {
      int64_t *send = a2a_pack(me, nranks, round, words, counts);
      int64_t *owned = NULL;
      size_t n = SIZE_MAX;
      CZ_MPI_CHECK_OK(cz_comm_alltoall_records(send, counts, words, &owned, &n));
      a2a_check("one-shot", me, nranks, round, words, owned, n);
      free(owned);
      const int64_t *kept = NULL;
      n = SIZE_MAX;
      CZ_MPI_CHECK_OK(cz_comm_alltoall_run(a, send, counts, words, &kept, &n));
      a2a_check("reused", me, nranks, round, words, kept, n);
      free(send);
    }
  }
  /* Nobody sends anything, with a NULL buffer. */
  for (int r = 0; counts && r < nranks; r++) counts[r] = 0;
  int64_t *none = NULL;
  size_t n = SIZE_MAX;
  if (counts) CZ_MPI_CHECK_OK(cz_comm_alltoall_records(NULL, counts, 3, &none, &n));
  CZ_MPI_CHECK(n == 0 && none != NULL, "empty all-to-all: %zu records, buffer %p", n, (void *)none);
  free(none);
  /* Records of no words are refused on every rank alike, before any traffic. */
  if (counts) CZ_MPI_CHECK(cz_comm_alltoall_records(NULL, counts, 0, &none, &n) == CZ_ERR_INTERNAL,
                           "records of 0 words were accepted");
  cz_comm_alltoall_destroy(&a);
  CZ_MPI_CHECK(a == NULL, "cz_comm_alltoall_destroy left the pointer set");
  free(counts);
}

int main(int argc, char **argv) {
  cz_mpi_test_start(&argc, &argv);
  test_epochs();
  test_gather();
  test_gather_empty();
  test_alltoall();
  return cz_mpi_test_finish("test_mpi_exchange");
}
