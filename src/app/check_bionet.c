#include "app/check_bionet.h"

#include <stdio.h>

#include "app/outdir.h"
#include "bionet/engine.h"
#include "bionet/modules.h"
#include "core/placement.h"
#include "io/circuit.h"

static size_t note(cz_status st) {
  if (st == CZ_OK) return 0;
  printf("error: %s\n", cz_error_message());
  cz_error_clear();
  return 1;
}

/* Every cell built on one rank, the way a run builds it. */
static size_t check_build(const cz_config *cfg) {
  cz_circuit *c = NULL;
  if (note(cz_circuit_load_nodes(cfg, &c))) return 1;
  cz_placement pl = {0};
  size_t errors = note(cz_place_nodes(c, cfg, 1, CZ_PARTITION_BLOCK, 1, cz_bionet_engine_kind.place_cost(), 0, &pl));
  cz_bionet_engine *e = NULL;
  cz_engine view;
  const cz_bionet_options o = {1, CZ_BIO_UNITS_CONFIG};
  if (!errors) errors = note(cz_bionet_engine_create(cfg, c, &pl, &o, &e, &view));
  if (!errors) {
    const cz_bionet_counts n = cz_bionet_engine_counts(e);
    for (size_t p = 0; p < c->nnodes; p++)
      printf("population %s: %zu nodes (%zu virtual), from %s\n", c->nodes[p].name, c->nodes[p].n, c->nodes[p].nvirtual,
             c->nodes[p].file);
    printf("%llu detailed cells (%llu compartments), %llu artificial cells, %llu synapses, %llu NetCons; epochs of %d "
           "steps of %g ms\n",
           (unsigned long long)n.cells, (unsigned long long)n.compartments, (unsigned long long)n.artificial,
           (unsigned long long)n.synapses, (unsigned long long)n.netcons, view.tg->min_delay, view.tg->h);
  }
  cz_bionet_engine_destroy(&e);
  cz_placement_free(&pl);
  cz_circuit_destroy(&c);
  return errors;
}

size_t cz_check_bionet(const cz_config *cfg) {
  const size_t config_errors = note(cz_bionet_check_config(cfg));
  size_t errors = config_errors + note(cz_outdir_check(cfg));
  /* A config the engine refuses would stop the build at the same key: say it once. */
  if (!config_errors) errors += check_build(cfg);
  return errors;
}
