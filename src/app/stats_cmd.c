/* `cadenza stats`: is a run statistically the network it should be?
 *
 *   cadenza stats CONFIG [--spikes FILE] [--group-by ATTR] [--tmin MS] [--tmax MS] [--bin MS]
 *                 [--cc-neurons N] [--seed S] [-o DIR] [--overwrite]
 *   cadenza stats ks DIR... [--reference DIR...] [--check]
 *
 * The first form groups the simulated (not virtual) nodes of CONFIG's circuit by the value of a
 * node attribute (pop_name unless told; "population" groups by SONATA population) and writes,
 * into DIR, one JSON object per statistic that maps each group to its values, the layout of a
 * seed folder of the Potjans-Diesmann model's reference data (performance.md 7.2):
 *   rates.json      every neuron's rate over the window [tmin, tmax] (both ends included);
 *   spike_cvs.json  the ISI CV of every neuron with at least 3 spikes in the window;
 *   spike_ccs.json  the correlation coefficient of the spike counts in bins of --bin ms of
 *                   every pair among N neurons of the group, drawn keyed by the seed and the
 *                   group (the same neurons for every run of one network); a pair with a
 *                   silent neuron is null (the reference files write NaN).
 * The spikes are those of the config's output (or --spikes), and must be a run of this config:
 * a spike after run.tstop, a population the circuit does not simulate or a node id it does not
 * have is an error (exit 2). Without --group-by, nodes without pop_name are grouped by
 * model_name, else by population, and the output says so. Nothing is written when a file of
 * DIR would be replaced without --overwrite, or when anything fails.
 *
 * The second form reads such folders (ours; with --reference those of another simulator or of
 * the published ensemble, whose NaN entries it accepts) and prints, per statistic and group,
 * the KS distances between every two folders of a set and between the two sets. The published
 * criterion (Dasbach et al. 2021): an implementation is statistically equivalent when its
 * distances to the reference realizations stay within the reference's own spread. Here a
 * statistic is "within" when the mean distance between the sets is at most the reference's
 * mean pairwise distance plus twice its standard deviation; --check makes any statistic that
 * is not an error (exit 1). */
#include "app/stats_cmd.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/spike_stats.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/rng.h"
#include "base/str.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/h5.h"
#include "io/part_file.h"
#include "io/spike_input.h"

enum { NSTATS = 3, STREAM_CC_SAMPLE = 0x5343 };
static const char *const k_stat_file[NSTATS] = {"rates.json", "spike_cvs.json", "spike_ccs.json"};
static const char *const k_stat_name[NSTATS] = {"rate", "cv", "cc"};

/* ---- groups of neurons -------------------------------------------------------------------- */

/* The members of one group: rows of populations of the circuit, in circuit order. */
typedef struct group {
  char *name;
  size_t n, cap;
  uint32_t *pop;
  size_t *row;
} group;

typedef struct groups {
  size_t n;
  group *g;
} groups;

static void groups_free(groups *gs) {
  for (size_t i = 0; i < gs->n; i++) {
    free(gs->g[i].name);
    free(gs->g[i].pop);
    free(gs->g[i].row);
  }
  free(gs->g);
  *gs = (groups){0, NULL};
}

static cz_status group_add(group *g, uint32_t pop, size_t row) {
  if (g->n == g->cap) {
    const size_t cap = g->cap ? 2 * g->cap : 64;
    uint32_t *p = realloc(g->pop, cap * sizeof *p);
    if (p) g->pop = p;
    size_t *r = realloc(g->row, cap * sizeof *r);
    if (r) g->row = r;
    CZ_CHECK(p && r, CZ_ERR_NOMEM, "out of memory");
    g->cap = cap;
  }
  g->pop[g->n] = pop;
  g->row[g->n++] = row;
  return CZ_OK;
}

/* The group named name, added when new (*last: the group asked for last, tried first, as
 * neighbouring nodes mostly share one). */
static cz_status group_named(groups *gs, const char *name, size_t *last, group **out) {
  if (*last < gs->n && strcmp(gs->g[*last].name, name) == 0) {
    *out = &gs->g[*last];
    return CZ_OK;
  }
  for (size_t i = 0; i < gs->n; i++)
    if (strcmp(gs->g[i].name, name) == 0) {
      *last = i;
      *out = &gs->g[i];
      return CZ_OK;
    }
  group *g = realloc(gs->g, (gs->n + 1) * sizeof *g);
  CZ_CHECK(g, CZ_ERR_NOMEM, "out of memory");
  gs->g = g;
  gs->g[gs->n] = (group){0};
  CZ_TRY(cz_strdup(name, &gs->g[gs->n].name));
  *last = gs->n;
  *out = &gs->g[gs->n++];
  return CZ_OK;
}

