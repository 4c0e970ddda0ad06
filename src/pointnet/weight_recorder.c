#include "pointnet/weight_recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/mem.h"
#include "base/str.h"
#include "comm/comm.h"
#include "pointnet/network.h"
#include "io/weights_out.h"

static bool is_weight_recorder(const cz_cfg_block *b) { return b->module && strcmp(b->module, "weight_recorder") == 0; }

static cz_status string_key(const cz_config *cfg, const cz_cfg_block *b, const char *key, const char **out) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, key);
  CZ_CHECK(cJSON_IsString(j) && j->valuestring[0], CZ_ERR_CONFIG, "%s: reports.%s.%s is missing or not a string",
           cfg->path, b->name, key);
  *out = j->valuestring;
  return CZ_OK;
}

/* BMTK's rule: an absolute file_name is kept, a relative one goes under output_dir unless it
 * already points inside it. */
static cz_status output_path(const cz_config *cfg, const char *report, const char *name, char **out) {
  char key[512];
  snprintf(key, sizeof key, "reports.%s.file_name", report);
  CZ_TRY(cz_cfg_check_output_name(cfg, key, name));
  if (cz_path_is_absolute(name)) return cz_path_join(NULL, name, out);
  char *abs = NULL;
  CZ_TRY(cz_path_absolute(name, &abs));
  const size_t n = strlen(cfg->output_dir);
  if (strncmp(abs, cfg->output_dir, n) == 0 && abs[n] == '/') {
    *out = abs;
    return CZ_OK;
  }
  free(abs);
  return cz_path_join(cfg->output_dir, name, out);
}

static cz_status check_output(const cz_config *cfg, const cz_wrecs *w, const cz_wrec *r) {
  CZ_CHECK(cfg->overwrite_output_dir || !cz_path_exists(r->path), CZ_ERR_OUTPUT,
           "output file %s already exists; set output.overwrite_output_dir to true to replace it, or choose another "
           "folder with --output-dir",
           r->path);
  char key[512];
  snprintf(key, sizeof key, "reports.%s", r->name);
  CZ_TRY(cz_cfg_check_output_file(cfg, key, r->path));
  for (size_t i = 0; i < w->n; i++) {
    CZ_CHECK(strcmp(w->r[i].path, r->path) != 0, CZ_ERR_CONFIG, "%s: reports.%s and reports.%s both write %s",
             cfg->path, w->r[i].name, r->name, r->path);
    CZ_CHECK(strcmp(w->r[i].model_template, r->model_template) != 0, CZ_ERR_CONFIG,
             "%s: reports.%s and reports.%s both define the synapse model %s", cfg->path, w->r[i].name, r->name,
             r->model_template);
  }
  return CZ_OK;
}

static cz_status parse_one(const cz_config *cfg, const cz_cfg_block *b, cz_wrecs *w) {
  const char *model = NULL, *tmpl = NULL, *file = NULL;
  CZ_TRY(string_key(cfg, b, "nest_model", &model));
  CZ_TRY(string_key(cfg, b, "model_template", &tmpl));
  CZ_TRY(string_key(cfg, b, "file_name", &file));
  char where[512];
  snprintf(where, sizeof where, "%s: reports.%s.nest_model", cfg->path, b->name);
  cz_wrec r = {NULL, NULL, CZ_SYN_STATIC, NULL};
  CZ_TRY(cz_syn_rule_of(model, where, &r.rule));
  cz_syn_rule builtin;
  cz_status known = cz_syn_rule_of(tmpl, where, &builtin);
  if (known != CZ_OK) cz_error_clear();
  CZ_CHECK(known != CZ_OK, CZ_ERR_CONFIG,
           "%s: reports.%s.model_template '%s' is a built-in synapse model; the recorded copy needs a new name",
           cfg->path, b->name, tmpl);
  cz_status st = cz_strdup(b->name, &r.name);
  if (st == CZ_OK) st = cz_strdup(tmpl, &r.model_template);
  if (st == CZ_OK) st = output_path(cfg, b->name, file, &r.path);
  if (st == CZ_OK) st = check_output(cfg, w, &r);
  cz_wrec *grown = st == CZ_OK ? realloc(w->r, (w->n + 1) * sizeof *grown) : NULL;
  if (st == CZ_OK && !grown) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st != CZ_OK) {
    free(r.name);
    free(r.model_template);
    free(r.path);
    return st;
  }
  w->r = grown;
  w->r[w->n++] = r;
  return CZ_OK;
}

