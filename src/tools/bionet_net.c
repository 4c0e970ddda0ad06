/* The BioNet benchmark generator (contract in tools/bionet_net.h). */
#include "tools/bionet_net.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/rng.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/h5.h"
#include "io/spikes_out.h"
#include "tools/gen_edges.h"
#include "tools/gen_folder.h"

enum { NTYPES = 7, K_E = 40, K_I = 20, K_X = 10, MAX_DRAWS = 64 };
enum { STREAM_PLACE = 1, STREAM_EDGES = 2, STREAM_EXTERNAL = 3, STREAM_SPIKES = 4 };
enum { EXC = 0, INH = 1 };

/* The example's node types, in node-id order, and its counts out of 450. */
typedef struct cell_type {
  const char *name, *model_type, *template_str, *processing, *morphology, *params;
  int cls; /* EXC or INH */
  bool detailed;
  double count_of_450;
} cell_type;

static const cell_type TYPES[NTYPES] = {
    {"Scnn1a", "biophysical", "ctdb:Biophys1.hoc", "aibs_perisomatic", "Scnn1a_473845048_m.swc", "472363762_fit.json", EXC, true, 80},
    {"Rorb", "biophysical", "ctdb:Biophys1.hoc", "aibs_perisomatic", "Rorb_325404214_m.swc", "473863510_fit.json", EXC, true, 80},
    {"Nr5a1", "biophysical", "ctdb:Biophys1.hoc", "aibs_perisomatic", "Nr5a1_471087815_m.swc", "473863035_fit.json", EXC, true, 80},
    {"PV1", "biophysical", "ctdb:Biophys1.hoc", "aibs_perisomatic", "Pvalb_470522102_m.swc", "472912177_fit.json", INH, true, 30},
    {"PV2", "biophysical", "ctdb:Biophys1.hoc", "aibs_perisomatic", "Pvalb_469628681_m.swc", "473862421_fit.json", INH, true, 30},
    {"LIF_exc", "point_process", "nrn:IntFire1", "NULL", "NULL", "IntFire1_exc_1.json", EXC, false, 100},
    {"LIF_inh", "point_process", "nrn:IntFire1", "NULL", "NULL", "IntFire1_inh_1.json", INH, false, 50},
};

/* Recurrent edge types: 200 + 2 kind + source class, kind 0 excitatory detailed target, 1
 * inhibitory detailed target, 2 IntFire1 target; external: 210 detailed, 211 IntFire1. */
static const char RECURRENT_TYPES[] =
    "edge_type_id pop_name syn_weight delay dynamics_params model_template target_sections distance_range nsyns\n"
    "200 e2bio_e 0.00015 2.0 AMPA_ExcToExc.json Exp2Syn \"['basal', 'apical']\" \"[30.0, 150.0]\" 2\n"
    "201 i2bio_e 0.0002 2.0 GABA_InhToExc.json Exp2Syn \"['somatic', 'basal']\" \"[0.0, 1e+20]\" 2\n"
    "202 e2bio_i 0.0003 2.0 AMPA_ExcToInh.json Exp2Syn \"['somatic', 'basal']\" \"[0.0, 1e+20]\" 2\n"
    "203 i2bio_i 0.0002 2.0 GABA_InhToInh.json Exp2Syn \"['somatic', 'basal']\" \"[0.0, 1e+20]\" 2\n"
    "204 e2lif 0.07 2.0 instantaneousExc.json NULL NULL NULL 1\n"
    "205 i2lif 0.2 2.0 instantaneousInh.json NULL NULL NULL 1\n";
static const char EXTERNAL_TYPES[] =
    "edge_type_id pop_name syn_weight delay dynamics_params model_template target_sections distance_range nsyns\n"
    "210 x2bio 0.0015 2.0 AMPA_ExcToExc.json Exp2Syn \"['basal', 'apical']\" \"[0.0, 1e+20]\" 2\n"
    "211 x2lif 0.22 2.0 instantaneousExc.json NULL NULL NULL 1\n";

