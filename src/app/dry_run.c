/* The dry run (contract in app/dry_run.h). */
#define _XOPEN_SOURCE 700
#include "app/dry_run.h"

#include <ftw.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/engine_kind.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/timer.h"
#include "comm/comm.h"
#include "core/placement.h"
#include "core/rank_set.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/csv.h"
#include "partition/partition.h"
#include "pointnet/engine.h"
#include "pointnet/network.h"
#include "tools/hpc.h"

typedef struct dry_options {
  int ranks, rank, threads;
  cz_partition_method method;
  const char *partition_file; /* instead of method */
  bool json;
  const char *config; /* a folder's config, or NULL for the generator */
  bool hpc;
  cz_hpc_params hp;
  const char *work; /* where the generator's small files go (NULL: a temporary folder) */
} dry_options;

/* ------------------------------------------------------------------ options */

static cz_status option_int(int argc, char **argv, int *i, long long lo, long long hi, long long *out) {
  CZ_CHECK(*i + 1 < argc, CZ_ERR_ARG, "dry-run: option %s needs a value", argv[*i]);
  const char *opt = argv[*i], *text = argv[++*i];
  CZ_CHECK(cz_parse_int64(text, out) && *out >= lo && *out <= hi, CZ_ERR_ARG,
           "dry-run: option %s needs an integer in [%lld, %lld], got '%s'", opt, lo, hi, text);
  return CZ_OK;
}

/* The options after `hpc`: the generator's parameters. */
static cz_status parse_hpc_option(int argc, char **argv, int *i, dry_options *o) {
  const char *a = argv[*i];
  long long v;
  if (strcmp(a, "--stdp") == 0) {
    o->hp.stdp = true;
  } else if (strcmp(a, "--scale") == 0) {
    CZ_CHECK(*i + 1 < argc, CZ_ERR_ARG, "dry-run: option --scale needs a value");
    const char *text = argv[++*i];
    CZ_CHECK(cz_parse_double(text, &o->hp.scale) && isfinite(o->hp.scale) && o->hp.scale > 0, CZ_ERR_ARG,
             "dry-run: option --scale needs a number above 0, got '%s'", text);
  } else if (strcmp(a, "--seed") == 0) {
    CZ_TRY(option_int(argc, argv, i, 0, INT64_MAX, &v));
    o->hp.seed = (uint64_t)v;
  } else {
    return CZ_ERROR(CZ_ERR_ARG, "dry-run: unknown option '%s' (see cadenza help dry-run)", a);
  }
  return CZ_OK;
}

