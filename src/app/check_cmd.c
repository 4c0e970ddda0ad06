#include "app/check_cmd.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/check_bionet.h"
#include "app/check_filternet.h"
#include "app/check_popnet.h"
#include "app/engine_kind.h"
#include "app/outdir.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "pointnet/edge_values.h"
#include "pointnet/modules.h"
#include "pointnet/network.h"
#include "pointnet/recorder.h"
#include "pointnet/replay.h"
#include "core/stimulus/current_clamp.h"
#include "pointnet/poisson_drive.h"
#include "core/stimulus/ecephys.h"
#include "core/stimulus/spike_train.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/h5.h"
#include "io/node_sets.h"
#include "io/spike_input.h"
#include "pointnet/models/model.h"

/* Bytes per synapse and per node that a run holds at its peak (the synapse tables and the
 * edges being loaded; node tables and neuron state), measured on the Brunel benchmarks. */
enum { BYTES_PER_SYNAPSE = 22, BYTES_PER_NODE = 400, BASE_MIB = 24 };

typedef struct checker {
  const cz_config *cfg;
  size_t errors;
  bool nodes_ok, models_ok;
} checker;

/* Records the outcome of one part: an error is printed and counted. */
size_t cz_check_note(cz_status st) {
  if (st == CZ_OK) return 0;
  printf("error: %s\n", cz_error_message());
  cz_error_clear();
  return 1;
}

static bool note(checker *k, cz_status st) {
  if (st == CZ_OK) return true;
  printf("error: %s\n", cz_error_message());
  k->errors++;
  cz_error_clear();
  return false;
}

/* A copy of cfg that holds only the given networks, inputs and reports (borrowed arrays). */
static cz_config subset(const cz_config *cfg, size_t nnodes, cz_cfg_nodes *nodes, size_t nedges, cz_cfg_edges *edges) {
  cz_config s = *cfg;
  s.nnodes = nnodes;
  s.nodes = nodes;
  s.nedges = nedges;
  s.edges = edges;
  s.ninputs = 0;
  s.nreports = 0;
  return s;
}

/* Every nodes file alone; the circuit of those that load. */
static cz_status check_nodes(checker *k, cz_circuit **out) {
  const cz_config *cfg = k->cfg;
  cz_cfg_nodes *good = NULL;
  CZ_NEW(good, cfg->nnodes + 1);
  size_t ngood = 0;
  for (size_t i = 0; i < cfg->nnodes; i++) {
    cz_config one = subset(cfg, 1, &cfg->nodes[i], 0, NULL);
    cz_circuit *c = NULL;
    if (note(k, cz_circuit_load_nodes(&one, &c))) good[ngood++] = cfg->nodes[i];
    cz_circuit_destroy(&c);
  }
  k->nodes_ok = ngood == cfg->nnodes;
  cz_config all = subset(cfg, ngood, good, 0, NULL);
  cz_status st = cz_circuit_load_nodes(&all, out);
  if (st != CZ_OK) note(k, st); /* files that load alone but clash together (a population twice) */
  free(good);
  return CZ_OK;
}

/* Every model: a known template, and dynamics_params it accepts. */
static void check_models(checker *k, const cz_circuit *c) {
  k->models_ok = true;
  const double h = (double)llround(k->cfg->dt * 1000.0) / 1000.0;
  for (size_t m = 0; m < c->nmodels; m++) {
    const cz_model_ref *ref = &c->models[m];
    const cz_model_kind *kind = NULL;
    cz_status st = cz_model_lookup(ref->template_str, &kind);
    void *grp = NULL;
    if (st == CZ_OK) st = kind->create(1, h, 1, &grp);
    if (st == CZ_OK) {
      cz_param_src src = {ref->params, NULL, NULL, ref->params_file};
      char where[1024];
      snprintf(where, sizeof where, "%s (%s)", ref->params_file ? ref->params_file : "no dynamics_params",
               ref->template_str);
      st = kind->set_params(grp, 0, &src, where);
    }
    if (grp) kind->destroy(grp);
    if (!note(k, st)) k->models_ok = false;
  }
}

/* Every edges file alone, with the synapse checks of a network build. Counts the edges and
 * finds the minimum delay of those that load. */