typedef struct bio_net {
  const cz_bionet_net_params *p;
  const char *dir;
  uint64_t n, n_ext;
  uint64_t first[NTYPES + 1]; /* node ids of type k: [first[k], first[k + 1]) */
  uint64_t n_class[2];
  double radius, sigma;       /* µm */
  double *x, *y, *z, *rot;    /* [n] */
  uint64_t *rec_off, *ext_off; /* [n + 1] each target's first edge */
} bio_net;

cz_bionet_net_params cz_bionet_net_defaults(void) {
  return (cz_bionet_net_params){450, 3000.0, 0.1, 1, NULL, false, false};
}

/* hh somas (NEURON's squid axon at its own 6.3 °C) on a passive cell, as an Allen fit file. */
static const char HH_SOMA[] =
    "{\"passive\": [{\"ra\": 100.0, \"e_pas\": -65.0, \"cm\": [{\"section\": \"soma\", \"cm\": 1.0}, "
    "{\"section\": \"dend\", \"cm\": 1.0}, {\"section\": \"apic\", \"cm\": 1.0}, {\"section\": \"axon\", \"cm\": 1.0}]}],\n"
    " \"conditions\": [{\"celsius\": 6.3, \"erev\": [], \"v_init\": -65.0}],\n"
    " \"genome\": [{\"section\": \"soma\", \"name\": \"g_pas\", \"value\": 3e-05, \"mechanism\": \"\"},\n"
    "  {\"section\": \"dend\", \"name\": \"g_pas\", \"value\": 3e-05, \"mechanism\": \"\"},\n"
    "  {\"section\": \"apic\", \"name\": \"g_pas\", \"value\": 3e-05, \"mechanism\": \"\"},\n"
    "  {\"section\": \"axon\", \"name\": \"g_pas\", \"value\": 3e-05, \"mechanism\": \"\"},\n"
    "  {\"section\": \"soma\", \"name\": \"gnabar_hh\", \"value\": 0.12, \"mechanism\": \"hh\"},\n"
    "  {\"section\": \"soma\", \"name\": \"gkbar_hh\", \"value\": 0.036, \"mechanism\": \"hh\"},\n"
    "  {\"section\": \"soma\", \"name\": \"gl_hh\", \"value\": 0.0003, \"mechanism\": \"hh\"},\n"
    "  {\"section\": \"soma\", \"name\": \"el_hh\", \"value\": -54.3, \"mechanism\": \"hh\"}]}\n";

static int type_of(const bio_net *m, uint64_t id) {
  int k = 0;
  while (k + 1 < NTYPES && id >= m->first[k + 1]) k++;
  return k;
}

/* The j-th member of class cls, in node-id order. */
static uint64_t class_member(const bio_net *m, int cls, uint64_t j) {
  for (int k = 0; k < NTYPES; k++) {
    if (TYPES[k].cls != cls) continue;
    const uint64_t size = m->first[k + 1] - m->first[k];
    if (j < size) return m->first[k] + j;
    j -= size;
  }
  return 0;
}

/* A source of class cls for target t, drawn as the header says. */
static uint64_t draw_source(const bio_net *m, cz_rng *r, uint64_t t, int cls) {
  uint64_t s = t;
  for (int tries = 0; tries < MAX_DRAWS; tries++) {
    s = class_member(m, cls, cz_rng_next_below(r, m->n_class[cls]));
    if (s == t) continue;
    const double dx = m->x[s] - m->x[t], dz = m->z[s] - m->z[t];
    if (cz_rng_next_uniform(r) < exp(-(dx * dx + dz * dz) / (2.0 * m->sigma * m->sigma))) return s;
  }
  return s != t ? s : class_member(m, cls, (t + 1) % m->n_class[cls]);
}