static cz_status parse_options(int argc, char **argv, dry_options *o) {
  memset(o, 0, sizeof *o);
  o->ranks = -1;
  o->rank = -1;
  o->threads = 1;
  o->method = CZ_PARTITION_BLOCK;
  o->hp = cz_hpc_defaults();
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    long long v;
    if (o->hpc && (strcmp(a, "--scale") == 0 || strcmp(a, "--seed") == 0 || strcmp(a, "--stdp") == 0)) {
      CZ_TRY(parse_hpc_option(argc, argv, &i, o));
    } else if (strcmp(a, "--ranks") == 0 || strcmp(a, "-n") == 0) {
      CZ_TRY(option_int(argc, argv, &i, 1, 1 << 20, &v));
      o->ranks = (int)v;
    } else if (strcmp(a, "--rank") == 0 || strcmp(a, "-r") == 0) {
      CZ_TRY(option_int(argc, argv, &i, 0, 1 << 20, &v));
      o->rank = (int)v;
    } else if (strcmp(a, "--threads") == 0 || strcmp(a, "-t") == 0) {
      CZ_TRY(option_int(argc, argv, &i, 1, 1024, &v));
      o->threads = (int)v;
    } else if (strcmp(a, "--partition") == 0) {
      CZ_CHECK(i + 1 < argc, CZ_ERR_ARG, "dry-run: option --partition needs a value");
      if (cz_partition_parse(argv[++i], &o->method) != CZ_OK) o->partition_file = argv[i];
    } else if (strcmp(a, "--work") == 0) {
      CZ_CHECK(i + 1 < argc, CZ_ERR_ARG, "dry-run: option --work needs a value");
      o->work = argv[++i];
    } else if (strcmp(a, "--json") == 0) {
      o->json = true;
    } else if (a[0] == '-') {
      return CZ_ERROR(CZ_ERR_ARG, "dry-run: unknown option '%s' (see cadenza help dry-run)", a);
    } else {
      CZ_CHECK(!o->config && !o->hpc, CZ_ERR_ARG, "dry-run: more than one network given ('%s')", a);
      if (strcmp(a, "hpc") == 0) o->hpc = true;
      else o->config = a;
    }
  }
  CZ_CHECK(o->config || o->hpc, CZ_ERR_ARG,
           "dry-run: no network given (usage: cadenza dry-run --ranks R --rank r CONFIG.json | hpc [--scale S])");
  CZ_CHECK(o->ranks > 0 && o->rank >= 0, CZ_ERR_ARG, "dry-run: --ranks R and --rank r are required");
  CZ_CHECK(o->rank < o->ranks, CZ_ERR_ARG, "dry-run: --rank %d is not one of the %d ranks (0 to %d)", o->rank,
           o->ranks, o->ranks - 1);
  CZ_CHECK(o->partition_file || o->method != CZ_PARTITION_METIS, CZ_ERR_ARG,
           "dry-run: METIS needs the whole graph on one process, which a dry run does not build; use block, "
           "round-robin, or a partition file from cadenza partition");
  return CZ_OK;
}

/* ------------------------------------------------------------------ the generator as edge reader */

/* Draws the HPC benchmark's edges onto the targets a pass keeps, in the file's order, and hands
 * them to the pass in batches, as cz_circuit_load_edges hands a file's. */
typedef struct gen_reader {
  cz_hpc_model m;
  size_t k;                 /* in-degree */
  uint64_t *src;            /* [k] one target's draw */
  uint32_t *type;
  double *w, *d;
  uint32_t *srow, *trow, *trow_type; /* [cap] the batch */
  uint64_t *frow;
  double *bw, *bd;
  size_t cap;
} gen_reader;

static void gen_reader_free(gen_reader *g) {
  free(g->src);
  free(g->type);
  free(g->w);
  free(g->d);
  free(g->srow);
  free(g->trow);
  free(g->trow_type);
  free(g->frow);
  free(g->bw);
  free(g->bd);
}

static cz_status gen_reader_init(gen_reader *g, const cz_hpc_params *p) {
  memset(g, 0, sizeof *g);
  CZ_TRY(cz_hpc_model_make(p, &g->m));
  g->k = (size_t)cz_hpc_in_degree();
  g->cap = ((size_t)1 << 17) / g->k * g->k + g->k; /* whole targets, about the loader's batch */
  CZ_NEW(g->src, g->k);
  CZ_NEW(g->type, g->k);
  CZ_NEW(g->w, g->k);
  CZ_NEW(g->d, g->k);
  CZ_NEW(g->srow, g->cap);
  CZ_NEW(g->trow, g->cap);
  CZ_NEW(g->trow_type, g->cap);
  CZ_NEW(g->frow, g->cap);
  CZ_NEW(g->bw, g->cap);
  CZ_NEW(g->bd, g->cap);
  return CZ_OK;
}

static bool keep_no_target(const void *ctx, uint32_t target_pop, uint32_t target_row) {
  (void)ctx;
  (void)target_pop;
  (void)target_row;
  return false;
}

/* The row of edge type id `id` in the population's types CSV. */
static cz_status type_row(const cz_edge_pop *e, uint32_t id, uint32_t *row) {
  const cz_csv *t = e->types_table;
  const int col = t ? cz_csv_col(t, "edge_type_id") : -1;
  CZ_CHECK(col >= 0, CZ_ERR_FORMAT, "%s: the edge types have no edge_type_id column", e->file);
  for (size_t r = 0; r < e->ntypes; r++) {
    long long v;
    const char *cell = cz_csv_cell(t, r, (size_t)col);
    if (cell && cz_parse_int64(cell, &v) && v == (long long)id) {
      *row = (uint32_t)r;
      return CZ_OK;
    }
  }
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: no edge type %u among the generator's types", e->file, id);
}

