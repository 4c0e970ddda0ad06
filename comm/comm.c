#include "comm/comm.h"
#include "comm/comm_internal.h"

#include "base/mem.h"

#include <limits.h>
#include <string.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>

/* The gather of one process: a copy of its own records. */
static cz_status copy_records(const int64_t *recs, size_t n, size_t words, int64_t **all, size_t *nall) {
  CZ_NEW(*all, n * words + 1);
  if (n) memcpy(*all, recs, n * words * sizeof **all);
  *nall = n;
  return CZ_OK;
}

/* An all-to-all's state kept between calls: the per-rank word counts and displacements MPI
 * takes, and the receive buffer, which only grows. */
struct cz_comm_alltoall {
  int *scount, *sdispl, *rcount, *rdispl; /* [ranks], in int64 words */
  int64_t *recv;
  size_t recv_cap; /* in words */
};

cz_status cz_comm_alltoall_create(cz_comm_alltoall **out) {
  *out = NULL;
  cz_comm_alltoall *a = NULL;
  CZ_NEW(a, 1);
  const size_t n = (size_t)cz_comm_size();
  a->scount = cz_calloc(n, sizeof *a->scount);
  a->sdispl = cz_calloc(n, sizeof *a->sdispl);
  a->rcount = cz_calloc(n, sizeof *a->rcount);
  a->rdispl = cz_calloc(n, sizeof *a->rdispl);
  if (!a->scount || !a->sdispl || !a->rcount || !a->rdispl) {
    cz_comm_alltoall_destroy(&a);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory for the counts of an all-to-all over %zu ranks", n);
  }
  *out = a;
  return CZ_OK;
}

void cz_comm_alltoall_destroy(cz_comm_alltoall **pa) {
  if (!pa || !*pa) return;
  cz_comm_alltoall *a = *pa;
  free(a->scount);
  free(a->sdispl);
  free(a->rcount);
  free(a->rdispl);
  free(a->recv);
  free(a);
  *pa = NULL;
}

/* The all-to-all of one process: its own records, copied into the kept buffer. */
static cz_status alltoall_self(cz_comm_alltoall *a, const int64_t *send, size_t n, size_t words, const int64_t **recv,
                               size_t *nrecv) {
  CZ_RESERVE(a->recv, a->recv_cap, n * words + words);
  if (n) memcpy(a->recv, send, n * words * sizeof *send);
  *recv = a->recv;
  *nrecv = n;
  return CZ_OK;
}

cz_status cz_comm_alltoall_records(const int64_t *send, const size_t *counts, size_t words, int64_t **recv,
                                   size_t *nrecv) {
  *recv = NULL;
  *nrecv = 0;
  cz_comm_alltoall *a = NULL;
  CZ_TRY(cz_comm_alltoall_create(&a));
  const int64_t *got = NULL;
  cz_status st = cz_comm_alltoall_run(a, send, counts, words, &got, nrecv);
  if (st == CZ_OK) { /* the kept buffer becomes the caller's */
    *recv = a->recv;
    a->recv = NULL;
  }
  cz_comm_alltoall_destroy(&a);
  return st;
}

#ifdef CADENZA_WITH_MPI
#include <mpi.h>

static int g_rank = 0, g_size = 1;
static int g_started_mpi = 0;
static MPI_Comm g_comm = MPI_COMM_NULL;

/* Whether an MPI launcher (mpirun/mpiexec, srun, hydra) started this process. A process
 * started by hand runs serially without initialising MPI: Open MPI's singleton start-up
 * would otherwise fork a helper daemon that competes with the simulation for cores. */
static bool launched_by_mpi(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK",
                                     "MPI_LOCALNRANKS", "CADENZA_FORCE_MPI"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (getenv(vars[i])) return true;
  return false;
}