static void draw_recurrent(const void *ctx, uint64_t t, uint64_t *src, uint32_t *type, double *w, double *d) {
  (void)w, (void)d;
  const bio_net *m = ctx;
  cz_rng r = cz_rng_make(m->p->seed, t, STREAM_EDGES);
  const int k = type_of(m, t);
  const uint32_t kind = TYPES[k].detailed ? (TYPES[k].cls == EXC ? 0u : 1u) : 2u;
  for (int i = 0; i < K_E + K_I; i++) {
    const int cls = i < K_E ? EXC : INH;
    src[i] = draw_source(m, &r, t, cls);
    type[i] = 200 + 2 * kind + (uint32_t)cls;
  }
}

static void draw_external(const void *ctx, uint64_t t, uint64_t *src, uint32_t *type, double *w, double *d) {
  (void)w, (void)d;
  const bio_net *m = ctx;
  cz_rng r = cz_rng_make(m->p->seed, t, STREAM_EXTERNAL);
  const uint32_t et = TYPES[type_of(m, t)].detailed ? 210 : 211;
  for (int i = 0; i < K_X; i++) {
    src[i] = cz_rng_next_below(&r, m->n_ext);
    type[i] = et;
  }
}

/* ------------------------------------------------------------------ the small files */

static cz_status write_node_types(const bio_net *m) {
  char text[4096];
  size_t at = (size_t)snprintf(text, sizeof text,
                               "node_type_id pop_name ei model_type model_template model_processing morphology dynamics_params\n");
  for (int k = 0; k < NTYPES && at < sizeof text; k++)
    at += (size_t)snprintf(text + at, sizeof text - at, "%d %s %s %s %s %s %s %s\n", 100 + k, TYPES[k].name,
                           TYPES[k].cls == EXC ? "e" : "i", TYPES[k].model_type, TYPES[k].template_str,
                           TYPES[k].processing, TYPES[k].morphology,
                           m->p->hh && TYPES[k].detailed ? "hh_soma.json" : TYPES[k].params);
  CZ_CHECK(at < sizeof text, CZ_ERR_INTERNAL, "bionet: node types table too long");
  CZ_TRY(cz_gen_write_text(m->dir, "network/internal_node_types.csv", text));
  CZ_TRY(cz_gen_write_text(m->dir, "network/external_node_types.csv",
                           "node_type_id pop_name model_type\n200 external virtual\n"));
  if (m->p->hh) CZ_TRY(cz_gen_write_text(m->dir, "components/cell_models/hh_soma.json", HH_SOMA));
  CZ_TRY(cz_gen_write_text(m->dir, "network/internal_internal_edge_types.csv", RECURRENT_TYPES));
  return cz_gen_write_text(m->dir, "network/external_internal_edge_types.csv", EXTERNAL_TYPES);
}

static cz_status write_internal_nodes(const bio_net *m, cz_h5file *f) {
  uint64_t *type = cz_calloc(m->n + 1, sizeof *type);
  CZ_CHECK(type, CZ_ERR_NOMEM, "out of memory");
  for (uint64_t i = 0; i < m->n; i++) type[i] = 100 + (uint64_t)type_of(m, i);
  cz_status st = cz_gen_write_node_ids(f, "internal", type, m->n);
  free(type);
  static const char *const cols[4] = {"x", "y", "z", "rotation_angle_yaxis"};
  const double *vals[4] = {m->x, m->y, m->z, m->rot};
  for (int c = 0; st == CZ_OK && c < 4; c++) {
    char path[128];
    snprintf(path, sizeof path, "/nodes/internal/0/%s", cols[c]);
    st = cz_h5_write_f64(f, path, vals[c], m->n, false);
  }
  return st;
}