/* Draws target t's edges into the batch at view->n. */
static cz_status put_target(gen_reader *g, cz_edge_pop *view, uint64_t t, bool values, const uint32_t *rows) {
  cz_hpc_afferent(&g->m, t, g->src, g->type, values ? g->w : NULL, values ? g->d : NULL);
  for (size_t i = 0; i < g->k; i++) {
    const size_t at = view->n + i;
    CZ_CHECK(g->type[i] >= 100 && g->type[i] <= 102, CZ_ERR_INTERNAL, "hpc: edge type %u out of range", g->type[i]);
    g->srow[at] = (uint32_t)g->src[i];
    g->trow[at] = (uint32_t)t;
    g->trow_type[at] = rows[g->type[i] - 100];
    g->frow[at] = t * g->k + i;
    g->bw[at] = g->w[i];
    g->bd[at] = g->d[i];
  }
  view->n += g->k;
  return CZ_OK;
}

static cz_status read_generated(void *ctx, cz_circuit *c, const cz_config *cfg, const cz_edge_filter *flt) {
  gen_reader *g = ctx;
  /* The skeleton's edge file (no edges) sets up the population, its types and models. */
  cz_edge_filter none = *flt;
  none.keep = NULL;
  none.keep_target = keep_no_target;
  CZ_TRY(cz_circuit_load_edges(c, cfg, &none));
  CZ_CHECK(c->nedges == 1 && c->nnodes == 1 && c->nodes[0].n == g->m.n && c->nodes[0].identity_ids,
           CZ_ERR_INTERNAL, "dry-run: the generator's folder does not match its model");
  const cz_edge_pop *pop = &c->edges[0];
  uint32_t rows[3] = {0, 0, 0};
  for (uint32_t id = 100; id <= (g->m.p.stdp ? 102u : 101u); id++) CZ_TRY(type_row(pop, id, &rows[id - 100]));
  const bool values = g->m.p.stdp && !flt->ids_only; /* the file's group 0 holds them only then */
  cz_edge_pop view = *pop;
  view.n = 0;
  view.source_row = g->srow;
  view.target_row = g->trow;
  view.type = g->trow_type;
  view.file_row = g->frow;
  view.col.syn_weight = values ? g->bw : NULL; /* the files' columns, as the reader gives them */
  view.col.nsyns = NULL;
  view.col.delay = values ? g->bd : NULL;
  view.weight = view.delay = NULL;
  view.via_index = true;
  const size_t batch = flt->batch_edges && flt->batch_edges < g->cap ? flt->batch_edges : g->cap;
  for (uint64_t t = 0; t < g->m.n; t++) {
    if (!flt->keep_target(flt->ctx, pop->target_pop, (uint32_t)t)) continue;
    if (view.n && view.n + g->k > batch) {
      CZ_TRY(flt->batch(flt->batch_ctx, c, 0, &view));
      view.n = 0;
    }
    CZ_TRY(put_target(g, &view, t, values, rows));
  }
  if (view.n) CZ_TRY(flt->batch(flt->batch_ctx, c, 0, &view));
  return CZ_OK;
}

/* ------------------------------------------------------------------ the generator's folder */

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Writes the benchmark's small files to o->work, or to a new temporary folder (*tmp, owned, to
 * remove afterwards); *config the config's path (owned). */
