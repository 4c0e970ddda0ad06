/* The HPC benchmark generator (contract in tools/hpc.h). */
#include "tools/hpc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/rng.h"
#include "comm/comm.h"
#include "io/h5.h"
#include "pointnet/models/iaf_common.h"
#include "tools/gen_edges.h"
#include "tools/gen_folder.h"

enum { C_E = 9000, C_I = 2250, STREAM_VM = 1, STREAM_EDGES = 2, STREAM_WEIGHTS = 3 };
enum { TYPE_EXC = 100, TYPE_INH = 101, TYPE_STDP = 102 };
static const double TAU_M = 10.0, C_M = 250.0, TAU_SYN = 0.32582722403722841, V_TH = 20.0, J_E_MV = 0.14;
static const double G = -5.0, ETA = 1.685, DELAY = 1.5, TAU_MINUS = 30.0, SIGMA_W = 3.47;

/* The model and what writing its folder needs besides. */
typedef struct hpc_net {
  cz_hpc_model m;
  const cz_hpc_params *p; /* &m.p */
  const char *dir;
  uint64_t n_e, n_i, n;
  uint64_t *edge_off; /* [n + 1] first edge of each target in the file */
  double je, rate;
} hpc_net;

cz_hpc_params cz_hpc_defaults(void) { return (cz_hpc_params){1.0, 1000.0, 0.1, 1, false, false}; }

uint64_t cz_hpc_in_degree(void) { return C_E + C_I; }

cz_status cz_hpc_model_make(const cz_hpc_params *p, cz_hpc_model *m) {
  CZ_CHECK(p->scale > 0 && p->scale <= 100000, CZ_ERR_ARG, "hpc: --scale must be in (0, 100000] (got %g)", p->scale);
  CZ_CHECK(p->dt > 0 && p->tstop > 0, CZ_ERR_ARG, "hpc: dt and tstop must be > 0");
  memset(m, 0, sizeof *m);
  m->p = *p;
  m->n_e = (uint64_t)fmax(1.0, llround(9000.0 * p->scale));
  m->n_i = (uint64_t)fmax(1.0, llround(2250.0 * p->scale));
  m->n = m->n_e + m->n_i;
  m->je = J_E_MV / cz_alpha_psp_peak(TAU_M, TAU_SYN, C_M);
  const double nu_th = V_TH / ((double)C_E * TAU_M / C_M * m->je * M_E * TAU_SYN); /* 1/ms */
  m->rate = ETA * nu_th * (double)C_E * 1000.0;
  return CZ_OK;
}

/* Per-edge weights and delays (the STDP variant): plastic E->E weights normal around J_E,
 * redrawn below 0 (the power law needs w >= 0), the static ones J_E and J_I. */
static void draw_synapses(const cz_hpc_model *m, uint64_t t, const uint32_t *type, double *w, double *d) {
  cz_rng r = cz_rng_make(m->p.seed, t, STREAM_WEIGHTS);
  for (size_t i = 0; i < C_E + C_I; i++) {
    d[i] = DELAY;
    if (type[i] == TYPE_STDP) {
      do w[i] = m->je + SIGMA_W * cz_rng_next_normal(&r);
      while (w[i] < 0);
    } else {
      w[i] = type[i] == TYPE_INH ? G * m->je : m->je;
    }
  }
}

void cz_hpc_afferent(const cz_hpc_model *m, uint64_t t, uint64_t *src, uint32_t *type, double *w, double *d) {
  cz_rng r = cz_rng_make(m->p.seed, t, STREAM_EDGES);
  const bool plastic_ee = m->p.stdp && t < m->n_e;
  size_t at = 0;
  for (int inh = 0; inh < 2; inh++) {
    const uint64_t first = inh ? m->n_e : 0, count = inh ? m->n_i : m->n_e, k = inh ? C_I : C_E;
    for (uint64_t i = 0; i < k; i++, at++) {
      uint64_t s;
      do s = first + cz_rng_next_below(&r, count);
      while (s == t && count > 1); /* no autapses */
      src[at] = s;
      type[at] = inh ? TYPE_INH : plastic_ee ? TYPE_STDP : TYPE_EXC;
    }
  }
  if (w && d) draw_synapses(m, t, type, w, d);
}

static void draw_target(const void *ctx, uint64_t t, uint64_t *src, uint32_t *type, double *w, double *d) {
  cz_hpc_afferent(&((const hpc_net *)ctx)->m, t, src, type, w, d);
}