cz_status cz_comm_init(int *argc, char ***argv) {
  if (!launched_by_mpi()) return CZ_OK;
  int inited = 0;
  MPI_Initialized(&inited);
  if (!inited) {
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
      return CZ_ERROR(CZ_ERR_MPI, "MPI_Init_thread failed");
    g_started_mpi = 1;
    CZ_CHECK(provided >= MPI_THREAD_FUNNELED, CZ_ERR_MPI,
             "the MPI library provides thread level %d, below MPI_THREAD_FUNNELED", provided);
  }
  MPI_Comm_dup(MPI_COMM_WORLD, &g_comm);
  MPI_Comm_set_errhandler(g_comm, MPI_ERRORS_RETURN);
  MPI_Comm_rank(g_comm, &g_rank);
  MPI_Comm_size(g_comm, &g_size);
  return CZ_OK;
}

void cz_comm_finalize(void) {
  if (g_comm != MPI_COMM_NULL) MPI_Comm_free(&g_comm);
  if (g_started_mpi) MPI_Finalize();
  g_started_mpi = 0;
}

int cz_comm_rank(void) { return g_rank; }
int cz_comm_size(void) { return g_size; }

/* Every rank learns the worst status, and the message of the lowest failing rank, so that
 * rank 0 can report the real cause once. */
cz_status cz_comm_agree(cz_status local) {
  if (g_size == 1) return local;
  int mine[2] = {(int)local, local != CZ_OK ? g_rank : g_size}, worst[2] = {0, 0};
  int codes_max = 0, first_min = 0;
  if (MPI_Allreduce(&mine[0], &codes_max, 1, MPI_INT, MPI_MAX, g_comm) != MPI_SUCCESS ||
      MPI_Allreduce(&mine[1], &first_min, 1, MPI_INT, MPI_MIN, g_comm) != MPI_SUCCESS)
    return CZ_ERROR(CZ_ERR_MPI, "MPI_Allreduce failed while agreeing on a status");
  worst[0] = codes_max;
  worst[1] = first_min;
  if (worst[0] == CZ_OK) return CZ_OK;
  char msg[2048];
  snprintf(msg, sizeof msg, "%s", cz_error_message());
  if (MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, worst[1], g_comm) != MPI_SUCCESS)
    return CZ_ERROR(CZ_ERR_MPI, "MPI_Bcast failed while agreeing on a status");
  msg[sizeof msg - 1] = '\0';
  if (g_rank != worst[1]) cz_error_set((cz_status)worst[0], __FILE__, __LINE__, __func__, "%s", msg);
  return (cz_status)worst[0];
}

void cz_comm_abort(int code) {
  if (g_comm != MPI_COMM_NULL && g_size > 1) MPI_Abort(g_comm, code);
  exit(code);
}

MPI_Comm cz_comm_handle(void) { return g_comm; }

static cz_status allreduce(void *v, MPI_Datatype type, MPI_Op op, const char *what) {
  if (g_size == 1) return CZ_OK;
  if (MPI_Allreduce(MPI_IN_PLACE, v, 1, type, op, g_comm) != MPI_SUCCESS)
    return CZ_ERROR(CZ_ERR_MPI, "MPI_Allreduce failed (%s)", what);
  return CZ_OK;
}

cz_status cz_comm_allreduce_min_i64(int64_t *v) { return allreduce(v, MPI_INT64_T, MPI_MIN, "min"); }
cz_status cz_comm_allreduce_max_i64(int64_t *v) { return allreduce(v, MPI_INT64_T, MPI_MAX, "max"); }
cz_status cz_comm_allreduce_sum_u64(uint64_t *v) { return allreduce(v, MPI_UINT64_T, MPI_SUM, "sum"); }

cz_status cz_comm_allreduce_f64_array(double *v, size_t n, cz_reduce_op op) {
  if (g_size == 1 || n == 0) return CZ_OK;
  CZ_CHECK(n <= INT_MAX, CZ_ERR_MPI, "reduction of %zu values is too large", n);
  const MPI_Op mop = op == CZ_REDUCE_MIN ? MPI_MIN : op == CZ_REDUCE_MAX ? MPI_MAX : MPI_SUM;
  if (MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_DOUBLE, mop, g_comm) != MPI_SUCCESS)
    return CZ_ERROR(CZ_ERR_MPI, "MPI_Allreduce failed (%zu doubles)", n);
  return CZ_OK;
}

