/* MPI component test: collective parallel HDF5 reads equal serial reads.
 *
 * 1. Dataset level (io/h5.h). Rank 0 writes a file with a gzip-chunked uint64 dataset and an
 *    unchunked uint32 dataset whose lengths do not divide by the rank count or the chunk.
 *    Every rank opens it with cz_h5_open_read_parallel and reads its own slice in rounds of a
 *    small odd chunk, taking part in every round (empty reads once its slice is done, as the
 *    edge scan does). The slices, summed into a full array over ranks, must equal the whole
 *    dataset read serially, value for value.
 * 2. Circuit level (io/circuit.h). On a small Brunel folder (rank 0 generates it), every rank scans its
 *    share of the edges with cz_circuit_scan_edges collectively. The ranks together must visit
 *    every edge exactly once: the count and an order-independent checksum of the (source,
 *    target) rows summed over ranks equal those of a serial load of every edge. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/circuit.h"
#include "io/config.h"
#include "io/h5.h"
#include "mpi_brunel.h"

enum { N_U64 = 100003, N_U32 = 7919, ROUND = 997 };

static uint64_t value_u64(size_t i) { return (i * 2654435761ull) % (1ull << 40); }
static uint64_t value_u32(size_t i) { return (i * 40503u) % 4000000000u; }

static cz_status write_file(const char *path) {
  uint64_t *a = calloc(N_U64, sizeof *a);
  uint32_t *b = calloc(N_U32, sizeof *b);
  cz_status st = a && b ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < N_U64; i++) a[i] = value_u64(i);
  for (size_t i = 0; st == CZ_OK && i < N_U32; i++) b[i] = (uint32_t)value_u32(i);
  cz_h5file *f = NULL;
  if (st == CZ_OK) st = cz_h5_create(path, &f);
  if (st == CZ_OK) st = cz_h5_write_u64(f, "/group/a", a, N_U64, true);
  if (st == CZ_OK) st = cz_h5_write_u32(f, "/group/b", b, N_U32, false);
  cz_status cst = cz_h5_close(&f);
  free(a);
  free(b);
  return st != CZ_OK ? st : cst;
}

/* Rank 0 writes the file; everyone learns whether that worked. Collective. */
static cz_status make_file(const char *path) {
  cz_status st = cz_comm_rank() == 0 ? write_file(path) : CZ_OK;
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_comm_barrier();
  return st;
}

/* This rank's slice of dataset (n values), read collectively and placed in full[]. */
static void read_slices(cz_h5file *f, const char *dataset, size_t n, uint64_t *full) {
  const size_t size = (size_t)cz_comm_size(), rank = (size_t)cz_comm_rank();
  const size_t lo = n * rank / size, hi = n * (rank + 1) / size, widest = (n + size - 1) / size;
  const size_t rounds = (widest + ROUND - 1) / ROUND;
  size_t got = 0;
  for (size_t r = 0; r < rounds; r++) {
    size_t a = lo + r * ROUND, m = a < hi ? (hi - a < ROUND ? hi - a : ROUND) : 0;
    if (a > hi) a = hi;
    CZ_MPI_CHECK_OK(cz_h5_read_u64_range(f, dataset, a, m, full + a));
    got += m;
  }
  CZ_MPI_CHECK(got == hi - lo, "%s: read %zu values of a slice of %zu", dataset, got, hi - lo);
}

static void compare_dataset(const char *path, cz_h5file *pf, const char *dataset, size_t n) {
  uint64_t *full = calloc(n, sizeof *full), *serial = NULL;
  size_t ns = 0;
  CZ_MPI_CHECK(full != NULL, "out of memory");
  if (!full) return;
  read_slices(pf, dataset, n, full);
  CZ_MPI_CHECK_OK(cz_comm_allreduce_sum_u64_array(full, n)); /* each value comes from one rank */
  cz_h5file *sf = NULL;
  CZ_MPI_CHECK_OK(cz_h5_open_read(path, &sf));
  if (sf) CZ_MPI_CHECK_OK(cz_h5_read_u64(sf, dataset, &serial, &ns));
  cz_h5_close(&sf);
  CZ_MPI_CHECK(serial && ns == n, "%s: serial read gave %zu values, expected %zu", dataset, ns, n);
  size_t diff = 0, first = 0;
  for (size_t i = 0; serial && i < n; i++)
    if (full[i] != serial[i] && diff++ == 0) first = i;
  CZ_MPI_CHECK(diff == 0, "%s: %zu values differ from the serial read, first at %zu (%" PRIu64 " vs %" PRIu64 ")",
               dataset, diff, first, full[first], serial ? serial[first] : 0);
  /* The serial read itself is right (it is the reference, so it must be too). */
  for (size_t i = 0; serial && i < n; i++) {
    const uint64_t want = n == N_U64 ? value_u64(i) : value_u32(i);
    if (serial[i] != want) {
      CZ_MPI_CHECK(false, "%s[%zu] = %" PRIu64 ", written %" PRIu64, dataset, i, serial[i], want);
      break;
    }
  }
  free(serial);
  free(full);
}

