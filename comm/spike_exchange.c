#include "comm/spike_exchange.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timer.h"
#include "comm/comm.h"
#include "comm/comm_internal.h"

struct cz_xchg {
  int nranks;
  int *scount, *sdispl, *rcount, *rdispl; /* in int64 words */
  int64_t *recv;
  size_t recv_cap;
  double seconds;      /* in the collectives */
  double wait_seconds; /* in the barrier before them (CADENZA_WITH_SYNC_TIMER builds only) */
};

cz_status cz_xchg_create(cz_xchg **out) {
  cz_xchg *x = NULL;
  CZ_NEW(x, 1);
  x->nranks = cz_comm_size();
  size_t n = (size_t)x->nranks;
  x->scount = cz_calloc(n, sizeof *x->scount);
  x->sdispl = cz_calloc(n, sizeof *x->sdispl);
  x->rcount = cz_calloc(n, sizeof *x->rcount);
  x->rdispl = cz_calloc(n, sizeof *x->rdispl);
  if (!x->scount || !x->sdispl || !x->rcount || !x->rdispl) {
    cz_xchg_destroy(&x);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  *out = x;
  return CZ_OK;
}

void cz_xchg_destroy(cz_xchg **px) {
  if (!px || !*px) return;
  cz_xchg *x = *px;
  free(x->scount);
  free(x->sdispl);
  free(x->rcount);
  free(x->rdispl);
  free(x->recv);
  free(x);
  *px = NULL;
}

double cz_xchg_seconds(const cz_xchg *x) { return x->seconds; }
double cz_xchg_wait_seconds(const cz_xchg *x) { return x->wait_seconds; }

#ifdef CADENZA_WITH_MPI

/* Word counts and displacements of a per-rank record count list; false on int overflow. */
static bool words_and_displacements(const size_t *records, int n, int *count, int *displ, size_t *total) {
  size_t acc = 0;
  for (int r = 0; r < n; r++) {
    size_t words = 2 * records[r];
    if (words > INT_MAX || acc > (size_t)INT_MAX - words) return false;
    count[r] = (int)words;
    displ[r] = (int)acc;
    acc += words;
  }
  *total = acc;
  return true;
}


cz_status cz_xchg_run(cz_xchg *x, const int64_t *send, const size_t *sendcounts, const int64_t **recv, size_t *nrecv) {
  *recv = NULL;
  *nrecv = 0;
  if (x->nranks == 1) return CZ_OK;
  MPI_Comm comm = cz_comm_handle();
  size_t stotal = 0, rtotal = 0;
  CZ_CHECK(words_and_displacements(sendcounts, x->nranks, x->scount, x->sdispl, &stotal), CZ_ERR_MPI,
           "spike exchange: more than INT_MAX words to send in one epoch");
#ifdef CADENZA_WITH_SYNC_TIMER
  /* Waiting for the slowest rank, measured apart from the transfer (NEST's MPI_SYNC_TIMER):
   * costs one barrier per epoch, so only in builds that ask for it. */
  double tw = cz_now();
  CZ_CHECK(MPI_Barrier(comm) == MPI_SUCCESS, CZ_ERR_MPI, "spike exchange: MPI_Barrier failed");
  x->wait_seconds += cz_now() - tw;
#endif
  double t0 = cz_now();
  CZ_CHECK(MPI_Alltoall(x->scount, 1, MPI_INT, x->rcount, 1, MPI_INT, comm) == MPI_SUCCESS, CZ_ERR_MPI,
           "spike exchange: MPI_Alltoall of counts failed");
  size_t acc = 0;
  for (int r = 0; r < x->nranks; r++) {
    CZ_CHECK(acc <= (size_t)INT_MAX - (size_t)x->rcount[r], CZ_ERR_MPI,
             "spike exchange: more than INT_MAX words to receive in one epoch");
    x->rdispl[r] = (int)acc;
    acc += (size_t)x->rcount[r];
  }
  rtotal = acc;
  CZ_RESERVE(x->recv, x->recv_cap, rtotal + 2);
  CZ_CHECK(MPI_Alltoallv(send, x->scount, x->sdispl, MPI_INT64_T, x->recv, x->rcount, x->rdispl, MPI_INT64_T, comm) ==
               MPI_SUCCESS,
           CZ_ERR_MPI, "spike exchange: MPI_Alltoallv failed");
  x->seconds += cz_now() - t0;
  *recv = x->recv;
  *nrecv = rtotal / 2;
  return CZ_OK;
}

#else

cz_status cz_xchg_run(cz_xchg *x, const int64_t *send, const size_t *sendcounts, const int64_t **recv, size_t *nrecv) {
  (void)x;
  (void)send;
  (void)sendcounts;
  *recv = NULL;
  *nrecv = 0;
  return CZ_OK;
}

#endif
