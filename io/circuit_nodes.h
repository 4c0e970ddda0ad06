/* Node populations of a circuit: reading them (cz_circuit_load_nodes, io/circuit.h) and freeing
 * them. Internal to io/circuit*.c. Local. */
#ifndef CZ_IO_CIRCUIT_NODES_H
#define CZ_IO_CIRCUIT_NODES_H

#include <stdbool.h>

#include "io/circuit.h"

/* Whether s is a non-empty run of decimal digits (the name of a numbered HDF5 group). */
bool cz_circuit_all_digits(const char *s);
/* Frees what population p holds (not p itself). */
void cz_node_pop_free(cz_node_pop *p);

#endif
