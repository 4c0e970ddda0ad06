/* Shared between the files of comm/ only: the duplicated communicator. */
#ifndef CZ_COMM_COMM_INTERNAL_H
#define CZ_COMM_COMM_INTERNAL_H

#ifdef CADENZA_WITH_MPI
#include <mpi.h>
MPI_Comm cz_comm_handle(void);
#endif

#endif
