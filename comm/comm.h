/* The only door to MPI. With CADENZA_WITH_MPI off, or with one rank, every function is a
 * serial stand-in that does no MPI traffic. Collective functions must be called by every
 * rank in the same order. */
#ifndef CZ_COMM_COMM_H
#define CZ_COMM_COMM_H

#include <stddef.h>

#include "base/status.h"

/* Starts MPI (thread level FUNNELED) when built with it. Collective. */
cz_status cz_comm_init(int *argc, char ***argv);
/* Ends MPI. Collective. */
void cz_comm_finalize(void);
int cz_comm_rank(void);
int cz_comm_size(void);

/* Every rank learns the worst status: the maximum over ranks. A rank whose own status was
 * OK but that learns of a failure elsewhere gets CZ_ERR_MPI-free agreement: it returns the
 * agreed code with a message saying another rank failed. Collective. */
cz_status cz_comm_agree(cz_status local);

/* Ends every rank with exit code code (MPI_Abort), for faults inside the time loop. */
void cz_comm_abort(int code);

/* Library version line for --version ("serial" without MPI). Borrowed. */
const char *cz_comm_library_version(void);

#endif