/* The group name of a node: its attribute's text (numbers in their shortest form). */
static bool attr_text(const cz_node_pop *p, size_t row, const char *attr, char *buf, size_t len) {
  const cz_value v = cz_circuit_node_attr(p, row, attr);
  if (v.kind == CZ_VAL_STR) snprintf(buf, len, "%s", v.str);
  else if (v.kind == CZ_VAL_NUM) snprintf(buf, len, "%.15g", v.num);
  return v.kind != CZ_VAL_NULL;
}

/* Whether every simulated population of c has attribute attr. */
static bool all_have(const cz_circuit *c, const char *attr) {
  for (size_t k = 0; k < c->nnodes; k++)
    if (c->nodes[k].nvirtual < c->nodes[k].n && !cz_circuit_has_attr(&c->nodes[k], attr)) return false;
  return true;
}

/* The default grouping, pop_name, where the nodes have it; else model_name, else the SONATA
 * population, with a note saying so. */
static const char *default_grouping(const cz_circuit *c, const char *config) {
  static const char *const choices[] = {"pop_name", "model_name"};
  for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
    if (!all_have(c, choices[i])) continue;
    if (i > 0) printf("cadenza stats: the nodes of %s have no pop_name; grouped by %s instead\n", config, choices[i]);
    return choices[i];
  }
  printf("cadenza stats: the nodes of %s have no pop_name or model_name; grouped by population instead\n", config);
  return "population";
}

static cz_status group_nodes(const cz_circuit *c, const char *config, const char *attr, groups *gs) {
  const bool by_pop = strcmp(attr, "population") == 0;
  size_t last = 0;
  char name[512];
  for (size_t k = 0; k < c->nnodes; k++) {
    const cz_node_pop *p = &c->nodes[k];
    if (p->nvirtual == p->n) continue;
    CZ_CHECK(by_pop || cz_circuit_has_attr(p, attr), CZ_ERR_CONFIG,
             "%s: the nodes of population %s have no attribute %s to group by (--group-by ATTR, or population)",
             config, p->name, attr);
    for (size_t row = 0; row < p->n; row++) {
      if (cz_node_is_virtual(p, row)) continue;
      if (by_pop) snprintf(name, sizeof name, "%s", p->name);
      else
        CZ_CHECK(attr_text(p, row, attr, name, sizeof name), CZ_ERR_CONFIG,
                 "%s: node %llu of population %s has no value of %s to group by", config,
                 (unsigned long long)cz_node_id(p, row), p->name, attr);
      group *g = NULL;
      CZ_TRY(group_named(gs, name, &last, &g));
      CZ_TRY(group_add(g, (uint32_t)k, row));
    }
  }
  CZ_CHECK(gs->n > 0, CZ_ERR_CONFIG, "%s: the circuit has no simulated nodes", config);
  return CZ_OK;
}

/* ---- spikes per node ---------------------------------------------------------------------- */

/* The spikes of one population in the window: row r's are t[first[r] .. first[r] + count[r]),
 * sorted. */
typedef struct pop_spikes {
  cz_spike_trains *trains;
  size_t *first, *count; /* [rows] */
} pop_spikes;

static void pop_spikes_free(pop_spikes *ps, size_t n) {
  for (size_t i = 0; ps && i < n; i++) {
    cz_spike_trains_destroy(&ps[i].trains);
    free(ps[i].first);
    free(ps[i].count);
  }
  free(ps);
}

/* The file population that holds population p's spikes: the same name, or the only population
 * of a file without names (legacy h5, CSV) when the circuit simulates one population; NULL when
 * none (p was silent). */
static const char *file_pop_of(char **names, size_t n, const char *pop, size_t nsimulated) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(names[i], pop) == 0) return names[i];
  return n == 1 && names[0][0] == '\0' && nsimulated == 1 ? names[0] : NULL;
}

/* Keeps the spikes in [t0, t1] and indexes them by row of p. */
static cz_status index_spikes(const cz_node_pop *p, const char *path, double t0, double t1, pop_spikes *ps) {
  cz_spike_trains *t = ps->trains;
  CZ_NEW(ps->first, p->n + 1);
  CZ_NEW(ps->count, p->n + 1);
  size_t w = 0, row = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (!(t->timestamps[i] >= t0 && t->timestamps[i] <= t1)) continue;
    /* the trains come sorted by node id: a node's spikes are one run */
    if (w == 0 || t->node_ids[i] != t->node_ids[w - 1]) {
      CZ_CHECK(cz_circuit_row_of(p, t->node_ids[i], &row), CZ_ERR_FORMAT,
               "%s: node id %llu of population %s is not a node of the circuit", path,
               (unsigned long long)t->node_ids[i], p->name);
      ps->first[row] = w;
    }
    t->node_ids[w] = t->node_ids[i];
    t->timestamps[w++] = t->timestamps[i];
    ps->count[row]++;
  }
  t->n = w;
  return CZ_OK;
}

