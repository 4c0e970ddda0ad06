#include "app/check_filternet.h"

#include <stdio.h>

#include "app/check_cmd.h"
#include "app/outdir.h"
#include "filternet/engine.h"
#include "io/circuit.h"

static size_t check_build(const cz_config *cfg) {
  cz_circuit *c = NULL;
  size_t errors = cz_check_note(cz_circuit_load_nodes(cfg, &c));
  cz_filternet *f = NULL;
  if (!errors) errors = cz_check_note(cz_filternet_create(cfg, c, 1, 1, &f));
  if (!errors) {
    const cz_filternet_counts n = cz_filternet_get_counts(f);
    for (size_t k = 0; k < c->nnodes; k++)
      printf("population %s: %zu nodes, from %s\n", c->nodes[k].name, c->nodes[k].n, c->nodes[k].file);
    printf("%zu LGN units; a movie of %zu frames; rates at %zu times\n", n.cells, n.frames, n.times);
  }
  cz_filternet_destroy(&f);
  cz_circuit_destroy(&c);
  return errors;
}

size_t cz_check_filternet(const cz_config *cfg) {
  const size_t config_errors = cz_check_note(cz_filternet_engine_kind.check_config(cfg));
  size_t errors = config_errors + cz_check_note(cz_outdir_check(cfg));
  if (!config_errors) errors += check_build(cfg);
  return errors;
}