static cz_status write_external_nodes(const bio_net *m, cz_h5file *f) {
  uint64_t *type = cz_calloc(m->n_ext + 1, sizeof *type);
  CZ_CHECK(type, CZ_ERR_NOMEM, "out of memory");
  for (uint64_t i = 0; i < m->n_ext; i++) type[i] = 200;
  cz_status st = cz_gen_write_node_ids(f, "external", type, m->n_ext);
  free(type);
  /* Group 0 holds one column (x, all 0), as a group without datasets is not a SONATA group. */
  double *zero = cz_calloc(m->n_ext + 1, sizeof *zero);
  if (st == CZ_OK && !zero) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = cz_h5_write_f64(f, "/nodes/external/0/x", zero, m->n_ext, false);
  free(zero);
  return st;
}

/* Every external cell's Poisson train at 10 Hz over [0, tstop), keyed by (seed, node). */
static cz_status write_external_spikes(const bio_net *m) {
  size_t n = 0, cap = 0;
  uint64_t *ids = NULL;
  double *times = NULL;
  cz_status st = CZ_OK;
  for (uint64_t g = 0; st == CZ_OK && g < m->n_ext; g++) {
    cz_rng r = cz_rng_make(m->p->seed, g, STREAM_SPIKES);
    for (double t = -log(1.0 - cz_rng_next_uniform(&r)) * 100.0; st == CZ_OK && t < m->p->tstop;
         t += -log(1.0 - cz_rng_next_uniform(&r)) * 100.0) {
      if (n == cap) {
        cap = cap ? 2 * cap : 4096;
        st = cz_resize((void **)&ids, cap, sizeof *ids);
        if (st == CZ_OK) st = cz_resize((void **)&times, cap, sizeof *times);
        if (st != CZ_OK) break;
      }
      ids[n] = g;
      times[n++] = round(t * 1000.0) / 1000.0; /* µs, as recorded trains are */
    }
  }
  uint32_t *pop = st == CZ_OK ? cz_calloc(n + 1, sizeof *pop) : NULL;
  if (st == CZ_OK && !pop) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  const char *names[1] = {"external"};
  cz_spike_table t = {n, pop, ids, times, 1, names};
  char *path = NULL;
  if (st == CZ_OK) st = cz_spikes_sort(&t, CZ_SORT_BY_TIME);
  if (st == CZ_OK) st = cz_path_join(m->dir, "inputs/external_spikes.h5", &path);
  if (st == CZ_OK) st = cz_spikes_write_h5(path, &t, CZ_SORT_BY_TIME, false);
  free(path);
  free(pop);
  free(ids);
  free(times);
  return st;
}

