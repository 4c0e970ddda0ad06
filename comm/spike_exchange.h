/* Spike exchange between ranks, once per min-delay epoch.
 *
 * A spike record is two int64 words: (update step, gid). Each rank packs the records of its
 * own neurons' spikes by destination rank (a spike goes only to the ranks that hold targets
 * of its source; the send lists are built once at setup by the engine), then:
 *   1. MPI_Alltoall of the per-destination record counts, so every rank knows what it will
 *      receive and can size its receive buffer;
 *   2. MPI_Alltoallv of the records themselves.
 * Received records arrive grouped by source rank; the engine sorts them together with its own
 * into the canonical (step, gid) order, so the result does not depend on the rank count.
 * Both steps are comm.h's record all-to-all (cz_comm_alltoall_run, records of two words), whose
 * buffers grow as needed and are kept between epochs. Counts and displacements are MPI ints:
 * an epoch whose traffic exceeds INT_MAX words on one rank is an error, not a silent wrap.
 * With one rank nothing is sent, nothing is returned (the engine keeps its own spikes) and no
 * MPI call is made. */
#ifndef CZ_COMM_SPIKE_EXCHANGE_H
#define CZ_COMM_SPIKE_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_xchg cz_xchg;

/* Owned (*out). Local. */
cz_status cz_xchg_create(cz_xchg **out);
void cz_xchg_destroy(cz_xchg **x);

/* Sends sendcounts[r] records (packed in send, destination by destination in rank order) to
 * each rank r and receives the records meant for this rank: *recv (borrowed, valid until the
 * next call) holds *nrecv records. Collective. Call from the master thread only. */
cz_status cz_xchg_run(cz_xchg *x, const int64_t *send, const size_t *sendcounts, const int64_t **recv, size_t *nrecv);

/* Seconds spent in the collectives so far: the transfer, and waiting for late ranks unless the
 * build measures that apart (CADENZA_WITH_SYNC_TIMER), in which case cz_xchg_wait_seconds has
 * it and is 0 otherwise. */
double cz_xchg_seconds(const cz_xchg *x);
double cz_xchg_wait_seconds(const cz_xchg *x);

#endif
