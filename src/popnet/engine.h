/* The population-density engine (PopNet, DiPDE 0.2.2 semantics; filternet-popnet-spec.md §3):
 * the internal populations of a folder stepped together, each seeing the others only through
 * its connections' delay queues, and their firing rates written as BMTK writes them.
 *
 * Time: run.dt is in seconds (as BMTK's PopNet takes it) and run.tstop in ms; the steps are
 * n = 1, 2, ... while (n - 1) dt < tstop / 1000, t_n = n dt. A connection of delay d has
 * D = round-half-even(d / dt) and a queue of D + 1 rates, filled at the start with its
 * source's initial rate (an external population's constant rate); step n uses the queue's
 * head, r_source(t_{n-1-D}), and after every population has stepped each queue drops its head
 * and takes r_source(t_n). So the populations are independent within a step.
 *
 * Ranks: internal population i is stepped by rank i mod R; after each step rank 0 gathers the
 * rates (bit copies) and broadcasts them, so every rank advances the same queues and the
 * result does not depend on R. Rank 0 writes output.rates_file (relative to output_dir):
 * "<node_type_id> <t> <rate>" per recorded population per time from t = 0 (its initial rate),
 * numbers as Python's repr writes them, LF line ends. */
#ifndef CZ_POPNET_ENGINE_H
#define CZ_POPNET_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/engine.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_popnet cz_popnet;

extern const cz_engine_kind cz_popnet_engine_kind;

/* The folder's populations (c with its edges loaded), this rank's ready to step. Collective. */
cz_status cz_popnet_create(const cz_config *cfg, const cz_circuit *c, cz_popnet **out);
/* Runs every step. Collective. */
cz_status cz_popnet_run(cz_popnet *p);
/* Writes the rates file (rank 0). Collective. */
cz_status cz_popnet_write(const cz_popnet *p);
void cz_popnet_destroy(cz_popnet **p);

typedef struct cz_popnet_counts {
  size_t internal, external, connections, bins; /* bins: of this rank's internal populations */
  int64_t steps;
  double dt_s;
} cz_popnet_counts;
cz_popnet_counts cz_popnet_get_counts(const cz_popnet *p);
/* The path of the rates file (borrowed), or NULL when the config names none. */
const char *cz_popnet_rates_path(const cz_popnet *p);

#endif
