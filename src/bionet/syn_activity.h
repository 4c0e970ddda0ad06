/* Spontaneous synapse activity (input_type syn_activity, module syn_activity; inputs-spec.md
 * §3): the recurrent connections whose source node matches precell_filter are driven by the
 * block's timestamps instead of their source (an event t + delay for each timestamp t, at the
 * connection's weight), and every other recurrent connection gets weight 0. Synapses and their
 * placement are as without the block; edges from virtual sources are untouched.
 *
 * precell_filter: an object of node attributes; a value matches an attribute equal to it, a
 * list one equal to any of its items; every key must match, and a node without the attribute
 * is an error. timestamps: a number or a list of them (ms, sorted ascending with a warning
 * where they are not, as NEURON's VecStim needs them sorted). Several blocks: the last one
 * counts, as in BMTK (warned). */
#ifndef CZ_BIONET_SYN_ACTIVITY_H
#define CZ_BIONET_SYN_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_bio_spont {
  bool active;
  const struct cJSON *filter; /* borrowed from the config */
  double *times;              /* [n] ascending */
  size_t n;
  char *where;                /* "<config>: inputs.<name>" */
} cz_bio_spont;

/* The config's syn_activity block (inactive without one). Errors name the block and key.
 * Owned (cz_bio_spont_free). Local. */
cz_status cz_bio_spont_read(const cz_config *cfg, cz_bio_spont *out);
void cz_bio_spont_free(cz_bio_spont *s);

/* Whether node (p, row) matches the filter. Local. */
cz_status cz_bio_spont_matches(const cz_bio_spont *s, const cz_node_pop *p, size_t row, bool *match);

#endif