cz_status cz_comm_bcast_bytes(void *v, size_t n) {
  if (g_size == 1) return CZ_OK;
  for (size_t done = 0; done < n;) {
    int chunk = n - done > (size_t)(1 << 30) ? (1 << 30) : (int)(n - done);
    if (MPI_Bcast((unsigned char *)v + done, chunk, MPI_BYTE, 0, g_comm) != MPI_SUCCESS)
      return CZ_ERROR(CZ_ERR_MPI, "MPI_Bcast of %zu bytes failed", n);
    done += (size_t)chunk;
  }
  return CZ_OK;
}

cz_status cz_comm_allreduce_sum_u64_array(uint64_t *v, size_t n) {
  if (g_size == 1 || n == 0) return CZ_OK;
  CZ_CHECK(n <= INT_MAX, CZ_ERR_MPI, "reduction of %zu values is too large", n);
  if (MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, MPI_SUM, g_comm) != MPI_SUCCESS)
    return CZ_ERROR(CZ_ERR_MPI, "MPI_Allreduce failed (sum of %zu values)", n);
  return CZ_OK;
}

cz_status cz_comm_same_as_rank0(const uint64_t *v, size_t n, size_t *first, int *rank, uint64_t *mine,
                                uint64_t *theirs) {
  *first = n;
  *rank = 0;
  if (g_size == 1 || n == 0) return CZ_OK;
  CZ_CHECK(n <= INT_MAX, CZ_ERR_MPI, "comparison of %zu values is too large", n);
  uint64_t *ref = malloc(n * sizeof *ref);
  CZ_CHECK(ref != NULL, CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) ref[i] = v[i];
  int ok = MPI_Bcast(ref, (int)n, MPI_UINT64_T, 0, g_comm) == MPI_SUCCESS;
  uint64_t local = n, lowest = n;
  for (size_t i = 0; i < n && local == n; i++)
    if (v[i] != ref[i]) local = i;
  ok = ok && MPI_Allreduce(&local, &lowest, 1, MPI_UINT64_T, MPI_MIN, g_comm) == MPI_SUCCESS;
  int who = g_size, lowest_rank = g_size;
  if (ok && lowest < n) {
    who = local == lowest ? g_rank : g_size;
    ok = MPI_Allreduce(&who, &lowest_rank, 1, MPI_INT, MPI_MIN, g_comm) == MPI_SUCCESS;
    uint64_t value = v[lowest];
    ok = ok && MPI_Bcast(&value, 1, MPI_UINT64_T, lowest_rank, g_comm) == MPI_SUCCESS;
    *mine = ref[lowest];
    *theirs = value;
    *first = (size_t)lowest;
    *rank = lowest_rank;
  }
  free(ref);
  CZ_CHECK(ok, CZ_ERR_MPI, "MPI failed while comparing %zu values over the ranks", n);
  return CZ_OK;
}

cz_status cz_comm_exscan_u64_array(const uint64_t *in, uint64_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = 0;
  if (g_size == 1 || n == 0) return CZ_OK;
  CZ_CHECK(n <= INT_MAX, CZ_ERR_MPI, "prefix sum of %zu values is too large", n);
  if (MPI_Exscan(in, out, (int)n, MPI_UINT64_T, MPI_SUM, g_comm) != MPI_SUCCESS)
    return CZ_ERROR(CZ_ERR_MPI, "MPI_Exscan failed");
  if (g_rank == 0)
    for (size_t i = 0; i < n; i++) out[i] = 0; /* MPI leaves rank 0's result undefined */
  return CZ_OK;
}

const void *cz_comm_native(void) { return g_size > 1 && g_comm != MPI_COMM_NULL ? (const void *)&g_comm : NULL; }

cz_status cz_comm_barrier(void) {
  if (g_size == 1) return CZ_OK;
  if (MPI_Barrier(g_comm) != MPI_SUCCESS) return CZ_ERROR(CZ_ERR_MPI, "MPI_Barrier failed");
  return CZ_OK;
}

