/* pas over every node of a cable in one pass that also clears the rows: the start of a step's
 * current assembly.
 *
 * pas is the first of NEURON's mechanisms (cz_mech_order), so its current is the first term of
 * its nodes' rows: cleared rows plus pas's terms are 0 - i and 0 + di/dv. And 0 + di/dv is
 * di/dv, which is never -0: it is g (v + 0.001 - e) - g (v - e) with g >= 0, and -0 would need
 * the first product to be -0 and the second +0, so v + 0.001 - e <= 0 <= v - e: both 0 (as
 * computed, +0), and then both products are +0. Given pas's g and e per node, 0 where a node
 * has none, the same expressions clear the other nodes exactly: g = 0 makes i a signed zero,
 * 0 - (+-0) is +0, and di/dv is +0. So one vector pass over the node arrays replaces clearing
 * them and a gather-scatter pass over pas's instances, with the same bits. */
#ifndef CZ_BIONET_MECH_PAS_H
#define CZ_BIONET_MECH_PAS_H

#include "bionet/cable.h"

/* rhs = 0 - i(v) and d = (i(v + 0.001) - i(v)) / 0.001 at every node of c, i = g (v - e):
 * g [c->n] S/cm² and e [c->n] mV per node (g = 0 where there is no pas). */
void cz_mech_pas_begin_currents(cz_cable *c, const double *g, const double *e);

#endif
