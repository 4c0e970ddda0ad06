/* The Potjans-Diesmann microcircuit generator (contract in tools/microcircuit.h). */
#include "tools/microcircuit.h"

#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/rng.h"
#include "comm/comm.h"
#include "io/h5.h"
#include "tools/gen_edges.h"
#include "tools/gen_folder.h"

enum { NPOP = 8, STREAM_VM = 1, STREAM_EDGES = 16 };

static const char *const k_pop[NPOP] = {"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};
static const double k_n_full[NPOP] = {20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948};
static const double k_conn[NPOP][NPOP] = {
    {0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0},
    {0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0},
    {0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0},
    {0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0},
    {0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0},
    {0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0},
    {0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
    {0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443}};
static const double k_k_ext[NPOP] = {1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100};
static const double k_v_mean[NPOP] = {-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43};
static const double k_v_sd[NPOP] = {5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48};
static const double C_M = 250.0, TAU_M = 10.0, TAU_SYN = 0.5, PSP_E = 0.15, NU_BG = 8.0, D_EXT = 1.5;

/* Sizes, synapse counts and per-target in-degrees, the same on every rank. */
typedef struct mc_net {
  const cz_mc_params *p;
  const char *dir;
  uint64_t n[NPOP], first[NPOP], N;
  uint32_t *count[NPOP][NPOP]; /* [y][x][target in y]: synapses from x onto each target */
  uint64_t *edge_off;          /* [N + 1] first edge of each target */
  double psc_e;                /* pA of a 0.15 mV excitatory PSP */
} mc_net;

cz_mc_params cz_mc_defaults(void) { return (cz_mc_params){0.1, 1000.0, 0.1, 1, false, false}; }

/* The current of a PSP of 1 mV peak for iaf_psc_exp (the reference's PSC_over_PSP). */
static double psc_over_psp(void) {
  const double sub = 1.0 / (TAU_SYN - TAU_M), pre = TAU_M * TAU_SYN / C_M * sub, frac = pow(TAU_M / TAU_SYN, sub);
  return 1.0 / (pre * (pow(frac, TAU_M) - pow(frac, TAU_SYN)));
}

static void mc_free(mc_net *m) {
  for (int y = 0; y < NPOP; y++)
    for (int x = 0; x < NPOP; x++) free(m->count[y][x]);
  free(m->edge_off);
}

/* Splits Q synapses of projection (y, x) over y's targets, uniformly (a multinomial), as
 * drawing targets with replacement does. */
static cz_status split_projection(mc_net *m, int y, int x, uint64_t q, double *ones, gsl_rng *r) {
  CZ_NEW(m->count[y][x], m->n[y]);
  if (q == 0) return CZ_OK;
  gsl_rng_set(r, (unsigned long)(cz_rng_u64(m->p->seed, (uint64_t)(y * NPOP + x), 7, 0) & 0xffffffffu));
  unsigned int *c = cz_calloc(m->n[y], sizeof *c);
  CZ_CHECK(c != NULL, CZ_ERR_NOMEM, "out of memory");
  gsl_ran_multinomial(r, m->n[y], (unsigned int)q, ones, c);
  for (uint64_t i = 0; i < m->n[y]; i++) m->count[y][x][i] = c[i];
  free(c);
  return CZ_OK;
}

static cz_status plan(mc_net *m) {
  for (int y = 0; y < NPOP; y++) {
    m->n[y] = (uint64_t)fmax(1.0, llround(k_n_full[y] * m->p->scale));
    m->first[y] = m->N;
    m->N += m->n[y];
  }
  m->psc_e = PSP_E * psc_over_psp();
  uint64_t nmax = 0;
  for (int y = 0; y < NPOP; y++) nmax = m->n[y] > nmax ? m->n[y] : nmax;
  double *ones = cz_calloc(nmax, sizeof *ones);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  cz_status st = ones && r ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (uint64_t i = 0; st == CZ_OK && i < nmax; i++) ones[i] = 1.0;
  for (int y = 0; y < NPOP && st == CZ_OK; y++)
    for (int x = 0; x < NPOP && st == CZ_OK; x++) {
      const double c = k_conn[y][x], prod = k_n_full[x] * k_n_full[y];
      const double q_full = c > 0 ? log(1.0 - c) / log((prod - 1.0) / prod) : 0.0;
      st = split_projection(m, y, x, (uint64_t)llround(q_full / k_n_full[y] * (double)m->n[y]), ones, r);
    }
  free(ones);
  if (r) gsl_rng_free(r);
  CZ_TRY(st);
  CZ_NEW(m->edge_off, m->N + 1);
  for (int y = 0; y < NPOP; y++)
    for (uint64_t i = 0; i < m->n[y]; i++) {
      uint64_t k = 0;
      for (int x = 0; x < NPOP; x++) k += m->count[y][x][i];
      m->edge_off[m->first[y] + i + 1] = m->edge_off[m->first[y] + i] + k;
    }
  return CZ_OK;
}

static int pop_of(const mc_net *m, uint64_t gid) {
  int y = 0;
  while (y + 1 < NPOP && gid >= m->first[y + 1]) y++;
  return y;
}

/* ---- small files (rank 0) ------------------------------------------------------------- */

/* The DC equivalent of population y's background input (none when it comes as Poisson trains). */
static double dc_of(const mc_net *m, int y) {
  return m->p->poisson ? 0.0 : k_k_ext[y] * TAU_SYN * m->psc_e * NU_BG * 1e-3;
}

/* The config's "inputs": none with the DC drive, else one Poisson input per population. */
static void drive_inputs(const mc_net *m, char *out, size_t len) {
  size_t used = (size_t)snprintf(out, len, "{");
  for (int y = 0; m->p->poisson && y < NPOP && used < len; y++)
    used += (size_t)snprintf(out + used, len - used,
                             "%s\n    \"background_%s\": {\"input_type\": \"poisson\", \"module\": \"poisson_generator\", "
                             "\"node_set\": {\"pop_name\": \"%s\"}, \"rate\": %.17g, \"weight\": %.17g, \"delay\": %.17g, "
                             "\"seed\": %llu}",
                             y ? "," : "", k_pop[y], k_pop[y], k_k_ext[y] * NU_BG, m->psc_e, D_EXT,
                             (unsigned long long)m->p->seed);
  if (used < len) snprintf(out + used, len - used, "%s}", m->p->poisson ? "\n  " : "");
}

static cz_status write_components(const mc_net *m) {
  for (int y = 0; y < NPOP; y++) {
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddNumberToObject(o, "C_m", C_M) && cJSON_AddNumberToObject(o, "tau_m", TAU_M) &&
              cJSON_AddNumberToObject(o, "E_L", -65.0) && cJSON_AddNumberToObject(o, "V_th", -50.0) &&
              cJSON_AddNumberToObject(o, "V_reset", -65.0) && cJSON_AddNumberToObject(o, "t_ref", 2.0) &&
              cJSON_AddNumberToObject(o, "tau_syn_ex", TAU_SYN) && cJSON_AddNumberToObject(o, "tau_syn_in", TAU_SYN) &&
              cJSON_AddNumberToObject(o, "I_e", dc_of(m, y));
    if (!ok) {
      cJSON_Delete(o);
      return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    }
    char rel[64];
    snprintf(rel, sizeof rel, "components/cell_models/%s.json", k_pop[y]);
    CZ_TRY(cz_gen_write_json(m->dir, rel, o, false));
  }
  CZ_TRY(cz_gen_write_json(m->dir, "components/synaptic_models/static.json", cJSON_CreateObject(), false));
  return CZ_OK;
}

static cz_status write_type_tables(const mc_net *m) {
  char nodes[2048] = "node_type_id model_type model_template dynamics_params pop_name ei\n";
  char edges[2048] = "edge_type_id target_query source_query dynamics_params model_template\n";
  for (int y = 0; y < NPOP; y++) {
    char line[256];
    snprintf(line, sizeof line, "%d point_neuron nest:iaf_psc_exp %s.json %s %s\n", 100 + y, k_pop[y], k_pop[y],
             y % 2 ? "i" : "e");
    strncat(nodes, line, sizeof nodes - strlen(nodes) - 1);
    snprintf(line, sizeof line, "%d * pop_name=='%s' static.json static_synapse\n", 100 + y, k_pop[y]);
    strncat(edges, line, sizeof edges - strlen(edges) - 1);
  }
  CZ_TRY(cz_gen_write_text(m->dir, "network/cortex_node_types.csv", nodes));
  CZ_TRY(cz_gen_write_text(m->dir, "network/cortex_cortex_edge_types.csv", edges));
  return CZ_OK;
}

static cz_status write_nodes_body(const mc_net *m, cz_h5file *f) {
  uint64_t *type = cz_calloc(m->N + 1, sizeof *type);
  double *v = cz_calloc(m->N + 1, sizeof *v);
  cz_status st = type && v ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (uint64_t g = 0; st == CZ_OK && g < m->N; g++) {
    const int y = pop_of(m, g);
    cz_rng r = cz_rng_make(m->p->seed, g, STREAM_VM);
    type[g] = (uint64_t)(100 + y);
    v[g] = k_v_mean[y] + k_v_sd[y] * cz_rng_next_normal(&r);
  }
  if (st == CZ_OK) st = cz_gen_write_nodes(f, "cortex", type, v, m->N);
  free(type);
  free(v);
  return st;
}

static cz_status write_config(const mc_net *m) {
  char text[8192], inputs[4096];
  char dt[32], tstop[32];
  drive_inputs(m, inputs, sizeof inputs);
  cz_gen_format_double(m->p->dt, dt, sizeof dt);
  cz_gen_format_double(m->p->tstop, tstop, sizeof tstop);
  snprintf(text, sizeof text,
           "{\n"
           "  \"manifest\": {\"$BASE_DIR\": \"${configdir}\", \"$NETWORK_DIR\": \"$BASE_DIR/network\",\n"
           "               \"$COMPONENTS_DIR\": \"$BASE_DIR/components\"},\n"
           "  \"target_simulator\": \"NEST\",\n"
           "  \"run\": {\"tstop\": %s, \"dt\": %s, \"nsteps_block\": 5000},\n"
           "  \"inputs\": %s,\n"
           "  \"output\": {\"output_dir\": \"$BASE_DIR/output\", \"log_file\": \"log.txt\", \"spikes_file\": \"spikes.h5\",\n"
           "             \"spikes_sort_order\": \"time\", \"overwrite_output_dir\": true},\n"
           "  \"components\": {\"point_neuron_models_dir\": \"$COMPONENTS_DIR/cell_models\",\n"
           "                 \"synaptic_models_dir\": \"$COMPONENTS_DIR/synaptic_models\"},\n"
           "  \"networks\": {\n"
           "    \"nodes\": [{\"nodes_file\": \"$NETWORK_DIR/cortex_nodes.h5\", \"node_types_file\": \"$NETWORK_DIR/cortex_node_types.csv\"}],\n"
           "    \"edges\": [{\"edges_file\": \"$NETWORK_DIR/cortex_cortex_edges.h5\", \"edge_types_file\": \"$NETWORK_DIR/cortex_cortex_edge_types.csv\"}]\n"
           "  }\n"
           "}",
           tstop, dt, inputs);
  cJSON *doc = cJSON_Parse(text);
  CZ_CHECK(doc, CZ_ERR_INTERNAL, "microcircuit: bad config template");
  return cz_gen_write_json(m->dir, "config.json", doc, true);
}

/* ---- edges (all ranks) ---------------------------------------------------------------- */

/* Target t's edges, in source population order (cz_gen_edges.draw). */
static void draw_target(const void *ctx, uint64_t t, uint64_t *src, uint32_t *type, double *w, double *d) {
  const mc_net *m = ctx;
  const int y = pop_of(m, t);
  const uint64_t row = t - m->first[y];
  size_t at = 0;
  for (int x = 0; x < NPOP; x++) {
    const uint32_t k = m->count[y][x][row];
    if (!k) continue;
    cz_rng r = cz_rng_make(m->p->seed, t, STREAM_EDGES + (uint64_t)x);
    const bool exc = x % 2 == 0;
    const double w_mean = exc ? m->psc_e * (x == 2 && y == 0 ? 2.0 : 1.0) : -4.0 * m->psc_e;
    const double d_mean = exc ? 1.5 : 0.75;
    for (uint32_t i = 0; i < k; i++, at++) {
      src[at] = m->first[x] + cz_rng_next_below(&r, m->n[x]);
      type[at] = (uint32_t)(100 + x);
      double v, dl;
      do v = w_mean + 0.1 * fabs(w_mean) * cz_rng_next_normal(&r);
      while (exc ? v < 0.0 : v > 0.0);
      w[at] = (double)(float)v;
      do dl = d_mean + 0.5 * d_mean * cz_rng_next_normal(&r);
      while (dl < 0.5 * m->p->dt);
      d[at] = dl;
    }
  }
}

static cz_status write_edges(const mc_net *m) {
  const cz_gen_edges g = {m->dir, "network/cortex_cortex_edges.h5", "cortex_to_cortex", "cortex", "cortex", m->N,
                          m->edge_off, true, draw_target, m};
  return cz_gen_write_edges(&g);
}

static cz_status write_small_files(const mc_net *m) {
  CZ_TRY(cz_gen_prepare(m->dir, m->p->overwrite));
  CZ_TRY(write_components(m));
  CZ_TRY(write_type_tables(m));
  cz_h5file *f = NULL;
  CZ_TRY(cz_gen_h5_create(m->dir, "network/cortex_nodes.h5", NULL, &f));
  CZ_TRY(cz_gen_h5_finish(&f, write_nodes_body(m, f)));
  return CZ_OK;
}

static cz_status generate(mc_net *m) {
  CZ_TRY(plan(m));
  const bool root = cz_comm_rank() == 0;
  CZ_TRY(cz_comm_agree(root ? write_small_files(m) : CZ_OK));
  CZ_TRY(write_edges(m));
  CZ_TRY(cz_comm_agree(root ? write_config(m) : CZ_OK)); /* last: its presence marks a complete folder */
  return CZ_OK;
}

cz_status cz_generate_microcircuit(const cz_mc_params *p, const char *dir, uint64_t *n_neurons, uint64_t *n_edges) {
  CZ_CHECK(p->scale > 0 && p->scale <= 1, CZ_ERR_ARG, "microcircuit: --scale must be in (0, 1] (got %g)", p->scale);
  CZ_CHECK(p->dt > 0 && p->tstop > 0, CZ_ERR_ARG, "microcircuit: dt and tstop must be > 0");
  mc_net m;
  memset(&m, 0, sizeof m);
  m.p = p;
  m.dir = dir;
  cz_status st = generate(&m);
  *n_neurons = m.N;
  *n_edges = m.edge_off ? m.edge_off[m.N] : 0;
  mc_free(&m);
  return st;
}