cz_status cz_wrecs_parse(const cz_config *cfg, cz_wrecs *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < cfg->nreports; i++) {
    const cz_cfg_block *b = &cfg->reports[i];
    if (!b->enabled || !is_weight_recorder(b)) continue;
    cz_status st = parse_one(cfg, b, out);
    if (st != CZ_OK) {
      cz_wrecs_free(out);
      return st;
    }
  }
  return CZ_OK;
}

bool cz_wrecs_in_config(const cz_config *cfg) {
  for (size_t i = 0; i < cfg->nreports; i++)
    if (cfg->reports[i].enabled && is_weight_recorder(&cfg->reports[i])) return true;
  return false;
}

void cz_wrecs_free(cz_wrecs *w) {
  for (size_t i = 0; i < w->n; i++) {
    free(w->r[i].name);
    free(w->r[i].model_template);
    free(w->r[i].path);
  }
  free(w->r);
  memset(w, 0, sizeof *w);
}

cz_status cz_wrecs_resolve(const cz_wrecs *w, const char *model_template, const char *where, cz_syn_rule *rule,
                           int *rec) {
  *rec = -1;
  for (size_t i = 0; w && i < w->n; i++)
    if (strcmp(w->r[i].model_template, model_template) == 0) {
      *rule = w->r[i].rule;
      *rec = (int)i;
      return CZ_OK;
    }
  return cz_syn_rule_of(model_template, where, rule);
}

/* ---------------------------------------------------------------------------- writing */

static int cmp_events(const void *pa, const void *pb) {
  const int64_t *a = pa, *b = pb;
  const int keys[] = {0, 1, 5}; /* stamp, source gid, edge key */
  for (int k = 0; k < 3; k++)
    if (a[keys[k]] != b[keys[k]]) return a[keys[k]] < b[keys[k]] ? -1 : 1;
  return 0;
}

/* ---- ports: NEST's numbering of the recorded synapses ---------------------------------- */

/* Words per listed synapse: report index, source order key, edge key, unused (records travel
 * in pairs of words). */
enum { SYN_WORDS = 4 };

/* NEST's port of a synapse is its index in the connector of its synapse model (the copy a
 * weight_recorder report makes) on its thread, and NEST sorts each connector by source node
 * before the run; synapses of one source keep the order in which they were created. BMTK
 * (one NEST thread) creates the non-virtual nodes population by population and the spike
 * generators of virtual nodes after them, and connects edge population by population in
 * file row order. So ports number a report's synapses by (virtual source last, source gid,
 * edge population, row). */
static int64_t source_key(const cz_network *net, const cz_circuit *c, size_t gid) {
  size_t p, row;
  cz_net_locate(net, gid, &p, &row);
  return (int64_t)((uint64_t)(c->nodes[p].is_virtual[row] ? 1 : 0) << 40 | gid);
}

/* This rank's recorded synapses, SYN_WORDS words each. Owned (*out). */
static cz_status list_recorded(const cz_network *net, const cz_circuit *c, int64_t **out, size_t *n) {
  *out = NULL;
  *n = 0;
  size_t total = 0;
  for (int t = 0; net->plastic && t < net->nthreads; t++) total += net->plastic[t].nsyn;
  int64_t *list = NULL;
  CZ_NEW(list, (total + 1) * SYN_WORDS);
  size_t k = 0;
  for (int t = 0; net->plastic && t < net->nthreads; t++) {
    const cz_plastic *pl = &net->plastic[t];
    if (pl->nsyn == 0) continue;
    for (size_t src = 0; src < net->nsrc; src++)
      for (size_t j = cz_syn_index_span(&pl->index, src).lo; j < cz_syn_index_span(&pl->index, src).hi; j++) {
        const int rec = net->syn_rec[pl->model[j]];
        if (rec < 0) continue;
        int64_t *w = &list[k++ * SYN_WORDS];
        w[0] = rec;
        w[1] = source_key(net, c, src);
        w[2] = (int64_t)pl->edge[j];
        w[3] = 0;
      }
  }
  *out = list;
  *n = k;
  return CZ_OK;
}