static cz_status gather(const void *send, size_t n, void *recv, const size_t *counts, MPI_Datatype type,
                        size_t size) {
  if (g_size == 1) {
    if (n > 0) memcpy(recv, send, n * size);
    return CZ_OK;
  }
  CZ_CHECK(n <= INT_MAX, CZ_ERR_MPI, "gather of %zu values from one rank is too large", n);
  int *cnt = NULL, *disp = NULL;
  cz_status st = CZ_OK;
  if (g_rank == 0) {
    cnt = malloc((size_t)g_size * sizeof *cnt);
    disp = malloc((size_t)g_size * sizeof *disp);
    size_t at = 0;
    for (int r = 0; cnt && disp && r < g_size; r++) {
      cnt[r] = (int)counts[r];
      disp[r] = (int)at;
      at += counts[r];
    }
    if (!cnt || !disp) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    else if (at > INT_MAX) st = CZ_ERROR(CZ_ERR_MPI, "gather of %zu values is too large", at);
  }
  /* A root that cannot receive still takes part, so that no rank waits for it forever. */
  if (MPI_Gatherv(send, (int)n, type, st == CZ_OK ? recv : NULL, st == CZ_OK ? cnt : NULL, st == CZ_OK ? disp : NULL,
                  type, 0, g_comm) != MPI_SUCCESS &&
      st == CZ_OK)
    st = CZ_ERROR(CZ_ERR_MPI, "MPI_Gatherv failed (%zu values)", n);
  free(cnt);
  free(disp);
  return st;
}

cz_status cz_comm_gather_f64(const double *send, size_t n, double *recv, const size_t *counts) {
  return gather(send, n, recv, counts, MPI_DOUBLE, sizeof *send);
}
cz_status cz_comm_gather_u64(const uint64_t *send, size_t n, uint64_t *recv, const size_t *counts) {
  return gather(send, n, recv, counts, MPI_UINT64_T, sizeof *send);
}