/* A skeleton's targets have no edges to draw. */
static void draw_none(const void *ctx, uint64_t t, uint64_t *src, uint32_t *type, double *w, double *d) {
  (void)ctx, (void)t, (void)src, (void)type, (void)w, (void)d;
}

static cz_status write_components(const hpc_net *m) {
  for (int inh = 0; inh < 2; inh++) {
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddNumberToObject(o, "E_L", 0.0) && cJSON_AddNumberToObject(o, "C_m", C_M) &&
              cJSON_AddNumberToObject(o, "tau_m", TAU_M) && cJSON_AddNumberToObject(o, "t_ref", 0.5) &&
              cJSON_AddNumberToObject(o, "V_th", V_TH) && cJSON_AddNumberToObject(o, "V_reset", 0.0) &&
              cJSON_AddNumberToObject(o, "tau_syn_ex", TAU_SYN) && cJSON_AddNumberToObject(o, "tau_syn_in", TAU_SYN) &&
              (!m->p->stdp || cJSON_AddNumberToObject(o, "tau_minus", TAU_MINUS));
    if (!ok) {
      cJSON_Delete(o);
      return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    }
    CZ_TRY(cz_gen_write_json(m->dir, inh ? "components/cell_models/inh.json" : "components/cell_models/exc.json", o, false));
  }
  CZ_TRY(cz_gen_write_json(m->dir, "components/synaptic_models/static.json", cJSON_CreateObject(), false));
  if (m->p->stdp) {
    cJSON *o = cJSON_Parse("{\"alpha\": 0.0513, \"lambda\": 0.1, \"mu\": 0.4, \"tau_plus\": 15.0}");
    CZ_CHECK(o, CZ_ERR_NOMEM, "out of memory");
    CZ_TRY(cz_gen_write_json(m->dir, "components/synaptic_models/stdp_pl_hpc.json", o, false));
  }
  char je[32], ji[32], text[1024];
  cz_gen_format_double(m->je, je, sizeof je);
  cz_gen_format_double(G * m->je, ji, sizeof ji);
  CZ_TRY(cz_gen_write_text(m->dir, "network/hpc_node_types.csv",
                           "node_type_id model_type model_template dynamics_params pop_name ei\n"
                           "100 point_neuron nest:iaf_psc_alpha exc.json excitatory e\n"
                           "101 point_neuron nest:iaf_psc_alpha inh.json inhibitory i\n"));
  snprintf(text, sizeof text,
           "edge_type_id target_query source_query syn_weight delay dynamics_params model_template\n"
           "100 * ei=='e' %s 1.5 static.json static_synapse\n"
           "101 * ei=='i' %s 1.5 static.json static_synapse\n"
           "%s",
           je, ji, m->p->stdp ? "102 ei=='e' ei=='e' NULL 1.5 stdp_pl_hpc.json stdp_pl_synapse_hom_hpc\n" : "");
  return cz_gen_write_text(m->dir, "network/hpc_hpc_edge_types.csv", text);
}

static cz_status write_nodes_body(const hpc_net *m, cz_h5file *f) {
  uint64_t *type = cz_calloc(m->n + 1, sizeof *type);
  double *v = cz_calloc(m->n + 1, sizeof *v);
  cz_status st = type && v ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (uint64_t g = 0; st == CZ_OK && g < m->n; g++) {
    cz_rng r = cz_rng_make(m->p->seed, g, STREAM_VM);
    type[g] = g < m->n_e ? 100 : 101;
    v[g] = 5.7 + 7.2 * cz_rng_next_normal(&r);
  }
  if (st == CZ_OK) st = cz_gen_write_nodes(f, "hpc", type, v, m->n);
  free(type);
  free(v);
  return st;
}