static cz_status write_skeleton(const dry_options *o, char **tmp, char **config) {
  const char *dir = o->work;
  if (!dir) {
    const char *base = getenv("TMPDIR");
    CZ_TRY(cz_asprintf(tmp, "%s/cadenza_dry_run.XXXXXX", base && *base ? base : "/tmp"));
    CZ_CHECK(mkdtemp(*tmp), CZ_ERR_OUTPUT, "dry-run: cannot make a temporary folder %s", *tmp);
    dir = *tmp;
  }
  cz_hpc_params p = o->hp;
  p.overwrite = true;
  CZ_TRY(cz_generate_hpc_skeleton(&p, dir));
  return cz_path_join(dir, "config.json", config);
}

/* ------------------------------------------------------------------ what the share holds */

/* Bytes of the tables by what they are indexed by. Computed from the struct fields. */
typedef struct share_bytes {
  uint64_t source_index;   /* the threads' source indexes and the rank's source table */
  uint64_t gid_map;        /* the gid map (core/gidmap.h) and thr_lo */
  uint64_t synapses;       /* the static synapse arrays */
  uint64_t plastic;        /* the plastic synapse arrays and their state */
  uint64_t weight_table;
  uint64_t archives;       /* the post-synaptic spike archives' headers */
  uint64_t send_lists_est; /* estimated: cz_net_connect is not run */
  uint64_t circuit_nodes;  /* the loaded node populations a run keeps (io/circuit.h): every gid's */
  uint64_t placement;      /* the placement map (core/placement_map.h) */
} share_bytes;

typedef struct share_counts {
  uint64_t neurons, synapses, plastic;
  uint64_t sources, sources_here; /* gids; gids with a synapse on this rank */
  int32_t min_delay, max_delay;   /* steps, of this share */
  double send_reach;              /* estimated: the other ranks a neuron's spikes go to */
} share_counts;

/* The other ranks a neuron's spikes go to, on average: with its k targets (k the mean
 * in-degree) spread at random over R ranks, it reaches R (1 - (1 - 1/R)^k) of them, itself
 * among them. */
static double send_reach_estimate(const cz_network *net, const share_counts *n) {
  if (net->nranks <= 1) return 0.0;
  const double R = net->nranks, k = n->neurons ? (double)n->synapses / (double)n->neurons : 0.0;
  const double reached = R * (1.0 - pow(1.0 - 1.0 / R, k));
  return fmax(0.0, reached - reached / R);
}

/* The send sets cz_net_connect would build (core/rank_set.h): an offset per neuron, and per
 * neuron a list of the ranks it reaches or a bitmap over the ranks, whichever is smaller. */
static uint64_t send_lists_estimate(const cz_network *net, double reach) {
  if (net->nranks <= 1) return 0;
  const double words = fmin(reach, (double)cz_rank_set_words((uint32_t)net->nranks));
  return (uint64_t)((double)(net->N + 1) * sizeof(size_t) + (double)net->N * words * sizeof(uint32_t));
}

static uint64_t columns_bytes(const cz_h5_column *cols, size_t n) {
  uint64_t b = 0;
  for (size_t i = 0; i < n; i++) b += cols[i].numeric ? cols[i].held * sizeof *cols[i].num : cols[i].n * sizeof *cols[i].str;
  return b;
}

/* The arrays of the node populations (strings of string columns not counted). */
static uint64_t circuit_node_bytes(const cz_circuit *c) {
  uint64_t b = 0;
  for (size_t p = 0; p < c->nnodes; p++) {
    const cz_node_pop *np = &c->nodes[p];
    /* the per-node columns that are stored (io/circuit.h leaves implied ones NULL) */
    b += np->n * ((np->node_id ? sizeof *np->node_id : 0) + (np->type_row16 ? sizeof *np->type_row16 : 0) +
                  (np->type_row32 ? sizeof *np->type_row32 : 0) + (np->group ? sizeof *np->group : 0) +
                  (np->group_index ? sizeof *np->group_index : 0) + (np->model ? sizeof *np->model : 0));
    b += np->ntype_runs * (sizeof *np->type_run_first + sizeof *np->type_run_row);
    if (np->type_model) b += np->types->nrows * sizeof *np->type_model;
    if (np->id_index) b += 2 * np->n * sizeof *np->id_index;
    for (size_t g = 0; g < np->ngroups; g++)
      b += columns_bytes(np->groups[g].cols, np->groups[g].ncols) +
           columns_bytes(np->groups[g].params, np->groups[g].nparams);
  }
  return b;
}

