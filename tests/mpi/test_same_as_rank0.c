/* cz_comm_same_as_rank0: ranks holding rank 0's values agree; where the highest ranks differ
 * at two places, every rank learns the first place, the lowest rank differing there, and both
 * values. */
#include "mpi_test.h"

enum { N = 6 };

int main(int argc, char **argv) {
  cz_mpi_test_start(&argc, &argv);
  const int rank = cz_comm_rank(), size = cz_comm_size();
  uint64_t v[N];
  for (int i = 0; i < N; i++) v[i] = 100u + (uint64_t)i;
  size_t first = 0;
  int who = -1;
  uint64_t mine = 0, theirs = 0;
  CZ_MPI_CHECK_OK(cz_comm_same_as_rank0(v, N, &first, &who, &mine, &theirs));
  CZ_MPI_CHECK(first == N && who == 0, "equal values: first %zu, rank %d", first, who);

  /* From rank 1 up every rank differs at index 4; the last rank also at index 2. */
  if (rank >= 1) v[4] = 900u + (uint64_t)rank;
  if (size > 2 && rank == size - 1) v[2] = 7;
  CZ_MPI_CHECK_OK(cz_comm_same_as_rank0(v, N, &first, &who, &mine, &theirs));
  if (size == 1) {
    CZ_MPI_CHECK(first == N, "one rank always agrees: first %zu", first);
  } else if (size == 2) {
    CZ_MPI_CHECK(first == 4 && who == 1 && mine == 104 && theirs == 901, "first %zu rank %d values %llu %llu", first,
                 who, (unsigned long long)mine, (unsigned long long)theirs);
  } else {
    CZ_MPI_CHECK(first == 2 && who == size - 1 && mine == 102 && theirs == 7, "first %zu rank %d values %llu %llu",
                 first, who, (unsigned long long)mine, (unsigned long long)theirs);
  }
  return cz_mpi_test_finish("same_as_rank0");
}
