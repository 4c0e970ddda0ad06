/* A generated Brunel folder shared by the MPI tests that need a circuit: the ranks write it
 * together under $CZ_TEST_TMP (one folder per test and rank count, since ctest runs them side
 * by side) and every rank learns whether that worked. */
#ifndef CZ_TESTS_MPI_BRUNEL_H
#define CZ_TESTS_MPI_BRUNEL_H

#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "io/circuit.h"
#include "io/config.h"
#include "mpi_test.h"
#include "tools/brunel.h"

/* Starts MPI, quiets the log to rank 0's warnings and generates <tmp>/<name>_np<size> with
 * n_neurons neurons into dir (size n). Returns whether every rank can go on. Collective. */
static int cz_mpi_brunel_setup(int *argc, char ***argv, const char *name, size_t n_neurons, char *dir, size_t n) {
  cz_mpi_test_start(argc, argv);
  cz_log_set_enabled(cz_comm_rank() == 0);
  cz_log_set_level(CZ_LOG_WARNING);
  const char *tmp = getenv("CZ_TEST_TMP");
  snprintf(dir, n, "%s/%s_np%d", tmp && *tmp ? tmp : "/tmp", name, cz_comm_size());
  cz_brunel_params p = cz_brunel_defaults();
  p.n_neurons = n_neurons;
  p.tstop = 50;
  p.overwrite = true;
  cz_status st = cz_comm_agree(cz_generate_brunel(&p, dir)); /* collective */
  if (st == CZ_OK) st = cz_comm_barrier();
  CZ_MPI_CHECK(st == CZ_OK, "generating %s: %s", dir, cz_error_message());
  return st == CZ_OK;
}

/* Loads dir's config and its nodes on every rank; whether every rank could. Collective. */
static int cz_mpi_load_nodes(const char *dir, cz_config **cfg, cz_circuit **c) {
  char path[4096 + 16];
  snprintf(path, sizeof path, "%s/config.json", dir);
  cz_status st = cz_cfg_load(path, NULL, cfg);
  if (st == CZ_OK) st = cz_circuit_load_nodes(*cfg, c);
  CZ_MPI_CHECK(st == CZ_OK, "loading %s: %s", path, cz_error_message());
  return cz_mpi_any_failed() == 0; /* the same answer on every rank */
}

#endif