static int cmp_creation(const void *pa, const void *pb) {
  const int64_t *a = pa, *b = pb;
  for (int k = 0; k < 3; k++)
    if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
}

static int cmp_edge(const void *pa, const void *pb) {
  const int64_t *a = pa, *b = pb;
  if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[2] != b[2]) return a[2] < b[2] ? -1 : 1;
  return 0;
}

/* Numbers every report's synapses (gathered from all ranks) in NEST's order, into word 3,
 * then orders them by (report, edge key) for port_of. */
static void number_ports(int64_t *syn, size_t n) {
  qsort(syn, n, SYN_WORDS * sizeof *syn, cmp_creation);
  int64_t port = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && syn[i * SYN_WORDS] != syn[(i - 1) * SYN_WORDS]) port = 0;
    syn[i * SYN_WORDS + 3] = port++;
  }
  qsort(syn, n, SYN_WORDS * sizeof *syn, cmp_edge);
}

static uint64_t port_of(const int64_t *syn, size_t n, int64_t rec, int64_t edge) {
  const int64_t key[SYN_WORDS] = {rec, 0, edge, 0};
  const int64_t *hit = bsearch(key, syn, n, SYN_WORDS * sizeof *syn, cmp_edge);
  return hit ? (uint64_t)hit[3] : 0; /* every recorded event's synapse is listed */
}

static void node_of(const cz_network *net, const cz_circuit *c, int64_t gid, uint64_t *id, const char **pop) {
  size_t p, row;
  cz_net_locate(net, (size_t)gid, &p, &row);
  *id = c->nodes[p].node_id[row];
  *pop = c->nodes[p].name;
}

static cz_status write_report(const cz_wrecs *w, size_t r, const cz_network *net, const cz_circuit *c,
                              const int64_t *ev, size_t nev, const int64_t *syn, size_t nsyn) {
  size_t n = 0;
  for (size_t i = 0; i < nev; i++) n += ev[i * CZ_WEV_WORDS + 4] / 256 == (int64_t)r;
  cz_weight_row *rows = NULL;
  CZ_NEW(rows, n ? n : 1);
  size_t k = 0;
  for (size_t i = 0; i < nev; i++) {
    const int64_t *e = &ev[i * CZ_WEV_WORDS];
    if (e[4] / 256 != (int64_t)r) continue;
    cz_weight_row *row = &rows[k++];
    node_of(net, c, e[1], &row->source_node_id, &row->source_population);
    node_of(net, c, e[2], &row->target_node_id, &row->target_population);
    /* NEST prints the time in whole tics with 3 decimals, and BMTK reads the text back. */
    row->time_ms = (double)(e[0] * net->tics_per_step) / 1000.0;
    memcpy(&row->weight, &e[3], sizeof row->weight);
    row->receptor = (int)(e[4] % 256);
    row->port = port_of(syn, nsyn, (int64_t)r, e[5]);
  }
  cz_status st = cz_weights_write_csv(w->r[r].path, rows, n);
  free(rows);
  return st;
}

cz_status cz_wrecs_write(const cz_wrecs *w, const cz_network *net, const cz_circuit *c, const int64_t *ev,
                         size_t nev) {
  if (w->n == 0) return CZ_OK;
  int64_t *all = NULL, *mine = NULL, *syn = NULL;
  size_t n = 0, nmine = 0, nsyn = 0;
  CZ_TRY(cz_comm_agree(list_recorded(net, c, &mine, &nmine)));
  cz_status st = cz_comm_gather_records(mine, nmine, SYN_WORDS, &syn, &nsyn);
  free(mine);
  if (st == CZ_OK) st = cz_comm_gather_records(ev, nev, CZ_WEV_WORDS, &all, &n);
  if (st == CZ_OK && cz_comm_rank() == 0) {
    number_ports(syn, nsyn);
    qsort(all, n, CZ_WEV_WORDS * sizeof *all, cmp_events);
    for (size_t r = 0; r < w->n && st == CZ_OK; r++) st = write_report(w, r, net, c, all, n, syn, nsyn);
  }
  free(all);
  free(syn);
  return cz_comm_agree(st);
}