static cz_status write_config(const bio_net *m) {
  char text[6144], dt[32], tstop[32];
  const char *bio_dir = m->p->hh ? "$BASE_DIR/components/cell_models" : "$COMPONENTS_DIR/biophysical_neuron_templates/ctdb";
  cz_gen_format_double(m->p->dt, dt, sizeof dt);
  cz_gen_format_double(m->p->tstop, tstop, sizeof tstop);
  snprintf(text, sizeof text,
           "{\n"
           "  \"manifest\": {\"$BASE_DIR\": \"${configdir}\", \"$NETWORK_DIR\": \"$BASE_DIR/network\",\n"
           "               \"$COMPONENTS_DIR\": \"%s\"},\n"
           "  \"target_simulator\": \"NEURON\",\n"
           "  \"run\": {\"tstop\": %s, \"dt\": %s, \"dL\": 20.0, \"spike_threshold\": -15.0, \"nsteps_block\": 5000},\n"
           "  \"conditions\": {\"celsius\": %s, \"v_init\": %s},\n"
           "  \"node_sets\": {\"external\": {\"population\": \"external\"}},\n"
           "  \"inputs\": {\"external_spikes\": {\"input_type\": \"spikes\", \"module\": \"sonata\",\n"
           "                                   \"input_file\": \"$BASE_DIR/inputs/external_spikes.h5\", \"node_set\": \"external\"}},\n"
           "  \"output\": {\"output_dir\": \"$BASE_DIR/output\", \"log_file\": \"log.txt\", \"spikes_file\": \"spikes.h5\",\n"
           "             \"spikes_file_csv\": \"spikes.csv\", \"overwrite_output_dir\": true},\n"
           "  \"components\": {\"morphologies_dir\": \"$COMPONENTS_DIR/morphologies\",\n"
           "                 \"biophysical_neuron_models_dir\": \"%s\",\n"
           "                 \"point_neuron_models_dir\": \"$COMPONENTS_DIR/point_neuron_templates\",\n"
           "                 \"synaptic_models_dir\": \"$COMPONENTS_DIR/synaptic_models\"},\n"
           "  \"networks\": {\n"
           "    \"nodes\": [{\"nodes_file\": \"$NETWORK_DIR/internal_nodes.h5\", \"node_types_file\": \"$NETWORK_DIR/internal_node_types.csv\"},\n"
           "              {\"nodes_file\": \"$NETWORK_DIR/external_nodes.h5\", \"node_types_file\": \"$NETWORK_DIR/external_node_types.csv\"}],\n"
           "    \"edges\": [{\"edges_file\": \"$NETWORK_DIR/internal_internal_edges.h5\", \"edge_types_file\": \"$NETWORK_DIR/internal_internal_edge_types.csv\"},\n"
           "              {\"edges_file\": \"$NETWORK_DIR/external_internal_edges.h5\", \"edge_types_file\": \"$NETWORK_DIR/external_internal_edge_types.csv\"}]\n"
           "  }\n"
           "}",
           m->p->components, tstop, dt, m->p->hh ? "6.3" : "34.0", m->p->hh ? "-65.0" : "-80.0", bio_dir);
  cJSON *doc = cJSON_Parse(text);
  CZ_CHECK(doc, CZ_ERR_CONFIG, "bionet: the components folder %s cannot stand in a JSON string", m->p->components);
  return cz_gen_write_json(m->dir, "config.json", doc, true);
}

static cz_status write_small_files(const bio_net *m) {
  CZ_TRY(cz_gen_prepare(m->dir, m->p->overwrite));
  CZ_TRY(write_node_types(m));
  cz_h5file *f = NULL;
  CZ_TRY(cz_gen_h5_create(m->dir, "network/internal_nodes.h5", NULL, &f));
  CZ_TRY(cz_gen_h5_finish(&f, write_internal_nodes(m, f)));
  CZ_TRY(cz_gen_h5_create(m->dir, "network/external_nodes.h5", NULL, &f));
  CZ_TRY(cz_gen_h5_finish(&f, write_external_nodes(m, f)));
  return write_external_spikes(m);
}

/* ------------------------------------------------------------------ the model */

/* The components folder must hold what the folder names. */
static cz_status check_components(const char *dir) {
  CZ_CHECK(dir && *dir, CZ_ERR_ARG,
           "generate bionet: --components DIR is required: BMTK's bio_components folder (morphologies, "
           "biophysical_neuron_templates/ctdb, point_neuron_templates, synaptic_models)");
  for (int k = 0; k < NTYPES; k++) {
    const char *sub[2] = {TYPES[k].detailed ? "morphologies" : NULL,
                          TYPES[k].detailed ? "biophysical_neuron_templates/ctdb" : "point_neuron_templates"};
    const char *file[2] = {TYPES[k].morphology, TYPES[k].params};
    for (int j = 0; j < 2; j++) {
      if (!sub[j]) continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s/%s", dir, sub[j], file[j]);
      CZ_CHECK(cz_path_exists(path), CZ_ERR_ARG, "generate bionet: --components %s lacks %s/%s", dir, sub[j], file[j]);
    }
  }
  return CZ_OK;
}