static void check_edges(checker *k, cz_circuit *c, size_t *nedges_pop, double *min_delay) {
  const cz_config *cfg = k->cfg;
  *min_delay = INFINITY;
  for (size_t i = 0; i < cfg->nedges; i++) {
    if (!cfg->edges[i].enabled) continue;
    cz_config one = subset(cfg, cfg->nnodes, cfg->nodes, 1, &cfg->edges[i]);
    cz_status st = cz_circuit_load_edges(c, &one, NULL);
    if (st == CZ_OK) st = cz_net_check_edges(cfg, c);
    if (note(k, st)) {
      cz_edge_values values = {0};
      for (size_t e = 0; e < c->nedges; e++) {
        cz_edge_pop view;
        if (cz_edge_values_view(&c->edges[e], &values, &view) != CZ_OK) cz_error_clear(); /* checked above */
        const cz_edge_pop *ep = &view;
        nedges_pop[ep->target_pop] += ep->n;
        for (size_t j = 0; j < ep->n; j++) {
          const double d = cz_edge_delay(ep, j);
          if (d < *min_delay) *min_delay = d;
        }
        printf("edges %s (%s -> %s): %zu\n", ep->name, c->nodes[ep->source_pop].name, c->nodes[ep->target_pop].name,
               ep->n);
      }
      cz_edge_values_free(&values);
    }
    cz_circuit_free_edges(c);
  }
}

/* One input: its node set and file or values; the full build too when a network exists. */
static cz_status check_input(const cz_config *cfg, const cz_cfg_block *b, cz_circuit *c, const cz_network *net) {
  if (cz_pn_is_replay(b)) return cz_pn_replay_check(cfg, b, c); /* loads its edge populations; node_set is ignored */
  const char *pop = NULL; /* the first population the node set selects */
  if (b->node_set) {
    char where[1024];
    snprintf(where, sizeof where, "%s: inputs.%s.node_set", cfg->path, b->name);
    cz_ns_view view = cz_circuit_ns_view(c);
    cz_ns_selection *sel = NULL;
    CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
    for (size_t p = 0; p < sel->npops && !pop; p++)
      if (sel->n[p]) pop = c->nodes[p].name;
    cz_ns_selection_destroy(&sel);
  }
  cz_config one = *cfg;
  one.ninputs = 1;
  one.inputs = (cz_cfg_block *)b;
  one.nreports = 0;
  if (b->module && strcmp(b->module, "IClamp") == 0) {
    CZ_TRY(cz_clamp_check_block(cfg, b));
    if (!net) return CZ_OK;
    cz_clamps cl;
    cz_status st = cz_clamps_build(&one, c, &net->gm, &net->tg, &cl);
    cz_clamps_free(&cl);
    return st;
  }
  if (cz_input_is_poisson(b)) {
    if (!net) return CZ_OK;
    cz_poisson_drive d;
    cz_status st = cz_poisson_build(&one, c, net, &d);
    cz_poisson_free(&d);
    return st;
  }
  if (!cz_input_is_spikes(b)) return CZ_OK;
  if (!net) {
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(b->json, "input_file");
    CZ_CHECK(cJSON_IsString(f) || cz_input_is_ecephys(b), CZ_ERR_CONFIG,
             "%s: inputs.%s.input_file is missing or not a string", cfg->path, b->name);
    cz_spike_trains *t = NULL;
    const bool read = (pop || cz_input_is_ecephys(b)) && c->nnodes; /* ecephys_probe: its files and keys */
    cz_status st = read ? cz_input_read_spikes(cfg, b, c, pop ? pop : c->nodes[0].name, &t) : CZ_OK;
    cz_spike_trains_destroy(&t);
    return st;
  }
  cz_vspikes vs;
  memset(&vs, 0, sizeof vs);
  cz_status st = cz_vspikes_build(&one, c, &net->gm, &net->tg, &vs);
  cz_vspikes_free(&vs);
  return st;
}

static void print_summary(const checker *k, const cz_circuit *c, const size_t *nedges_pop, double min_delay,
                          int ranks) {
  size_t nodes = 0, neurons = 0, synapses = 0;
  for (size_t p = 0; p < c->nnodes; p++) {
    const cz_node_pop *np = &c->nodes[p];
    printf("population %s: %zu nodes (%zu virtual), %zu afferent edges, from %s\n", np->name, np->n, np->nvirtual,
           nedges_pop[p], np->file);
    nodes += np->n;
    neurons += np->n - np->nvirtual;
    synapses += nedges_pop[p];
  }
  for (size_t m = 0; m < c->nmodels; m++)
    printf("model %s with %s\n", c->models[m].template_str,
           c->models[m].params_file ? cz_path_basename(c->models[m].params_file) : "NEST's defaults");
  const double h = (double)llround(k->cfg->dt * 1000.0) / 1000.0;
  if (isfinite(min_delay))
    printf("minimum delay %g ms (%g steps of %g ms)\n", min_delay, cz_net_delay_steps(min_delay, h), h);
  const double mib = BASE_MIB + ((double)synapses / ranks * BYTES_PER_SYNAPSE + (double)nodes * BYTES_PER_NODE) /
                                    (1024.0 * 1024.0);
  printf("%zu nodes (%zu neurons), %zu edges; about %.0f MiB per rank on %d rank%s (estimate)\n", nodes, neurons,
         synapses, mib, ranks, ranks == 1 ? "" : "s");
}

