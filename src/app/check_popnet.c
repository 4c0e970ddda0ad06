#include "app/check_popnet.h"

#include <stdio.h>

#include "app/check_cmd.h"
#include "app/outdir.h"
#include "io/circuit.h"
#include "popnet/engine.h"


static size_t check_build(const cz_config *cfg) {
  cz_circuit *c = NULL;
  size_t errors = cz_check_note(cz_circuit_load(cfg, &c));
  cz_popnet *p = NULL;
  if (!errors) errors = cz_check_note(cz_popnet_create(cfg, c, &p));
  if (!errors) {
    const cz_popnet_counts n = cz_popnet_get_counts(p);
    for (size_t k = 0; k < c->nnodes; k++)
      printf("population %s: %zu nodes (%zu virtual), from %s\n", c->nodes[k].name, c->nodes[k].n,
             c->nodes[k].nvirtual, c->nodes[k].file);
    printf("%zu internal populations (%zu voltage bins), %zu external, %zu connections; %lld steps of %g s\n",
           n.internal, n.bins, n.external, n.connections, (long long)n.steps, n.dt_s);
  }
  cz_popnet_destroy(&p);
  cz_circuit_destroy(&c);
  return errors;
}

size_t cz_check_popnet(const cz_config *cfg) {
  const size_t config_errors = cz_check_note(cz_popnet_engine_kind.check_config(cfg));
  size_t errors = config_errors + cz_check_note(cz_outdir_check(cfg));
  if (!config_errors) errors += check_build(cfg);
  return errors;
}
