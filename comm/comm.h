/* The only door to MPI. With CADENZA_WITH_MPI off, or with one rank, every function is a
 * serial stand-in that does no MPI traffic. Collective functions must be called by every
 * rank in the same order. */
#ifndef CZ_COMM_COMM_H
#define CZ_COMM_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* Starts MPI (thread level FUNNELED) when built with it. Collective. */
cz_status cz_comm_init(int *argc, char ***argv);
/* Ends MPI. Collective. */
void cz_comm_finalize(void);
int cz_comm_rank(void);
int cz_comm_size(void);

/* Every rank learns the worst status (the maximum code over ranks) and the error message of
 * the lowest-numbered failing rank, which becomes every rank's current message: rank 0 can
 * then report the real cause once, whichever rank found it. Collective. */
cz_status cz_comm_agree(cz_status local);

/* Whether every rank holds the same n values (n itself equal everywhere): *first is the first
 * index where some rank's value differs from rank 0's (n when all agree), *rank the lowest
 * rank that differs there, and *mine / *theirs rank 0's and that rank's values at it, known
 * on every rank (serial: all agree). Compare a count first, then the values it counts.
 * Collective. */
cz_status cz_comm_same_as_rank0(const uint64_t *v, size_t n, size_t *first, int *rank, uint64_t *mine,
                                uint64_t *theirs);

/* Ends every rank with exit code code (MPI_Abort), for faults inside the time loop. */
void cz_comm_abort(int code);

/* Reductions over ranks (serial: the value itself). Collective. */
cz_status cz_comm_allreduce_min_i64(int64_t *v);
cz_status cz_comm_allreduce_max_i64(int64_t *v);
cz_status cz_comm_allreduce_sum_u64(uint64_t *v);
typedef enum cz_reduce_op { CZ_REDUCE_MIN, CZ_REDUCE_MAX, CZ_REDUCE_SUM } cz_reduce_op;
/* Element-wise minimum, maximum or sum over ranks of n doubles, in place. Collective. */
cz_status cz_comm_allreduce_f64_array(double *v, size_t n, cz_reduce_op op);
/* Element-wise sum over ranks of n values, in place; and the exclusive prefix sum (what the
 * lower ranks hold; zeros on rank 0) into out. Collective. */
cz_status cz_comm_allreduce_sum_u64_array(uint64_t *v, size_t n);
cz_status cz_comm_exscan_u64_array(const uint64_t *in, uint64_t *out, size_t n);
/* The communicator for libraries that take one (parallel HDF5): a pointer to an MPI_Comm,
 * or NULL when this process runs alone. Borrowed. */
const void *cz_comm_native(void);
/* Broadcasts n bytes from rank 0 (for a structure sent as it lies in memory: every rank runs
 * the same build, so the layout is the same). Collective. */
cz_status cz_comm_bcast_bytes(void *v, size_t n);
cz_status cz_comm_barrier(void);
/* Gathers n values from every rank into recv on rank 0, rank after rank: counts[r] is rank r's
 * n (counts and recv are read on rank 0 only; elsewhere they may be NULL). For one writer of
 * data spread over ranks. Collective. */
cz_status cz_comm_gather_f64(const double *send, size_t n, double *recv, const size_t *counts);
cz_status cz_comm_gather_u64(const uint64_t *send, size_t n, uint64_t *recv, const size_t *counts);
/* Gathers n records of `words` int64 words each from every rank on rank 0: *all (owned, free())
 * holds *nall records there, rank after rank, and is NULL with *nall 0 elsewhere. For results
 * that one rank writes (spikes, weight events, partition graph pairs). Collective. */
cz_status cz_comm_gather_records(const int64_t *recs, size_t n, size_t words, int64_t **all, size_t *nall);
/* All-to-all of fixed-width records: every rank sends counts[r] records of `words` int64 words
 * each (packed in send, destination by destination in rank order; NULL when it sends none) to
 * every rank r, itself included, and receives the records meant for it, grouped by source
 * rank in rank order, each group in its sender's order. The record counts go first
 * (MPI_Alltoall), so every rank can size its receive buffer, then the records
 * (MPI_Alltoallv). Counts and displacements are MPI ints: more than INT_MAX words to send or
 * to receive on one rank is an error, not a silent wrap. One process: its own records, copied.
 * For setup-time traffic (partition pairs, send-list requests, spikes to their writers).
 * *recv (owned, free()) holds *nrecv records (never NULL on success). Collective. */
cz_status cz_comm_alltoall_records(const int64_t *send, const size_t *counts, size_t words, int64_t **recv,
                                   size_t *nrecv);
/* The same all-to-all, repeated: a cz_comm_alltoall keeps its counts and its receive buffer
 * between calls, so that a loop that exchanges every few steps allocates nothing once the
 * buffer has grown. *recv (borrowed) is valid until the next call. Owned (*out). Local. */
typedef struct cz_comm_alltoall cz_comm_alltoall;
cz_status cz_comm_alltoall_create(cz_comm_alltoall **out);
void cz_comm_alltoall_destroy(cz_comm_alltoall **a);
/* Collective; from the master thread only. */
cz_status cz_comm_alltoall_run(cz_comm_alltoall *a, const int64_t *send, const size_t *counts, size_t words,
                               const int64_t **recv, size_t *nrecv);
/* The same gather of doubles, started now and finished by cz_comm_wait (send, recv and
 * counts must stay untouched until then), so that no rank waits for the others at the start:
 * by the time a rank needs the result, the others have long sent theirs. *req is NULL when
 * the gather is already complete. Collective. */
typedef struct cz_comm_request cz_comm_request;
cz_status cz_comm_igather_f64(const double *send, size_t n, double *recv, const size_t *counts,
                              cz_comm_request **req);
/* Completes a started operation and frees it (*req becomes NULL; NULL does nothing). */
cz_status cz_comm_wait(cz_comm_request **req);

/* Library version line for --version ("serial" without MPI). Borrowed. */
const char *cz_comm_library_version(void);

#endif
