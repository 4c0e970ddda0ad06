/* Gap junctions (inputs-spec.md §6): the conventional Gap point process, one at each end of a
 * junction, i = g (v - vgap) (nA; g in µS, v this end's node, vgap the other end's node as last
 * transferred), every instance a thread's cells hold in one structure of arrays. Its current
 * enters its node's row as every NEURON current does (scaled by 100 / area, derived at v and
 * v + 0.001 mV), so the own-v term is implicit and the partner's is explicit: a step uses the
 * partner's voltage of the step's start, which bionet/gap_transfer.h brings after every step
 * (and after initialisation) as NEURON transfers it after each voltage update.
 *
 * An end is known by its slot 2 j + side (j the junction's global index, side 0 at the edge's
 * target, 1 at its source); its partner is slot 2 j + 1 - side, on the cell partner_gid. */
#ifndef CZ_BIONET_GAP_H
#define CZ_BIONET_GAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/cable.h"

typedef struct cz_gap {
  size_t n, cap;
  uint32_t *node;        /* [n] */
  double *g;             /* [n] µS */
  double *vgap;          /* [n] mV: the partner's voltage */
  double *i;             /* [n] nA: the last current evaluation's */
  uint64_t *slot;        /* [n] this end */
  uint64_t *partner_gid; /* [n] the cell of the other end (the engine's gid) */
} cz_gap;

/* Appends an end at node (g finite, >= 0); vgap starts at 0 until the first transfer. Local. */
cz_status cz_gap_add(cz_gap *s, uint32_t node, double g, uint64_t slot, uint64_t partner_gid);
void cz_gap_free(cz_gap *s);
/* The bytes its arrays hold, as allocated. */
size_t cz_gap_bytes(const cz_gap *s);
static inline uint64_t cz_gap_partner_slot(uint64_t slot) { return slot ^ 1u; }
void cz_gap_current(cz_gap *s, cz_cable *c);

#endif
