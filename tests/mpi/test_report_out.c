/* MPI component test: the report writer (io/report_out.h) shared by the ranks of a
 * communicator, with several elements per node (the case of report_case.h: nodes of 1, 4 and
 * 2 elements, a population without nodes, point neurons with the default elements). Node i of
 * a population goes to rank i % nranks, which writes its columns; the rows come in two blocks,
 * each committed. Rank 0 then reads the file back (layout and every value) and checks that
 * it holds the same bytes as the file rank 0 writes alone. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mpi_test.h"
#include "report_case.h"

static unsigned rank_mask(size_t n, int rank, int nranks) {
  unsigned m = 0;
  for (size_t i = 0; i < n; i++)
    if ((int)(i % (size_t)nranks) == rank) m |= 1u << i;
  return m;
}

/* Writes the case on the ranks of comm (NULL: this process alone, all nodes). Collective with a
 * communicator. */
static void write_case(const char *path, const void *comm) {
  const int me = comm ? cz_comm_rank() : 0, nranks = comm ? cz_comm_size() : 1;
  const cz_report_spec spec = rc_spec(path);
  cz_report_out *r = NULL;
  CZ_MPI_CHECK_OK(cz_report_create(&spec, comm, me == 0, &r));
  if (!r) return;
  const size_t block_end[] = {4, RC_ROWS};
  size_t row0 = 0;
  for (size_t b = 0; b < 2; b++) {
    for (size_t p = 0; p < RC_POPS; p++)
      CZ_MPI_CHECK_OK(rc_write(r, p, rank_mask(rc_pops[p].n, me, nranks), row0, block_end[b] - row0));
    CZ_MPI_CHECK_OK(cz_report_commit_rows(r, spec.t_first + (double)(block_end[b] - 1) * spec.step));
    row0 = block_end[b];
  }
  CZ_MPI_CHECK_OK(cz_report_close(&r, true));
}

static bool same_bytes(const char *a, const char *b) {
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  bool same = fa && fb;
  while (same) {
    const int ca = fgetc(fa), cb = fgetc(fb);
    same = ca == cb;
    if (ca == EOF) break;
  }
  if (fa) fclose(fa);
  if (fb) fclose(fb);
  return same;
}

int main(int argc, char **argv) {
  cz_mpi_test_start(&argc, &argv);
  const char *tmp = getenv("CZ_TEST_TMP");
  char dir[4096], shared[4200], alone[4200];
  snprintf(dir, sizeof dir, "%s/report_out_np%d", tmp && *tmp ? tmp : "/tmp", cz_comm_size());
  snprintf(shared, sizeof shared, "%s/shared.h5", dir);
  snprintf(alone, sizeof alone, "%s/alone.h5", dir);
  if (cz_comm_rank() == 0) {
    if (tmp && *tmp) mkdir(tmp, 0755);
    mkdir(dir, 0755);
  }
  CZ_MPI_CHECK_OK(cz_comm_barrier());
  write_case(shared, cz_comm_native());
  CZ_MPI_CHECK_OK(cz_comm_barrier());
  if (cz_comm_rank() == 0) {
    char msg[512] = "";
    CZ_MPI_CHECK(rc_check_file(shared, msg, sizeof msg), "written by %d ranks: %s", cz_comm_size(), msg);
    write_case(alone, NULL);
    CZ_MPI_CHECK(rc_check_file(alone, msg, sizeof msg), "written alone: %s", msg);
    CZ_MPI_CHECK(same_bytes(shared, alone), "%d ranks and one process wrote different bytes", cz_comm_size());
  }
  return cz_mpi_test_finish("test_mpi_report_out");
}