static cz_status net_make(bio_net *m, const cz_bionet_net_params *p, const char *dir) {
  memset(m, 0, sizeof *m);
  m->p = p;
  m->dir = dir;
  CZ_CHECK(p->cells >= 10 && p->cells <= 100000000, CZ_ERR_ARG, "generate bionet: --cells must be in [10, 1e8] (got %llu)",
           (unsigned long long)p->cells);
  CZ_CHECK(p->dt > 0 && p->tstop > 0, CZ_ERR_ARG, "generate bionet: dt and tstop must be > 0");
  CZ_TRY(check_components(p->components));
  m->n = p->cells;
  m->n_ext = (uint64_t)fmax(1.0, llround((double)m->n / 4.5));
  double cum = 0, total = 0;
  for (int k = 0; k < NTYPES; k++) total += p->hh && !TYPES[k].detailed ? 0 : TYPES[k].count_of_450;
  for (int k = 0; k < NTYPES; k++) {
    cum += p->hh && !TYPES[k].detailed ? 0 : TYPES[k].count_of_450;
    m->first[k + 1] = (uint64_t)llround((double)m->n * cum / total);
    m->n_class[TYPES[k].cls] += m->first[k + 1] - m->first[k];
  }
  CZ_CHECK(m->n_class[EXC] > 1 && m->n_class[INH] > 1, CZ_ERR_ARG, "generate bionet: too few cells");
  m->radius = 150.0 * sqrt((double)m->n / 450.0);
  m->sigma = 0.5 * m->radius;
  CZ_NEW(m->x, m->n + 1);
  CZ_NEW(m->y, m->n + 1);
  CZ_NEW(m->z, m->n + 1);
  CZ_NEW(m->rot, m->n + 1);
  for (uint64_t i = 0; i < m->n; i++) {
    cz_rng r = cz_rng_make(p->seed, i, STREAM_PLACE);
    const double rad = m->radius * sqrt(cz_rng_next_uniform(&r)), phi = 2.0 * M_PI * cz_rng_next_uniform(&r);
    m->x[i] = rad * cos(phi);
    m->z[i] = rad * sin(phi);
    m->y[i] = 300.0 * cz_rng_next_uniform(&r) - 150.0;
    m->rot[i] = 2.0 * M_PI * cz_rng_next_uniform(&r);
  }
  CZ_NEW(m->rec_off, m->n + 1);
  CZ_NEW(m->ext_off, m->n + 1);
  for (uint64_t t = 0; t < m->n; t++) {
    m->rec_off[t + 1] = m->rec_off[t] + K_E + K_I;
    m->ext_off[t + 1] = m->ext_off[t] + K_X;
  }
  return CZ_OK;
}

static void net_free(bio_net *m) {
  free(m->x);
  free(m->y);
  free(m->z);
  free(m->rot);
  free(m->rec_off);
  free(m->ext_off);
}

static cz_status generate(const bio_net *m) {
  const bool root = cz_comm_rank() == 0;
  CZ_TRY(cz_comm_agree(root ? write_small_files(m) : CZ_OK));
  const cz_gen_edges rec = {.dir = m->dir,
                            .file = "network/internal_internal_edges.h5",
                            .pop = "internal_to_internal",
                            .source_pop = "internal",
                            .target_pop = "internal",
                            .n_targets = m->n,
                            .edge_off = m->rec_off,
                            .draw = draw_recurrent,
                            .ctx = m};
  CZ_TRY(cz_gen_write_edges(&rec));
  const cz_gen_edges ext = {.dir = m->dir,
                            .file = "network/external_internal_edges.h5",
                            .pop = "external_to_internal",
                            .source_pop = "external",
                            .target_pop = "internal",
                            .n_targets = m->n,
                            .edge_off = m->ext_off,
                            .draw = draw_external,
                            .ctx = m};
  CZ_TRY(cz_gen_write_edges(&ext));
  return cz_comm_agree(root ? write_config(m) : CZ_OK); /* last: its presence marks a complete folder */
}

cz_status cz_generate_bionet(const cz_bionet_net_params *p, const char *dir, uint64_t *n_edges) {
  bio_net m;
  cz_status st = net_make(&m, p, dir);
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = generate(&m);
  *n_edges = st == CZ_OK ? m.rec_off[m.n] + m.ext_off[m.n] : 0;
  net_free(&m);
  return st;
}
