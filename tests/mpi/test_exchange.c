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
 * order, and NULL / 0 elsewhere. */
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

int main(int argc, char **argv) {
  cz_mpi_test_start(&argc, &argv);
  test_epochs();
  test_gather();
  test_gather_empty();
  return cz_mpi_test_finish("test_mpi_exchange");
}