static void measure_share(const cz_network *net, share_bytes *b, share_counts *n) {
  memset(b, 0, sizeof *b);
  memset(n, 0, sizeof *n);
  cz_net_mem m;
  cz_net_memory(net, &m);
  b->source_index = m.index + m.sources;
  b->synapses = m.synapses;
  b->plastic = m.plastic;
  b->gid_map = m.gid_map + ((size_t)net->nthreads + 1) * sizeof *net->thr_lo;
  b->weight_table = net->nwtab * sizeof *net->wtab;
  b->archives = net->archive ? net->N * sizeof *net->archive : 0;
  n->neurons = net->N;
  n->synapses = net->nsyn_total;
  n->plastic = net->nplastic;
  n->sources = net->gm.nsrc;
  n->sources_here = m.nslot;
  n->min_delay = net->max_delay ? net->min_delay : 1;
  n->max_delay = net->max_delay ? net->max_delay : 1;
  n->send_reach = send_reach_estimate(net, n);
  b->send_lists_est = send_lists_estimate(net, n->send_reach);
}

/* A digest of the tables (64-bit words mixed in order): equal shares give equal digests,
 * whatever read them. Not a guard against tampering. */
static uint64_t mix(uint64_t h, const void *data, size_t bytes) {
  const unsigned char *p = data;
  for (size_t i = 0; i < bytes; i += 8) {
    uint64_t w = 0;
    memcpy(&w, p + i, bytes - i < 8 ? bytes - i : 8);
    h ^= w + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
  }
  return h ^ (h >> 33);
}

/* The index of one table: each source's gid and its span. */
static uint64_t mix_spans(uint64_t h, const cz_network *net, const cz_syn_index *ix) {
  for (size_t g = 0; g < net->gm.nsrc; g++) {
    size_t slot;
    if (!cz_sources_slot(&net->sources, g, &slot)) continue;
    const cz_span sp = cz_syn_index_slot_span(ix, slot);
    const uint64_t w[3] = {g, sp.lo, sp.hi};
    h = mix(h, w, sizeof w);
  }
  return h;
}

static uint64_t share_digest(const cz_network *net) {
  uint64_t h = mix(0, &net->N, sizeof net->N);
  h = mix(h, net->gm.gid_of_lid, net->N * sizeof *net->gm.gid_of_lid);
  h = mix(h, net->thr_lo, ((size_t)net->nthreads + 1) * sizeof *net->thr_lo);
  h = mix(h, net->wtab, net->nwtab * sizeof *net->wtab);
  for (int t = 0; t < net->nthreads; t++) {
    const cz_synapses *s = &net->syn[t];
    h = mix_spans(h, net, &s->index);
    h = mix(h, s->tgt, s->nsyn * sizeof *s->tgt);
    if (s->delay) h = mix(h, s->delay, s->nsyn * sizeof *s->delay);
    if (s->weight) h = mix(h, s->weight, s->nsyn * sizeof *s->weight);
    if (s->wcode) h = mix(h, s->wcode, s->nsyn * sizeof *s->wcode);
    if (s->weightf) h = mix(h, s->weightf, s->nsyn * sizeof *s->weightf);
    if (!net->plastic) continue;
    const cz_plastic *p = &net->plastic[t];
    h = mix_spans(h, net, &p->index);
    h = mix(h, p->tgt, p->nsyn * sizeof *p->tgt);
    h = mix(h, p->delay, p->nsyn * sizeof *p->delay);
    h = mix(h, p->edge, p->nsyn * sizeof *p->edge);
    for (size_t k = 0; k < p->nsyn; k++) h = mix(h, &p->state[k].w, sizeof p->state[k].w);
  }
  return h;
}