cz_status cz_comm_gather_records(const int64_t *recs, size_t n, size_t words, int64_t **all, size_t *nall) {
  *all = NULL;
  *nall = 0;
  if (g_size == 1) return copy_records(recs, n, words, all, nall);
  CZ_CHECK(n * words <= INT_MAX, CZ_ERR_MPI, "gather of %zu records from one rank is too large", n);
  int mine = (int)(n * words);
  int *counts = NULL, *displ = NULL;
  if (g_rank == 0) {
    counts = cz_calloc((size_t)g_size, sizeof *counts);
    displ = cz_calloc((size_t)g_size, sizeof *displ);
    if (!counts || !displ) {
      free(counts);
      free(displ);
      return CZ_ERROR(CZ_ERR_NOMEM, "out of memory for the counts of a gather from %d ranks", g_size);
    }
  }
  cz_status st = CZ_OK;
  if (MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, g_comm) != MPI_SUCCESS)
    st = CZ_ERROR(CZ_ERR_MPI, "MPI_Gather of record counts failed");
  size_t total = 0;
  for (int r = 0; st == CZ_OK && g_rank == 0 && r < g_size; r++) {
    if (total > (size_t)INT_MAX - (size_t)counts[r]) st = CZ_ERROR(CZ_ERR_MPI, "gather of more than INT_MAX words");
    displ[r] = (int)total;
    total += (size_t)counts[r];
  }
  if (st == CZ_OK && g_rank == 0 && !(*all = calloc(total + words, sizeof **all)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  /* Every rank enters the collective, even after a local failure, or the others hang. */
  if (MPI_Gatherv(recs, mine, MPI_INT64_T, *all, counts, displ, MPI_INT64_T, 0, g_comm) != MPI_SUCCESS && st == CZ_OK)
    st = CZ_ERROR(CZ_ERR_MPI, "MPI_Gatherv of records failed");
  free(counts);
  free(displ);
  if (st == CZ_OK) *nall = total / words;
  else {
    free(*all);
    *all = NULL;
  }
  return st;
}

/* Word counts and displacements of per-rank record counts; false past INT_MAX words. */
static bool word_layout(const size_t *records, size_t words, int *count, int *displ) {
  size_t at = 0;
  for (int r = 0; r < g_size; r++) {
    if (records[r] > (size_t)INT_MAX / words) return false;
    const size_t w = records[r] * words;
    if (at > (size_t)INT_MAX - w) return false;
    count[r] = (int)w;
    displ[r] = (int)at;
    at += w;
  }
  return true;
}

cz_status cz_comm_alltoall_run(cz_comm_alltoall *a, const int64_t *send, const size_t *counts, size_t words,
                               const int64_t **recv, size_t *nrecv) {
  *recv = NULL;
  *nrecv = 0;
  CZ_CHECK(words >= 1, CZ_ERR_INTERNAL, "all-to-all of records of %zu words", words);
  if (g_size == 1) return alltoall_self(a, send, counts[0], words, recv, nrecv);
  CZ_CHECK(word_layout(counts, words, a->scount, a->sdispl), CZ_ERR_MPI,
           "all-to-all: more than INT_MAX words to send from one rank");
  CZ_CHECK(MPI_Alltoall(a->scount, 1, MPI_INT, a->rcount, 1, MPI_INT, g_comm) == MPI_SUCCESS, CZ_ERR_MPI,
           "all-to-all: MPI_Alltoall of the counts failed");
  size_t total = 0;
  for (int r = 0; r < g_size; r++) {
    CZ_CHECK(total <= (size_t)INT_MAX - (size_t)a->rcount[r], CZ_ERR_MPI,
             "all-to-all: more than INT_MAX words to receive on one rank");
    a->rdispl[r] = (int)total;
    total += (size_t)a->rcount[r];
  }
  CZ_RESERVE(a->recv, a->recv_cap, total + words);
  CZ_CHECK(MPI_Alltoallv(send, a->scount, a->sdispl, MPI_INT64_T, a->recv, a->rcount, a->rdispl, MPI_INT64_T,
                         g_comm) == MPI_SUCCESS,
           CZ_ERR_MPI, "all-to-all: MPI_Alltoallv of %zu words failed", total);
  *recv = a->recv;
  *nrecv = total / words;
  return CZ_OK;
}

struct cz_comm_request {
  MPI_Request r;
  int *cnt, *disp; /* MPI reads them until the operation completes */
};

static void request_free(cz_comm_request *q) {
  if (!q) return;
  free(q->cnt);
  free(q->disp);
  free(q);
}

cz_status cz_comm_igather_f64(const double *send, size_t n, double *recv, const size_t *counts,
                              cz_comm_request **req) {
  *req = NULL;
  if (g_size == 1) {
    if (n > 0) memcpy(recv, send, n * sizeof *send);
    return CZ_OK;
  }
  CZ_CHECK(n <= INT_MAX, CZ_ERR_MPI, "gather of %zu values from one rank is too large", n);
  cz_comm_request *q = calloc(1, sizeof *q);
  cz_status st = q ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && g_rank == 0) {
    q->cnt = malloc((size_t)g_size * sizeof *q->cnt);
    q->disp = malloc((size_t)g_size * sizeof *q->disp);
    size_t at = 0;
    for (int r = 0; q->cnt && q->disp && r < g_size; r++) {
      q->cnt[r] = (int)counts[r];
      q->disp[r] = (int)at;
      at += counts[r];
    }
    if (!q->cnt || !q->disp) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    else if (at > INT_MAX) st = CZ_ERROR(CZ_ERR_MPI, "gather of %zu values is too large", at);
  }
  if (st != CZ_OK) { /* the others are committed to the gather: this rank cannot take part */
    request_free(q);
    return st;
  }
  if (MPI_Igatherv(send, (int)n, MPI_DOUBLE, recv, q->cnt, q->disp, MPI_DOUBLE, 0, g_comm, &q->r) != MPI_SUCCESS) {
    request_free(q);
    return CZ_ERROR(CZ_ERR_MPI, "MPI_Igatherv failed (%zu values)", n);
  }
  *req = q;
  return CZ_OK;
}