static void test_datasets(const char *dir) {
  char path[4096 + 32];
  snprintf(path, sizeof path, "%s/collective.h5", dir);
  cz_status st = make_file(path);
  CZ_MPI_CHECK(st == CZ_OK, "writing %s: %s", path, cz_error_message());
  if (st != CZ_OK) return;
  cz_h5file *pf = NULL;
  st = cz_comm_agree(cz_h5_open_read_parallel(path, cz_comm_native(), &pf));
  CZ_MPI_CHECK(st == CZ_OK, "parallel open of %s: %s", path, cz_error_message());
  if (st != CZ_OK) return;
  compare_dataset(path, pf, "/group/a", N_U64);
  compare_dataset(path, pf, "/group/b", N_U32);
  CZ_MPI_CHECK_OK(cz_h5_close(&pf));
}

/* ---- circuit level -------------------------------------------------------------------- */

typedef struct visit_sum {
  uint64_t n, hash;
} visit_sum;

/* splitmix64 finaliser: a sum of these over edges is independent of the visit order. */
static uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

static uint64_t edge_hash(uint32_t sp, uint32_t sr, uint32_t tp, uint32_t tr) {
  return mix(((uint64_t)sp << 56) ^ ((uint64_t)sr << 28) ^ ((uint64_t)tp << 60) ^ tr);
}

static void visit(void *ctx, uint32_t sp, uint32_t tp, const uint32_t *sr, const uint32_t *tr, size_t n) {
  visit_sum *v = ctx;
  v->n += n;
  for (size_t k = 0; k < n; k++) v->hash += edge_hash(sp, sr[k], tp, tr[k]);
}

static void test_scan(const char *dir) {
  cz_config *cfg = NULL;
  cz_circuit *c = NULL;
  if (cz_mpi_load_nodes(dir, &cfg, &c)) {
    visit_sum mine = {0, 0};
    cz_edge_scan scan = {cz_comm_rank(), cz_comm_size(), cz_comm_native(), cz_comm_agree, visit, &mine};
    CZ_MPI_CHECK_OK(cz_comm_agree(cz_circuit_scan_edges(c, cfg, &scan)));
    uint64_t n = mine.n, hash = mine.hash;
    CZ_MPI_CHECK_OK(cz_comm_allreduce_sum_u64(&n));
    CZ_MPI_CHECK_OK(cz_comm_allreduce_sum_u64(&hash)); /* wraps mod 2^64 like the serial sum */
    uint64_t want_n = 0, want_hash = 0;
    CZ_MPI_CHECK_OK(cz_circuit_load_edges(c, cfg, NULL));
    for (size_t e = 0; e < c->nedges; e++)
      for (size_t i = 0; i < c->edges[e].n; i++) {
        const cz_edge_pop *ep = &c->edges[e];
        want_n++;
        want_hash += edge_hash(ep->source_pop, ep->source_row[i], ep->target_pop, ep->target_row[i]);
      }
    CZ_MPI_CHECK(want_n > 1000, "the serial load found only %" PRIu64 " edges", want_n);
    CZ_MPI_CHECK(n == want_n, "the ranks visited %" PRIu64 " edges, the serial load has %" PRIu64, n, want_n);
    CZ_MPI_CHECK(hash == want_hash, "the visited edges differ from the serial load (checksum)");
    const uint64_t fair = want_n / (uint64_t)cz_comm_size();
    CZ_MPI_CHECK(mine.n + 1 >= fair && mine.n <= fair + 1 + (uint64_t)c->nedges,
                 "rank %d visited %" PRIu64 " edges, its share is about %" PRIu64, cz_comm_rank(), mine.n, fair);
  }
  cz_circuit_destroy(&c);
  cz_cfg_destroy(&cfg);
}

int main(int argc, char **argv) {
  char dir[4096];
  if (cz_mpi_brunel_setup(&argc, &argv, "collective", 250, dir, sizeof dir)) {
    test_datasets(dir);
    test_scan(dir);
  }
  return cz_mpi_test_finish("test_mpi_collective_read");
}