/* Whether the spikes of file population fpop (read as circuit population p) can come from a
 * run of this config: times in [0, tstop], node ids of the population. A spikes file of
 * another network or run (a stale one) fails here rather than giving statistics of the wrong
 * neurons. */
static cz_status check_belongs(const cz_node_pop *p, const cz_spike_trains *t, const char *path, const char *config,
                               double tstop) {
  for (size_t i = 0; i < t->n; i++) {
    size_t row;
    CZ_CHECK(t->timestamps[i] >= 0 && t->timestamps[i] <= tstop + 1e-9, CZ_ERR_FORMAT,
             "%s: a spike of node %llu of population %s at %g ms is outside the run of %s (0 to run.tstop %g ms): "
             "the spikes file is not this config's (--spikes, or run the config again)",
             path, (unsigned long long)t->node_ids[i], p->name, t->timestamps[i], config, tstop);
    CZ_CHECK(cz_circuit_row_of(p, t->node_ids[i], &row) && !cz_node_is_virtual(p, row), CZ_ERR_FORMAT,
             "%s: node id %llu of population %s is not a simulated node of the circuit of %s (%zu nodes): the "
             "spikes file is not this config's (--spikes, or run the config again)",
             path, (unsigned long long)t->node_ids[i], p->name, config, p->n);
  }
  return CZ_OK;
}

/* Every named population of the file is a simulated population of the circuit. */
static cz_status check_populations(const cz_circuit *c, char **names, size_t n, const char *path,
                                   const char *config) {
  for (size_t i = 0; i < n; i++) {
    if (!names[i][0]) continue;
    const int k = cz_circuit_find_pop(c, names[i]);
    CZ_CHECK(k >= 0 && c->nodes[k].nvirtual < c->nodes[k].n, CZ_ERR_FORMAT,
             "%s: spike population %s is not a simulated population of the circuit of %s: the spikes file is not "
             "this config's (--spikes, or run the config again)",
             path, names[i], config);
  }
  return CZ_OK;
}

static cz_status read_spikes(const cz_circuit *c, const char *config, double tstop, const char *path, double t0,
                             double t1, pop_spikes **out) {
  char **names = NULL;
  size_t nnames = 0, nsimulated = 0, found = 0;
  CZ_TRY(cz_spike_input_populations(path, &names, &nnames));
  for (size_t k = 0; k < c->nnodes; k++) nsimulated += c->nodes[k].nvirtual < c->nodes[k].n;
  pop_spikes *ps = cz_calloc(c->nnodes + 1, sizeof *ps);
  cz_status st = ps ? check_populations(c, names, nnames, path, config) : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && nnames == 1 && names[0][0] == '\0' && nsimulated > 1)
    st = CZ_ERROR(CZ_ERR_FORMAT,
                  "%s: its spikes are read as one population (CSV, legacy h5), but the circuit simulates %zu: "
                  "give the SONATA spikes.h5, whose populations are named",
                  path, nsimulated);
  for (size_t k = 0; k < c->nnodes && st == CZ_OK; k++) {
    const cz_node_pop *p = &c->nodes[k];
    const char *fp = p->nvirtual < p->n ? file_pop_of(names, nnames, p->name, nsimulated) : NULL;
    if (fp) {
      found++;
      st = cz_spike_input_read(path, NULL, fp[0] ? fp : p->name, &ps[k].trains);
      if (st == CZ_OK) st = check_belongs(p, ps[k].trains, path, config, tstop);
      if (st == CZ_OK) st = index_spikes(p, path, t0, t1, &ps[k]);
    } else if (st == CZ_OK) {
      ps[k].first = cz_calloc(p->n + 1, sizeof *ps[k].first);
      ps[k].count = cz_calloc(p->n + 1, sizeof *ps[k].count);
      if (!ps[k].first || !ps[k].count) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    }
  }
  if (st == CZ_OK && found == 0 && nnames > 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: none of its spike populations (%s%s) is a simulated population of the circuit",
                  path, names[0][0] ? names[0] : "unnamed", nnames > 1 ? ", ..." : "");
  cz_spike_input_free_names(names, nnames);
  if (st != CZ_OK) {
    pop_spikes_free(ps, c->nnodes);
    return st;
  }
  *out = ps;
  return CZ_OK;
}

/* ---- the statistics of a run -------------------------------------------------------------- */

typedef struct stats_opts {
  const char *config, *spikes, *group_by, *out;
  double tmin, tmax, bin;
  long long ncc, seed;
  bool overwrite;
} stats_opts;

/* One statistic of every group: group i's values are v[i][0 .. n[i]). */
typedef struct stat_table {
  double **v;
  size_t *n;
} stat_table;

static void stat_table_free(stat_table *s, size_t ngroups) {
  for (size_t i = 0; s->v && i < ngroups; i++) free(s->v[i]);
  free(s->v);
  free(s->n);
  *s = (stat_table){NULL, NULL};
}