/* A line "Key: value kB" of /proc/self/status, in bytes (0 when the system has none). */
static uint64_t proc_status_bytes(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  unsigned long long kb = 0;
  const size_t n = strlen(key);
  while (fgets(line, sizeof line, f))
    if (strncmp(line, key, n) == 0 && line[n] == ':' && sscanf(line + n + 1, "%llu", &kb) == 1) break;
  fclose(f);
  return (uint64_t)kb * 1024;
}

/* Resets the peak resident memory to the current (Linux: 5 into /proc/self/clear_refs), so that
 * the peak measured later is the build's, not the generator's writing of its small files.
 * Whether it worked. */
static bool reset_peak_rss(void) {
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  const bool ok = fputs("5", f) >= 0;
  return fclose(f) == 0 && ok;
}

/* ------------------------------------------------------------------ report */

typedef struct dry_result {
  cz_placement_form placement_form;
  size_t placement_runs;
  share_bytes b;
  share_counts n;
  uint64_t digest, peak_rss, rss;
  double build_s;
  bool peak_reset; /* the peak counts from after the generator's files were written */
} dry_result;

static uint64_t source_bytes(const share_bytes *b) { return b->source_index + b->gid_map; }

static uint64_t built_bytes(const share_bytes *b) {
  return b->source_index + b->gid_map + b->synapses + b->plastic + b->weight_table + b->archives;
}

static const char *placement_name(const dry_options *o) {
  return o->partition_file ? "file" : cz_partition_method_name(o->method);
}

static void print_json(const dry_options *o, const dry_result *r) {
  const share_bytes *b = &r->b;
  const share_counts *n = &r->n;
  printf("{\"ranks\": %d, \"rank\": %d, \"threads\": %d, \"placement\": \"%s\", \"edges_from\": \"%s\"", o->ranks,
         o->rank, o->threads, placement_name(o), o->hpc ? "generator" : "files");
  if (o->hpc) printf(", \"hpc_scale\": %.17g, \"seed\": %llu", o->hp.scale, (unsigned long long)o->hp.seed);
  printf(", \"neurons\": %llu, \"synapses\": %llu, \"plastic\": %llu, \"sources\": %llu, \"sources_here\": %llu",
         (unsigned long long)n->neurons, (unsigned long long)n->synapses, (unsigned long long)n->plastic,
         (unsigned long long)n->sources, (unsigned long long)n->sources_here);
  printf(", \"bytes\": {\"source_index\": %llu, \"gid_map\": %llu, \"synapses\": %llu, \"plastic\": %llu, "
         "\"weight_table\": %llu, \"archives\": %llu, \"built\": %llu, \"send_lists_estimated\": %llu, \"circuit_nodes\": %llu, "
         "\"placement\": %llu}",
         (unsigned long long)b->source_index, (unsigned long long)b->gid_map, (unsigned long long)b->synapses,
         (unsigned long long)b->plastic, (unsigned long long)b->weight_table, (unsigned long long)b->archives,
         (unsigned long long)built_bytes(b), (unsigned long long)b->send_lists_est,
         (unsigned long long)b->circuit_nodes, (unsigned long long)b->placement);
  static const char *const form[] = {"runs", "table16", "table32"};
  printf(", \"placement_form\": \"%s\"", form[r->placement_form]);
  const double syn = (double)(n->synapses ? n->synapses : 1), src = (double)(n->sources_here ? n->sources_here : 1);
  printf(", \"bytes_per_synapse\": %.4f, \"bytes_per_source\": %.2f", (double)(b->synapses + b->plastic) / syn,
         (double)source_bytes(b) / src);
  printf(", \"peak_rss\": %llu, \"peak_from_build\": %s, \"rss\": %llu, \"build_s\": %.3f, \"digest\": \"%016llx\"}\n",
         (unsigned long long)r->peak_rss, o->hpc && !r->peak_reset ? "false" : "true", (unsigned long long)r->rss,
         r->build_s, (unsigned long long)r->digest);
}

