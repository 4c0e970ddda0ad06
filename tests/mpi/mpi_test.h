/* A tiny harness for MPI component tests (tests/mpi/test_<thing>.c).
 *
 * Every rank runs the same checks; CZ_MPI_CHECK prints "rank R: FAIL file:line: message" on
 * a failed condition and counts it, without stopping (a rank that returns early would leave
 * the others waiting in the next collective). At the end cz_mpi_test_finish agrees on the
 * verdict with an Allreduce(MAX), so that every rank exits with the same code: 0 when every
 * check passed on every rank, 1 otherwise. Only the comm/ API is used, never MPI itself. */
#ifndef CZ_TESTS_MPI_TEST_H
#define CZ_TESTS_MPI_TEST_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/status.h"
#include "comm/comm.h"

static long cz_mpi_failures = 0;

static void cz_mpi_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cz_mpi_fail(const char *file, int line, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "rank %d: FAIL %s:%d: %s\n", cz_comm_rank(), file, line, msg);
  fflush(stderr);
  cz_mpi_failures++;
}

/* Checks cond; on failure prints the printf-style message and counts one failure. */
#define CZ_MPI_CHECK(cond, ...)                                \
  do {                                                         \
    if (!(cond)) cz_mpi_fail(__FILE__, __LINE__, __VA_ARGS__); \
  } while (0)

/* Checks that a cz_status expression is CZ_OK, printing the error message otherwise. */
#define CZ_MPI_CHECK_OK(expr)                                                                      \
  do {                                                                                             \
    cz_status cz_mpi_st_ = (expr);                                                                 \
    CZ_MPI_CHECK(cz_mpi_st_ == CZ_OK, "%s returned %s: %s", #expr, cz_status_name(cz_mpi_st_), \
                 cz_error_message());                                                              \
  } while (0)

/* Starts MPI through comm/ (exits 1 when that fails). */
static void cz_mpi_test_start(int *argc, char ***argv) {
  if (cz_comm_init(argc, argv) != CZ_OK) {
    fprintf(stderr, "FAIL: cz_comm_init: %s\n", cz_error_message());
    exit(1);
  }
}

/* Whether any rank has failed a check so far. Collective. */
static int cz_mpi_any_failed(void) {
  int64_t failed = cz_mpi_failures > 0;
  if (cz_comm_allreduce_max_i64(&failed) != CZ_OK) return 1;
  return failed != 0;
}

/* Agrees on the verdict, reports it once (rank 0), ends MPI and returns the exit code that
 * every rank shares. Collective. */
static int cz_mpi_test_finish(const char *name) {
  int failed = cz_mpi_any_failed();
  if (cz_comm_rank() == 0)
    printf("%s: %s on %d rank%s\n", name, failed ? "FAILED" : "passed", cz_comm_size(),
           cz_comm_size() == 1 ? "" : "s");
  fflush(stdout);
  cz_comm_finalize();
  return failed;
}

#endif