cz_status cz_comm_wait(cz_comm_request **req) {
  cz_comm_request *q = *req;
  *req = NULL;
  if (!q) return CZ_OK;
  const int rc = MPI_Wait(&q->r, MPI_STATUS_IGNORE);
  request_free(q);
  if (rc != MPI_SUCCESS) return CZ_ERROR(CZ_ERR_MPI, "MPI_Wait failed");
  return CZ_OK;
}

const char *cz_comm_library_version(void) {
  static char buf[MPI_MAX_LIBRARY_VERSION_STRING];
  /* MPI_Get_library_version may be called before MPI_Init. */
  int len = 0;
  MPI_Get_library_version(buf, &len);
  for (int i = 0; i < len; i++)
    if (buf[i] == '\n') {
      buf[i] = '\0';
      break;
    }
  return buf;
}

#else

cz_status cz_comm_init(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  return CZ_OK;
}
void cz_comm_finalize(void) {}
int cz_comm_rank(void) { return 0; }
int cz_comm_size(void) { return 1; }
cz_status cz_comm_agree(cz_status local) { return local; }
void cz_comm_abort(int code) { exit(code); }
const char *cz_comm_library_version(void) { return "serial (built without MPI)"; }
cz_status cz_comm_allreduce_min_i64(int64_t *v) { (void)v; return CZ_OK; }
cz_status cz_comm_allreduce_max_i64(int64_t *v) { (void)v; return CZ_OK; }
cz_status cz_comm_allreduce_sum_u64(uint64_t *v) { (void)v; return CZ_OK; }
cz_status cz_comm_allreduce_f64_array(double *v, size_t n, cz_reduce_op op) {
  (void)v;
  (void)n;
  (void)op;
  return CZ_OK;
}
cz_status cz_comm_bcast_bytes(void *v, size_t n) { (void)v; (void)n; return CZ_OK; }
cz_status cz_comm_barrier(void) { return CZ_OK; }
cz_status cz_comm_gather_f64(const double *send, size_t n, double *recv, const size_t *counts) {
  (void)counts;
  if (n > 0) memcpy(recv, send, n * sizeof *send);
  return CZ_OK;
}
cz_status cz_comm_gather_u64(const uint64_t *send, size_t n, uint64_t *recv, const size_t *counts) {
  (void)counts;
  if (n > 0) memcpy(recv, send, n * sizeof *send);
  return CZ_OK;
}
cz_status cz_comm_gather_records(const int64_t *recs, size_t n, size_t words, int64_t **all, size_t *nall) {
  return copy_records(recs, n, words, all, nall);
}
cz_status cz_comm_alltoall_run(cz_comm_alltoall *a, const int64_t *send, const size_t *counts, size_t words,
                               const int64_t **recv, size_t *nrecv) {
  *recv = NULL;
  *nrecv = 0;
  CZ_CHECK(words >= 1, CZ_ERR_INTERNAL, "all-to-all of records of %zu words", words);
  return alltoall_self(a, send, counts[0], words, recv, nrecv);
}
cz_status cz_comm_igather_f64(const double *send, size_t n, double *recv, const size_t *counts,
                              cz_comm_request **req) {
  *req = NULL;
  return cz_comm_gather_f64(send, n, recv, counts);
}
cz_status cz_comm_wait(cz_comm_request **req) {
  *req = NULL;
  return CZ_OK;
}
cz_status cz_comm_allreduce_sum_u64_array(uint64_t *v, size_t n) {
  (void)v;
  (void)n;
  return CZ_OK;
}
cz_status cz_comm_exscan_u64_array(const uint64_t *in, uint64_t *out, size_t n) {
  (void)in;
  for (size_t i = 0; i < n; i++) out[i] = 0;
  return CZ_OK;
}
const void *cz_comm_native(void) { return NULL; }
cz_status cz_comm_same_as_rank0(const uint64_t *v, size_t n, size_t *first, int *rank, uint64_t *mine,
                                uint64_t *theirs) {
  (void)v;
  (void)mine;
  (void)theirs;
  *first = n;
  *rank = 0;
  return CZ_OK;
}

#endif