static void print_bytes_row(const char *name, uint64_t bytes, const char *what) {
  printf("    %-15s %15llu  %9.1f MiB  %s\n", name, (unsigned long long)bytes, (double)bytes / 1048576.0, what);
}

static void print_text(const dry_options *o, const dry_result *r) {
  const share_bytes *b = &r->b;
  const share_counts *n = &r->n;
  printf("dry run: rank %d of %d, %d thread%s, %s placement, edges %s", o->rank, o->ranks, o->threads,
         o->threads == 1 ? "" : "s", placement_name(o), o->hpc ? "drawn from the generator" : "read from the files");
  if (o->hpc) printf(" (hpc, scale %g, seed %llu%s)", o->hp.scale, (unsigned long long)o->hp.seed, o->hp.stdp ? ", stdp" : "");
  printf("\n  neurons         %llu\n  synapses        %llu (%llu plastic or recorded)\n",
         (unsigned long long)n->neurons, (unsigned long long)n->synapses, (unsigned long long)n->plastic);
  printf("  sources         %llu gids in the network, %llu with a synapse here\n", (unsigned long long)n->sources,
         (unsigned long long)n->sources_here);
  printf("  delays          %d to %d steps in this share\n", n->min_delay, n->max_delay);
  printf("  tables                    bytes\n");
  print_bytes_row("source index", b->source_index, "source table and per-thread indexes (static and plastic)");
  print_bytes_row("gid map", b->gid_map, "gid -> local id lookup, local gids, offsets");
  print_bytes_row("synapses", b->synapses, "static synapse arrays");
  print_bytes_row("plastic", b->plastic, "plastic synapse arrays and state");
  print_bytes_row("weight table", b->weight_table, "");
  print_bytes_row("archives", b->archives, "spike archive headers");
  print_bytes_row("built", built_bytes(b), "the tables above (neuron state only in the RSS)");
  char send_what[160];
  snprintf(send_what, sizeof send_what,
           "estimated: per neuron an offset and a %s of the %.1f other ranks its targets reach, spread at random",
           n->send_reach >= cz_rank_set_words((uint32_t)o->ranks) ? "bitmap" : "list", n->send_reach);
  print_bytes_row("send lists", b->send_lists_est, o->ranks > 1 ? send_what : "none on one rank");
  print_bytes_row("circuit nodes", b->circuit_nodes, "the loaded node populations (io), every gid's");
  char what[96];
  if (r->placement_form == CZ_PLACEMENT_RUNS)
    snprintf(what, sizeof what, "rank of every gid: %zu runs of gids", r->placement_runs);
  else
    snprintf(what, sizeof what, "rank of every gid: a %d-bit rank per gid",
             r->placement_form == CZ_PLACEMENT_TABLE16 ? 16 : 32);
  print_bytes_row("placement", b->placement, what);
  const double syn = (double)(n->synapses ? n->synapses : 1), src = (double)(n->sources_here ? n->sources_here : 1);
  printf("  bytes/synapse   %.3f (synapse arrays)\n", (double)(b->synapses + b->plastic) / syn);
  printf("  bytes/source    %.1f (source index and gid map, per source with a synapse here)\n",
         (double)source_bytes(b) / src);
  printf("  peak RSS        %llu (%.1f MiB, VmHWM%s; now %.1f MiB)\n", (unsigned long long)r->peak_rss,
         (double)r->peak_rss / 1048576.0,
         !o->hpc ? "" : r->peak_reset ? " since the generator's files were written" : " including the generator's writing",
         (double)r->rss / 1048576.0);
  printf("  build           %.2f s\n", r->build_s);
  printf("  digest          %016llx\n", (unsigned long long)r->digest);
  printf("  not built: send lists and the global minimum delay (cz_net_connect), inputs, reports, the loop's "
         "buffers\n");
}

/* ------------------------------------------------------------------ the run */