static const double *spikes_of(const pop_spikes *ps, const group *g, size_t m, size_t *n) {
  const pop_spikes *p = &ps[g->pop[m]];
  *n = p->count[g->row[m]];
  return *n ? p->trains->timestamps + p->first[g->row[m]] : NULL;
}

static int cmp_size(const void *a, const void *b) {
  const size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* The members whose counts are correlated: k of them drawn without replacement (a partial
 * shuffle keyed by the seed and the group's index), in member order. */
static cz_status cc_sample(const group *g, size_t gi, const stats_opts *o, size_t **pick, size_t *k) {
  *k = (size_t)o->ncc < g->n ? (size_t)o->ncc : g->n;
  size_t *idx = NULL;
  CZ_NEW(idx, g->n + 1);
  for (size_t i = 0; i < g->n; i++) idx[i] = i;
  cz_rng r = cz_rng_make((uint64_t)o->seed, gi, STREAM_CC_SAMPLE);
  for (size_t i = 0; i < *k; i++) {
    const size_t j = i + (size_t)cz_rng_next_below(&r, g->n - i);
    const size_t x = idx[i];
    idx[i] = idx[j];
    idx[j] = x;
  }
  qsort(idx, *k, sizeof *idx, cmp_size);
  *pick = idx;
  return CZ_OK;
}

static cz_status group_ccs(const group *g, size_t gi, const pop_spikes *ps, const stats_opts *o, stat_table *cc) {
  size_t *pick = NULL, k = 0;
  CZ_TRY(cc_sample(g, gi, o, &pick, &k));
  const size_t nbins = cz_stats_nbins(o->tmin, o->tmax, o->bin);
  cz_stats_counts *counts = cz_calloc(k + 1, sizeof *counts);
  cz_status st = counts ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < k && st == CZ_OK; i++) {
    size_t n = 0;
    const double *t = spikes_of(ps, g, pick[i], &n);
    st = cz_stats_counts_of(t, n, o->tmin, o->tmax, o->bin, nbins, &counts[i]);
  }
  const size_t npairs = k * (k - (k > 0)) / 2;
  if (st == CZ_OK && !(cc->v[gi] = cz_calloc(npairs + 1, sizeof *cc->v[gi]))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < k && st == CZ_OK; i++)
    for (size_t j = i + 1; j < k; j++) cc->v[gi][cc->n[gi]++] = cz_stats_count_cc(&counts[i], &counts[j], nbins);
  for (size_t i = 0; counts && i < k; i++) cz_stats_counts_free(&counts[i]);
  free(counts);
  free(pick);
  return st;
}

static cz_status group_stats(const group *g, size_t gi, const pop_spikes *ps, const stats_opts *o, stat_table *s) {
  CZ_NEW(s[0].v[gi], g->n + 1);
  CZ_NEW(s[1].v[gi], g->n + 1);
  for (size_t m = 0; m < g->n; m++) {
    size_t n = 0;
    const double *t = spikes_of(ps, g, m, &n);
    s[0].v[gi][s[0].n[gi]++] = cz_stats_rate(n, o->tmin, o->tmax);
    double cv;
    if (cz_stats_isi_cv(t, n, &cv)) s[1].v[gi][s[1].n[gi]++] = cv;
  }
  return group_ccs(g, gi, ps, o, &s[2]);
}

/* ---- writing ------------------------------------------------------------------------------ */

static cz_status stat_json(const groups *gs, const stat_table *s, char **text) {
  cJSON *root = cJSON_CreateObject();
  CZ_CHECK(root, CZ_ERR_NOMEM, "out of memory");
  bool ok = true;
  for (size_t i = 0; i < gs->n && ok; i++) {
    cJSON *arr = cJSON_AddArrayToObject(root, gs->g[i].name);
    for (size_t j = 0; arr && j < s->n[i] && ok; j++) {
      const double x = s->v[i][j];
      ok = cJSON_AddItemToArray(arr, isfinite(x) ? cJSON_CreateNumber(x) : cJSON_CreateNull());
    }
    ok = ok && arr;
  }
  *text = ok ? cJSON_PrintUnformatted(root) : NULL;
  cJSON_Delete(root);
  CZ_CHECK(*text, CZ_ERR_NOMEM, "out of memory");
  return CZ_OK;
}

/* Writes the three files as part files (io/part_file.h), put in place once all are written. */
static cz_status write_stats(const stats_opts *o, const groups *gs, const stat_table *s) {
  char *path[NSTATS] = {NULL}, *part[NSTATS] = {NULL};
  cz_status st = CZ_OK;
  for (int k = 0; k < NSTATS && st == CZ_OK; k++) {
    st = cz_path_join(o->out, k_stat_file[k], &path[k]);
    if (st == CZ_OK && !o->overwrite && cz_path_exists(path[k]))
      st = CZ_ERROR(CZ_ERR_OUTPUT, "%s exists (--overwrite replaces it)", path[k]);
    if (st == CZ_OK) st = cz_part_path(path[k], &part[k]);
  }
  if (st == CZ_OK) st = cz_path_make_dirs(o->out);
  for (int k = 0; k < NSTATS && st == CZ_OK; k++) {
    char *text = NULL;
    st = stat_json(gs, &s[k], &text);
    FILE *fp = st == CZ_OK ? fopen(part[k], "w") : NULL;
    if (st == CZ_OK && !fp) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot write (%s)", part[k], strerror(errno));
    if (fp) {
      const bool ok = fputs(text, fp) >= 0 && fputc('\n', fp) != EOF;
      if (fclose(fp) != 0 || !ok) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot write (%s)", part[k], strerror(errno));
    }
    free(text);
  }
  for (int k = 0; k < NSTATS && st == CZ_OK; k++) st = cz_part_commit(part[k], path[k]);
  for (int k = 0; k < NSTATS; k++) {
    if (st != CZ_OK && part[k]) remove(part[k]);
    free(path[k]);
    free(part[k]);
  }
  return st;
}

static void print_stats(const stats_opts *o, const char *spikes, const groups *gs, const stat_table *s) {
  printf("cadenza stats: %s, spikes in [%g, %g] ms, grouped by %s; counts in %g ms bins\n", spikes, o->tmin, o->tmax,
         o->group_by, o->bin);
  printf("%-16s %9s %10s %9s %9s %9s %11s %8s\n", "group", "neurons", "rate (Hz)", "sd", "ISI CV", "neurons",
         "CC", "pairs");
  for (size_t i = 0; i < gs->n; i++) {
    double rm, rsd, cm, csd, xm, xsd;
    cz_stats_mean_sd(s[0].v[i], s[0].n[i], &rm, &rsd);
    const size_t ncv = cz_stats_mean_sd(s[1].v[i], s[1].n[i], &cm, &csd);
    const size_t ncc = cz_stats_mean_sd(s[2].v[i], s[2].n[i], &xm, &xsd);
    printf("%-16s %9zu %10.4f %9.4f %9.4f %9zu %11.3e %8zu\n", gs->g[i].name, gs->g[i].n, rm, rsd, cm, ncv, xm, ncc);
  }
  printf("wrote %s/{%s,%s,%s}\n", o->out, k_stat_file[0], k_stat_file[1], k_stat_file[2]);
}

static cz_status run_stats(stats_opts *o) {
  cz_config *cfg = NULL;
  cz_circuit *c = NULL;
  groups gs = {0, NULL};
  pop_spikes *ps = NULL;
  stat_table s[NSTATS] = {{NULL, NULL}};
  char *deflt_out = NULL;
  cz_status st = cz_cfg_load(o->config, NULL, &cfg);
  const char *spikes = o->spikes ? o->spikes : cfg ? cfg->spikes_file : NULL;
  if (st == CZ_OK && !spikes)
    st = CZ_ERROR(CZ_ERR_CONFIG, "%s writes no spikes file (output.spikes_file): give --spikes FILE", o->config);
  if (st == CZ_OK && isnan(o->tmax)) o->tmax = cfg->tstop;
  if (st == CZ_OK && !(o->tmin < o->tmax))
    st = CZ_ERROR(CZ_ERR_ARG, "stats: the window [%g, %g] ms is empty (--tmin, --tmax)", o->tmin, o->tmax);
  if (st == CZ_OK && !o->out && (st = cz_path_join(cfg->output_dir, "stats", &deflt_out)) == CZ_OK) o->out = deflt_out;
  if (st == CZ_OK) st = cz_circuit_load_nodes(cfg, &c);
  if (st == CZ_OK && !o->group_by) o->group_by = default_grouping(c, o->config);
  if (st == CZ_OK) st = group_nodes(c, o->config, o->group_by, &gs);
  if (st == CZ_OK) st = read_spikes(c, o->config, cfg->tstop, spikes, o->tmin, o->tmax, &ps);
  for (int k = 0; k < NSTATS && st == CZ_OK; k++) {
    s[k].v = cz_calloc(gs.n + 1, sizeof *s[k].v);
    s[k].n = cz_calloc(gs.n + 1, sizeof *s[k].n);
    if (!s[k].v || !s[k].n) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < gs.n && st == CZ_OK; i++) st = group_stats(&gs.g[i], i, ps, o, s);
  if (st == CZ_OK) st = write_stats(o, &gs, s);
  if (st == CZ_OK) print_stats(o, spikes, &gs, s);
  for (int k = 0; k < NSTATS; k++) stat_table_free(&s[k], gs.n);
  pop_spikes_free(ps, c ? c->nnodes : 0);
  groups_free(&gs);
  cz_circuit_destroy(&c);
  cz_cfg_destroy(&cfg);
  free(deflt_out);
  return st;
}

/* ---- distances between runs --------------------------------------------------------------- */

/* One folder's statistics: per statistic, the groups in file order with their values. */
typedef struct folder_stats {
  const char *dir;
  size_t ngroups[NSTATS];
  char **names[NSTATS];
  stat_table t[NSTATS];
} folder_stats;

static void folder_stats_free(folder_stats *f) {
  for (int k = 0; k < NSTATS; k++) {
    for (size_t i = 0; f->names[k] && i < f->ngroups[k]; i++) free(f->names[k][i]);
    free(f->names[k]);
    stat_table_free(&f->t[k], f->ngroups[k]);
  }
}

/* The JSON text with the bare NaN, Infinity and -Infinity that Python writes as null. */
static cz_status json_without_nan(const char *in, char **out) {
  const size_t n = strlen(in);
  char *o = NULL;
  CZ_NEW(o, n + n / 3 + 2); /* "NaN" -> "null" grows by a third at most */
  size_t w = 0;
  bool in_string = false;
  for (size_t i = 0; i < n;) {
    const char ch = in[i];
    if (in_string) {
      o[w++] = ch;
      i++;
      if (ch == '\\' && i < n) o[w++] = in[i++];
      else if (ch == '"') in_string = false;
      continue;
    }
    if (ch == '"') in_string = true;
    const size_t skip = strncmp(in + i, "NaN", 3) == 0         ? 3
                        : strncmp(in + i, "-Infinity", 9) == 0 ? 9
                        : strncmp(in + i, "Infinity", 8) == 0  ? 8
                                                               : 0;
    if (skip) {
      memcpy(o + w, "null", 4);
      w += 4;
      i += skip;
    } else {
      o[w++] = ch;
      i++;
    }
  }
  o[w] = '\0';
  *out = o;
  return CZ_OK;
}

static cz_status read_stat_file(const char *dir, int k, folder_stats *f) {
  char *path = NULL, *raw = NULL, *text = NULL;
  size_t len = 0;
  CZ_TRY(cz_path_join(dir, k_stat_file[k], &path));
  cz_status st = cz_read_file(path, &raw, &len);
  if (st == CZ_OK) st = json_without_nan(raw, &text);
  cJSON *root = st == CZ_OK ? cJSON_Parse(text) : NULL;
  if (st == CZ_OK && !cJSON_IsObject(root))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: not a JSON object of groups and their values", path);
  const size_t ng = st == CZ_OK ? (size_t)cJSON_GetArraySize(root) : 0;
  if (st == CZ_OK) {
    f->names[k] = cz_calloc(ng + 1, sizeof *f->names[k]);
    f->t[k].v = cz_calloc(ng + 1, sizeof *f->t[k].v);
    f->t[k].n = cz_calloc(ng + 1, sizeof *f->t[k].n);
    if (!f->names[k] || !f->t[k].v || !f->t[k].n) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    else f->ngroups[k] = ng;
  }
  size_t i = 0;
  for (const cJSON *g = root ? root->child : NULL; g && st == CZ_OK; g = g->next, i++) {
    if (!cJSON_IsArray(g)) {
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: group %s is not an array of values", path, g->string);
      break;
    }
    st = cz_strdup(g->string, &f->names[k][i]);
    const size_t n = (size_t)cJSON_GetArraySize(g);
    if (st == CZ_OK && !(f->t[k].v[i] = cz_calloc(n + 1, sizeof *f->t[k].v[i]))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
    for (const cJSON *x = g->child; x && st == CZ_OK; x = x->next) {
      if (!cJSON_IsNumber(x) && !cJSON_IsNull(x))
        st = CZ_ERROR(CZ_ERR_FORMAT, "%s: group %s holds a value that is not a number", path, g->string);
      else f->t[k].v[i][f->t[k].n[i]++] = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    }
  }
  cJSON_Delete(root);
  free(path);
  free(raw);
  free(text);
  return st;
}

/* Group name's values in folder f's statistic k. */
static cz_status values_of(const folder_stats *f, int k, const char *name, const double **v, size_t *n) {
  for (size_t i = 0; i < f->ngroups[k]; i++)
    if (strcmp(f->names[k][i], name) == 0) {
      *v = f->t[k].v[i];
      *n = f->t[k].n[i];
      return CZ_OK;
    }
  return CZ_ERROR(CZ_ERR_FORMAT, "%s/%s has no group %s (the first folder has it)", f->dir, k_stat_file[k], name);
}

/* The KS distance of two folders' values of one group (copies: the statistic sorts them). */
static cz_status ks_of(const folder_stats *a, const folder_stats *b, int k, const char *name, double *d) {
  const double *va = NULL, *vb = NULL;
  size_t na = 0, nb = 0;
  CZ_TRY(values_of(a, k, name, &va, &na));
  CZ_TRY(values_of(b, k, name, &vb, &nb));
  double *x = NULL, *y = NULL;
  CZ_NEW(x, na + 1);
  y = cz_calloc(nb + 1, sizeof *y);
  if (!y) free(x);
  CZ_CHECK(y, CZ_ERR_NOMEM, "out of memory");
  memcpy(x, va, na * sizeof *x);
  memcpy(y, vb, nb * sizeof *y);
  *d = cz_stats_ks(x, na, y, nb);
  free(x);
  free(y);
  return CZ_OK;
}

/* Mean and sd of the distances between every two folders of one set (b NULL) or between the
 * folders of a and those of b. */
typedef struct ks_summary {
  double mean, sd;
  size_t n;
} ks_summary;

static cz_status ks_between(const folder_stats *a, size_t na, const folder_stats *b, size_t nb, int k,
                            const char *name, ks_summary *out) {
  const size_t cap = b ? na * nb : na * na;
  double *d = NULL;
  size_t n = 0;
  CZ_NEW(d, cap + 1);
  cz_status st = CZ_OK;
  for (size_t i = 0; i < na && st == CZ_OK; i++)
    for (size_t j = b ? 0 : i + 1; j < (b ? nb : na) && st == CZ_OK; j++)
      st = ks_of(&a[i], b ? &b[j] : &a[j], k, name, &d[n++]);
  out->n = st == CZ_OK ? cz_stats_mean_sd(d, n, &out->mean, &out->sd) : 0;
  free(d);
  return st;
}

/* The mean over a set's folders of each folder's mean value of a group. */
static cz_status set_mean(const folder_stats *f, size_t n, int k, const char *name, double *mean) {
  double sum = 0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    const double *v = NULL;
    size_t nv = 0;
    double mu, sd;
    CZ_TRY(values_of(&f[i], k, name, &v, &nv));
    if (cz_stats_mean_sd(v, nv, &mu, &sd) == 0) continue;
    sum += mu;
    m++;
  }
  *mean = m ? sum / (double)m : NAN;
  return CZ_OK;
}

/* "mean +- sd (pairs)", or "-" without pairs, in a column of its own (padded unless last). */
static void print_ks(const ks_summary *s, bool last) {
  char cell[64] = "-";
  if (s->n) snprintf(cell, sizeof cell, "%.4f +- %.4f (%zu)", s->mean, s->sd, s->n);
  printf("  %-*s", last ? 0 : 24, cell);
}

/* Prints one line per statistic and group; *outside counts those beyond the reference's
 * spread. */
static cz_status compare_sets(const folder_stats *ours, size_t n_ours, const folder_stats *ref, size_t n_ref,
                              size_t *outside) {
  printf("KS distances between %zu folder%s%s: mean +- sd (pairs)\n", n_ours, n_ours == 1 ? "" : "s",
         n_ref ? " and the reference's" : "");
  printf("%-6s %-12s %10s  %-*s", "stat", "group", "mean", n_ref ? 24 : 0, "KS within ours");
  if (n_ref) printf(" %10s  %-24s  %-24s  %s", "ref mean", "KS within reference", "KS ours-reference", "verdict");
  printf("\n");
  for (int k = 0; k < NSTATS; k++)
    for (size_t i = 0; i < ours[0].ngroups[k]; i++) {
      const char *name = ours[0].names[k][i];
      ks_summary in = {NAN, NAN, 0}, rin = {NAN, NAN, 0}, cross = {NAN, NAN, 0};
      double m_ours = NAN, m_ref = NAN;
      CZ_TRY(ks_between(ours, n_ours, NULL, 0, k, name, &in));
      CZ_TRY(set_mean(ours, n_ours, k, name, &m_ours));
      printf("%-6s %-12s %10.4g", k_stat_name[k], name, m_ours);
      print_ks(&in, n_ref == 0);
      if (n_ref) {
        CZ_TRY(ks_between(ref, n_ref, NULL, 0, k, name, &rin));
        CZ_TRY(ks_between(ours, n_ours, ref, n_ref, k, name, &cross));
        CZ_TRY(set_mean(ref, n_ref, k, name, &m_ref));
        printf(" %10.4g", m_ref);
        print_ks(&rin, false);
        print_ks(&cross, !(rin.n && cross.n));
        if (rin.n && cross.n) {
          const bool within = cross.mean <= rin.mean + 2 * rin.sd;
          printf("  %s", within ? "within" : "OUTSIDE");
          *outside += !within;
        }
      }
      printf("\n");
    }
  return CZ_OK;
}

static cz_status run_ks(int argc, char **argv, bool *check, size_t *outside) {
  const char **dirs = cz_calloc((size_t)argc + 1, sizeof *dirs);
  CZ_CHECK(dirs, CZ_ERR_NOMEM, "out of memory");
  size_t n_ours = 0, n_ref = 0;
  bool reference = false;
  cz_status st = CZ_OK;
  /* ours first in dirs, then the reference's */
  const char **refs = cz_calloc((size_t)argc + 1, sizeof *refs);
  if (!refs) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (int i = 2; i < argc && st == CZ_OK; i++) {
    if (strcmp(argv[i], "--check") == 0) *check = true;
    else if (strcmp(argv[i], "--reference") == 0) reference = true;
    else if (argv[i][0] == '-') st = CZ_ERROR(CZ_ERR_ARG, "stats ks: unknown option %s", argv[i]);
    else if (reference) refs[n_ref++] = argv[i];
    else dirs[n_ours++] = argv[i];
  }
  if (st == CZ_OK && n_ours == 0)
    st = CZ_ERROR(CZ_ERR_ARG, "usage: cadenza stats ks DIR... [--reference DIR...] [--check]");
  if (st == CZ_OK && *check && n_ref < 2)
    st = CZ_ERROR(CZ_ERR_ARG, "stats ks: --check needs at least two --reference folders (their spread is the bar)");
  folder_stats *f = st == CZ_OK ? cz_calloc(n_ours + n_ref + 1, sizeof *f) : NULL;
  if (st == CZ_OK && !f) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n_ours + n_ref && st == CZ_OK; i++) {
    f[i].dir = i < n_ours ? dirs[i] : refs[i - n_ours];
    for (int k = 0; k < NSTATS && st == CZ_OK; k++) st = read_stat_file(f[i].dir, k, &f[i]);
  }
  if (st == CZ_OK) st = compare_sets(f, n_ours, f + n_ours, n_ref, outside);
  for (size_t i = 0; f && i < n_ours + n_ref; i++) folder_stats_free(&f[i]);
  free(f);
  free(dirs);
  free(refs);
  return st;
}

