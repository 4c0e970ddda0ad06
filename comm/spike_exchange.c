#include "comm/spike_exchange.h"

#include <stdlib.h>

#include "base/mem.h"
#include "base/timer.h"
#include "comm/comm.h"

/* The exchange is the generic all-to-all of comm.h with records of two words; what it adds
 * is the one-rank shortcut (the engine keeps its own spikes) and the timers. */
struct cz_xchg {
  int nranks;
  cz_comm_alltoall *a2a; /* counts, displacements and the receive buffer, kept between epochs */
  double seconds;        /* in the collectives */
  double wait_seconds;   /* in the barrier before them (CADENZA_WITH_SYNC_TIMER builds only) */
};

cz_status cz_xchg_create(cz_xchg **out) {
  cz_xchg *x = NULL;
  CZ_NEW(x, 1);
  x->nranks = cz_comm_size();
  cz_status st = cz_comm_alltoall_create(&x->a2a);
  if (st != CZ_OK) {
    free(x);
    return st;
  }
  *out = x;
  return CZ_OK;
}

void cz_xchg_destroy(cz_xchg **px) {
  if (!px || !*px) return;
  cz_comm_alltoall_destroy(&(*px)->a2a);
  free(*px);
  *px = NULL;
}

double cz_xchg_seconds(const cz_xchg *x) { return x->seconds; }
double cz_xchg_wait_seconds(const cz_xchg *x) { return x->wait_seconds; }

cz_status cz_xchg_run(cz_xchg *x, const int64_t *send, const size_t *sendcounts, const int64_t **recv, size_t *nrecv) {
  *recv = NULL;
  *nrecv = 0;
  if (x->nranks == 1) return CZ_OK;
#ifdef CADENZA_WITH_SYNC_TIMER
  /* Waiting for the slowest rank, measured apart from the transfer (NEST's MPI_SYNC_TIMER):
   * costs one barrier per epoch, so only in builds that ask for it. */
  const double tw = cz_now();
  CZ_TRY(cz_comm_barrier());
  x->wait_seconds += cz_now() - tw;
#endif
  const double t0 = cz_now();
  const cz_status st = cz_comm_alltoall_run(x->a2a, send, sendcounts, 2, recv, nrecv);
  x->seconds += cz_now() - t0;
  if (st != CZ_OK) return cz_error_prefix(st, "spike exchange");
  return CZ_OK;
}