static size_t check_all(const cz_config *cfg, int ranks) {
  checker k = {cfg, 0, false, false};
  note(&k, cz_pointnet_check_start(cfg));
  cz_circuit *c = NULL;
  check_nodes(&k, &c);
  if (!c) return k.errors ? k.errors : 1;
  check_models(&k, c);
  size_t *nedges_pop = cz_calloc(c->nnodes + 1, sizeof *nedges_pop);
  double min_delay = INFINITY;
  if (nedges_pop) check_edges(&k, c, nedges_pop, &min_delay);
  /* The inputs need a network (time grid, neuron numbers) for their full checks. */
  cz_network *net = NULL;
  if (k.nodes_ok && k.models_ok && cz_net_build(cfg, c, 1, 0, 1, NULL, NULL, &net) != CZ_OK) cz_error_clear();
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (!b->enabled) continue;
    const cz_status refused = cz_pointnet_check_input(cfg, b);
    note(&k, refused != CZ_OK ? refused : check_input(cfg, b, c, net));
  }
  for (size_t i = 0; i < cfg->nreports; i++) {
    const cz_cfg_block *b = &cfg->reports[i];
    if (b->enabled) note(&k, cz_pointnet_check_report(cfg, b));
  }
  note(&k, cz_recorder_check(cfg, c));
  note(&k, cz_outdir_check(cfg));
  cz_net_destroy(&net);
  if (nedges_pop) print_summary(&k, c, nedges_pop, min_delay, ranks);
  free(nedges_pop);
  cz_circuit_destroy(&c);
  return k.errors;
}

int cz_app_check_main(int argc, char **argv) {
  cz_h5_quiet();
  cz_log_set_level(CZ_LOG_WARNING);
  const char *config = NULL;
  long long ranks = 1;
  cz_cfg_overrides ov = {NAN, NAN, NULL};
  bool dump_geometry = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--dump-geometry") == 0) dump_geometry = true;
    else if (strcmp(argv[i], "--ranks") == 0 && i + 1 < argc && cz_parse_int64(argv[i + 1], &ranks) && ranks >= 1) i++;
    else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output-dir") == 0) && i + 1 < argc) ov.output_dir = argv[++i];
    else if (argv[i][0] != '-' && !config) config = argv[i];
    else config = NULL, i = argc;
  }
  if (!config) {
    fprintf(stderr, "cadenza: error: usage: cadenza check CONFIG.json [--ranks N] [-o OUTPUT_DIR] [--dump-geometry]\n");
    return 2;
  }
  cz_config *cfg = NULL;
  if (cz_cfg_load(config, &ov, &cfg) != CZ_OK) {
    printf("error: %s\n", cz_error_message());
    printf("cadenza check: 1 error (the config must load before the rest can be checked)\n");
    return 2;
  }
  cz_engine_id engine = CZ_ENGINE_UNSAID;
  if (cz_engine_detect(cfg, &engine) != CZ_OK) {
    printf("error: %s\n", cz_error_message());
    printf("cadenza check: 1 error (the folder is for an engine Cadenza does not have, so nothing else is checked)\n");
    cz_cfg_destroy(&cfg);
    return 2;
  }
  if (engine == CZ_ENGINE_POINT && cz_pointnet_check_dt(cfg) != CZ_OK) {
    printf("error: %s\n", cz_error_message());
    printf("cadenza check: 1 error (the config must load before the rest can be checked)\n");
    cz_cfg_destroy(&cfg);
    return 2;
  }
  if (dump_geometry && engine != CZ_ENGINE_BIONET) {
    printf("error: %s: --dump-geometry prints detailed cells, and this %s network has none\n", config,
           cz_engine_name(engine));
    cz_cfg_destroy(&cfg);
    return 2;
  }
  const size_t errors = engine == CZ_ENGINE_BIONET   ? cz_check_bionet(cfg, dump_geometry)
                        : engine == CZ_ENGINE_POPNET    ? cz_check_popnet(cfg)
                        : engine == CZ_ENGINE_FILTERNET ? cz_check_filternet(cfg)
                                                        : check_all(cfg, (int)ranks);
  cz_cfg_destroy(&cfg);
  if (errors) printf("cadenza check: %zu error%s in %s\n", errors, errors == 1 ? "" : "s", config);
  else printf("cadenza check: no errors in %s\n", config);
  return errors ? 2 : 0;
}