static cz_status place(const dry_options *o, cz_circuit *c, const cz_config *cfg, cz_placement *pl) {
  if (o->partition_file) {
    cz_status st = cz_place_from_file(o->partition_file, c, (uint32_t)o->ranks, pl);
    if (st != CZ_OK) cz_error_prefix(st, "--partition");
    return st;
  }
  /* One process: cz_place_nodes computes the placement of R ranks on its own. */
  return cz_place_nodes(c, cfg, o->ranks, o->method, 1, cz_point_engine_kind.place_cost(), 0, pl);
}

static cz_status build_share(const dry_options *o, const cz_config *cfg, cz_circuit *c, const cz_placement *pl,
                             cz_network **net) {
  const cz_placement *rog = o->ranks > 1 ? pl : NULL; /* as a run: one rank holds every neuron */
  if (!o->hpc) return cz_net_build_streamed(cfg, c, o->threads, o->rank, o->ranks, rog, 0, net);
  gen_reader g;
  cz_status st = gen_reader_init(&g, &o->hp);
  if (st == CZ_OK) st = cz_net_build_read(cfg, c, o->threads, o->rank, o->ranks, rog, 0, read_generated, &g, net);
  gen_reader_free(&g);
  return st;
}

typedef struct dry_state {
  char *tmp, *config;
  cz_config *cfg;
  cz_circuit *c;
  cz_placement placement;
  cz_network *net;
} dry_state;

static void dry_state_free(dry_state *s) {
  cz_net_destroy(&s->net);
  cz_placement_free(&s->placement);
  cz_circuit_destroy(&s->c);
  cz_cfg_destroy(&s->cfg);
  if (s->tmp) nftw(s->tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(s->tmp);
  free(s->config);
}

static cz_status dry_run(const dry_options *o, dry_state *s, dry_result *r) {
  if (o->hpc) {
    CZ_TRY(write_skeleton(o, &s->tmp, &s->config));
    r->peak_reset = reset_peak_rss();
  }
  char *found = NULL;
  const char *config = o->hpc ? s->config : o->config;
  if (cz_path_is_dir(config)) {
    CZ_TRY(cz_path_join(config, "config.json", &found));
    if (!cz_path_exists(found)) {
      free(found);
      CZ_TRY(cz_path_join(config, "simulation_config.json", &found));
    }
    config = found;
  }
  const cz_cfg_overrides ov = {NAN, NAN, NULL};
  cz_status st = cz_cfg_load(config, &ov, &s->cfg);
  free(found);
  CZ_TRY(st);
  CZ_TRY(cz_engine_require_point(s->cfg));
  CZ_TRY(cz_circuit_load_nodes(s->cfg, &s->c));
  CZ_TRY(place(o, s->c, s->cfg, &s->placement));
  const double t0 = cz_now();
  CZ_TRY(build_share(o, s->cfg, s->c, &s->placement, &s->net));
  r->build_s = cz_now() - t0;
  measure_share(s->net, &r->b, &r->n);
  r->b.circuit_nodes = circuit_node_bytes(s->c);
  r->b.placement = cz_placement_bytes(&s->placement);
  r->placement_form = s->placement.form;
  r->placement_runs = s->placement.nruns;
  r->digest = share_digest(s->net);
  r->peak_rss = proc_status_bytes("VmHWM");
  r->rss = proc_status_bytes("VmRSS");
  return CZ_OK;
}

cz_status cz_app_dry_run(int argc, char **argv) {
  dry_options o;
  CZ_TRY(parse_options(argc, argv, &o));
  CZ_CHECK(cz_comm_size() == 1, CZ_ERR_ARG,
           "dry-run: run it as one process (it builds one rank's share without the others; got %d processes)",
           cz_comm_size());
  cz_log_set_level(CZ_LOG_WARNING);
  dry_state s;
  memset(&s, 0, sizeof s);
  dry_result r;
  memset(&r, 0, sizeof r);
  cz_status st = dry_run(&o, &s, &r);
  if (st == CZ_OK) {
    if (o.json) print_json(&o, &r);
    else print_text(&o, &r);
  }
  dry_state_free(&s);
  return st;
}