static cz_status write_config(const hpc_net *m) {
  char text[4096], dt[32], tstop[32], rate[32], je[32];
  cz_gen_format_double(m->p->dt, dt, sizeof dt);
  cz_gen_format_double(m->p->tstop, tstop, sizeof tstop);
  cz_gen_format_double(m->rate, rate, sizeof rate);
  cz_gen_format_double(m->je, je, sizeof je);
  snprintf(text, sizeof text,
           "{\n"
           "  \"manifest\": {\"$BASE_DIR\": \"${configdir}\", \"$NETWORK_DIR\": \"$BASE_DIR/network\",\n"
           "               \"$COMPONENTS_DIR\": \"$BASE_DIR/components\"},\n"
           "  \"target_simulator\": \"NEST\",\n"
           "  \"run\": {\"tstop\": %s, \"dt\": %s, \"nsteps_block\": 5000},\n"
           "  \"inputs\": {\"background\": {\"input_type\": \"poisson\", \"module\": \"poisson_generator\",\n"
           "                              \"node_set\": {\"population\": \"hpc\"}, \"rate\": %s, \"weight\": %s,\n"
           "                              \"delay\": %g, \"seed\": %llu}},\n"
           "  \"output\": {\"output_dir\": \"$BASE_DIR/output\", \"log_file\": \"log.txt\", \"spikes_file\": \"spikes.h5\",\n"
           "             \"spikes_sort_order\": \"time\", \"overwrite_output_dir\": true},\n"
           "  \"components\": {\"point_neuron_models_dir\": \"$COMPONENTS_DIR/cell_models\",\n"
           "                 \"synaptic_models_dir\": \"$COMPONENTS_DIR/synaptic_models\"},\n"
           "  \"networks\": {\n"
           "    \"nodes\": [{\"nodes_file\": \"$NETWORK_DIR/hpc_nodes.h5\", \"node_types_file\": \"$NETWORK_DIR/hpc_node_types.csv\"}],\n"
           "    \"edges\": [{\"edges_file\": \"$NETWORK_DIR/hpc_hpc_edges.h5\", \"edge_types_file\": \"$NETWORK_DIR/hpc_hpc_edge_types.csv\"}]\n"
           "  }\n"
           "}",
           tstop, dt, rate, je, DELAY, (unsigned long long)m->p->seed);
  cJSON *doc = cJSON_Parse(text);
  CZ_CHECK(doc, CZ_ERR_INTERNAL, "hpc: bad config template");
  return cz_gen_write_json(m->dir, "config.json", doc, true);
}

static cz_status write_small_files(const hpc_net *m) {
  CZ_TRY(cz_gen_prepare(m->dir, m->p->overwrite));
  CZ_TRY(write_components(m));
  cz_h5file *f = NULL;
  CZ_TRY(cz_gen_h5_create(m->dir, "network/hpc_nodes.h5", NULL, &f));
  return cz_gen_h5_finish(&f, write_nodes_body(m, f));
}

/* The model, and every target's first edge: in_degree edges each (0 for a skeleton). */
static cz_status net_make(hpc_net *net, const cz_hpc_params *p, const char *dir, uint64_t in_degree) {
  memset(net, 0, sizeof *net);
  CZ_TRY(cz_hpc_model_make(p, &net->m));
  net->p = &net->m.p;
  net->dir = dir;
  net->n_e = net->m.n_e;
  net->n_i = net->m.n_i;
  net->n = net->m.n;
  net->je = net->m.je;
  net->rate = net->m.rate;
  CZ_NEW(net->edge_off, net->n + 1);
  for (uint64_t t = 0; t < net->n; t++) net->edge_off[t + 1] = net->edge_off[t] + in_degree;
  return CZ_OK;
}

static cz_status generate(hpc_net *m) {
  const bool root = cz_comm_rank() == 0;
  CZ_TRY(cz_comm_agree(root ? write_small_files(m) : CZ_OK));
  const cz_gen_edges g = {.dir = m->dir,
                          .file = "network/hpc_hpc_edges.h5",
                          .pop = "hpc_to_hpc",
                          .source_pop = "hpc",
                          .target_pop = "hpc",
                          .n_targets = m->n,
                          .edge_off = m->edge_off,
                          .per_edge_synapse = m->p->stdp,
                          .draw = m->edge_off[m->n] ? draw_target : draw_none,
                          .ctx = m};
  CZ_TRY(cz_gen_write_edges(&g));
  return cz_comm_agree(root ? write_config(m) : CZ_OK); /* last: its presence marks a complete folder */
}

cz_status cz_generate_hpc(const cz_hpc_params *p, const char *dir, uint64_t *n_neurons, uint64_t *n_edges) {
  hpc_net m;
  cz_status st = net_make(&m, p, dir, C_E + C_I);
  if (st == CZ_OK) st = generate(&m);
  *n_neurons = m.n;
  *n_edges = m.edge_off ? m.edge_off[m.n] : 0;
  free(m.edge_off);
  return st;
}

cz_status cz_generate_hpc_skeleton(const cz_hpc_params *p, const char *dir) {
  hpc_net m;
  cz_status st = net_make(&m, p, dir, 0);
  if (st == CZ_OK) st = generate(&m);
  free(m.edge_off);
  return st;
}