/* ---- command line ------------------------------------------------------------------------- */

static cz_status parse(int argc, char **argv, stats_opts *o) {
  *o = (stats_opts){NULL, NULL, NULL, NULL, 0.0, NAN, 2.0, 50, 12345, false}; /* group_by NULL: the default */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const bool has = i + 1 < argc;
    double *num = NULL;
    long long *count = NULL;
    if (strcmp(a, "--spikes") == 0 && has) o->spikes = argv[++i];
    else if (strcmp(a, "--group-by") == 0 && has) o->group_by = argv[++i];
    else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && has) o->out = argv[++i];
    else if (strcmp(a, "--overwrite") == 0) o->overwrite = true;
    else if (strcmp(a, "--tmin") == 0) num = &o->tmin;
    else if (strcmp(a, "--tmax") == 0) num = &o->tmax;
    else if (strcmp(a, "--bin") == 0) num = &o->bin;
    else if (strcmp(a, "--cc-neurons") == 0) count = &o->ncc;
    else if (strcmp(a, "--seed") == 0) count = &o->seed;
    else if (a[0] != '-' && !o->config) o->config = a;
    else return CZ_ERROR(CZ_ERR_ARG, "stats: unexpected argument %s", a);
    if (num) CZ_CHECK(has && cz_parse_double(argv[++i], num) && isfinite(*num), CZ_ERR_ARG, "stats: %s needs a number (ms)", a);
    if (count) CZ_CHECK(has && cz_parse_int64(argv[++i], count) && *count >= 0, CZ_ERR_ARG, "stats: %s needs a whole number >= 0", a);
  }
  CZ_CHECK(o->config, CZ_ERR_ARG,
           "usage: cadenza stats CONFIG [--spikes FILE] [--group-by ATTR] [--tmin MS] [--tmax MS] [--bin MS] "
           "[--cc-neurons N] [--seed S] [-o DIR] [--overwrite] | cadenza stats ks DIR... [--reference DIR...] [--check]");
  CZ_CHECK(o->bin > 0, CZ_ERR_ARG, "stats: --bin must be > 0 ms");
  return CZ_OK;
}

int cz_app_stats_main(int argc, char **argv) {
  cz_h5_quiet();
  cz_log_set_level(CZ_LOG_WARNING);
  cz_status st;
  bool check = false;
  size_t outside = 0;
  if (argc >= 2 && strcmp(argv[1], "ks") == 0) {
    st = run_ks(argc, argv, &check, &outside);
  } else {
    stats_opts o;
    st = parse(argc, argv, &o);
    if (st == CZ_OK) st = run_stats(&o);
  }
  if (st != CZ_OK) {
    fprintf(stderr, "cadenza: error: %s\n", cz_error_message());
    return cz_status_exit_code(st);
  }
  if (check && outside) {
    fprintf(stderr, "cadenza stats ks: %zu statistic%s outside the reference's spread\n", outside,
            outside == 1 ? " is" : "s are");
    return 1;
  }
  return 0;
}
