#include "app/check_bionet.h"

#include <stdio.h>
#include <string.h>

#include "app/check_cmd.h"
#include "app/outdir.h"
#include "bionet/build.h"
#include "bionet/engine.h"
#include "bionet/modules.h"
#include "core/placement.h"
#include "io/circuit.h"


/* Every cell built on one rank, the way a run builds it. */
static size_t check_build(const cz_config *cfg) {
  cz_circuit *c = NULL;
  if (cz_check_note(cz_circuit_load_nodes(cfg, &c))) return 1;
  cz_placement pl = {0};
  size_t errors = cz_check_note(cz_place_nodes(c, cfg, 1, CZ_PARTITION_BLOCK, 1, cz_bionet_engine_kind.place_cost(), 0, &pl));
  cz_bionet_engine *e = NULL;
  cz_engine view;
  const cz_bionet_options o = {1, CZ_BIO_UNITS_CONFIG};
  if (!errors) errors = cz_check_note(cz_bionet_engine_create(cfg, c, &pl, &o, &e, &view));
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

static void print_cell(const cz_node_pop *np, size_t row, const cz_morph *m, const cz_bio_geom *g) {
  printf("cell %s %llu: %s, %zu sections, %zu segments, area %.10g um2\n", np->name,
         (unsigned long long)cz_node_id(np, row), m->path, m->nsec, g->nseg_total, cz_bio_geom_total_area(g));
  for (size_t s = 0; s < m->nsec; s++) {
    char name[64];
    cz_morph_section_name(m, s, name, sizeof name);
    printf("  %s nseg %u L %.10g diam %.10g\n", name, g->nseg[s], m->L[s], cz_bio_mean_diam(m, s));
    for (uint32_t k = 0; k < g->nseg[s]; k++) {
      const size_t i = g->seg_off[s] + k;
      const double ri = k == 0 ? g->ri_left[i] : g->ri_right[i - 1] + g->ri_left[i];
      printf("    %u x %.10g area %.10g ri %.10g diam %.10g\n", k, (k + 0.5) / g->nseg[s], g->area[i], ri, g->diam[i]);
    }
  }
}

/* Every detailed cell's sections and segments. */
static size_t dump_geometry(const cz_config *cfg) {
  cz_bio_run_config rc;
  if (cz_check_note(cz_bio_run_config_read(cfg, CZ_BIO_UNITS_CONFIG, &rc))) return 1;
  cz_circuit *c = NULL;
  if (cz_check_note(cz_circuit_load_nodes(cfg, &c))) return 1;
  cz_bio_recipes cache = {0};
  size_t errors = 0;
  for (size_t p = 0; p < c->nnodes && !errors; p++)
    for (size_t row = 0; row < c->nodes[p].n && !errors; row++) {
      const cz_value mt = cz_circuit_node_attr(&c->nodes[p], row, "model_type");
      if (mt.kind != CZ_VAL_STR || strcmp(mt.str, "biophysical") != 0) continue;
      cz_morph *m = NULL;
      cz_bio_geom *g = NULL;
      errors += cz_check_note(cz_bio_node_geometry(cfg, c, p, row, &rc, &cache, &m, &g));
      if (!errors) print_cell(&c->nodes[p], row, m, g);
      cz_bio_geom_free(&g);
      cz_morph_free(&m);
    }
  cz_bio_recipes_free(&cache);
  cz_circuit_destroy(&c);
  return errors;
}

size_t cz_check_bionet(const cz_config *cfg, bool dump) {
  const size_t config_errors = cz_check_note(cz_bionet_check_config(cfg));
  size_t errors = config_errors + cz_check_note(cz_outdir_check(cfg));
  /* A config the engine refuses would stop the build at the same key: say it once. */
  if (!config_errors) errors += check_build(cfg);
  if (!config_errors && dump) errors += dump_geometry(cfg);
  return errors;
}
