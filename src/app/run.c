#include "app/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "app/engine_kind.h"
#include "app/layout_options.h"
#include "app/outdir.h"
#include "app/spike_journal.h"
#include "app/spike_table.h"
#include "app/timing.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/timer.h"
#include "bionet/engine.h"
#include "comm/comm.h"
#include "core/epoch.h"
#include "core/placement.h"
#include "core/stimulus/current_clamp.h"
#include "core/stimulus/spike_train.h"
#include "pointnet/engine.h"
#include "popnet/engine.h"
#include "filternet/engine.h"
#include "pointnet/network.h"
#include "pointnet/recorder.h"
#include "pointnet/replay.h"
#include "pointnet/weight_report.h"
#include "io/circuit.h"
#include "io/spikes_out.h"

typedef struct run_state {
  cz_config *cfg;
  cz_circuit *circuit;
  cz_placement placement;
  cz_engine_id engine_id;
  const cz_engine_kind *kind;
  cz_engine view;         /* the engine as the epoch loop drives it */
  const cz_timegrid *tg;  /* the engine's time grid and gid map */
  const cz_gidmap *gm;
  cz_bionet_engine *bio;  /* the detailed-cell engine, when it runs the folder */
  cz_popnet *pop;         /* the population-density engine, when it runs the folder */
  cz_filternet *lgn;      /* the LGN filter engine, when it runs the folder */
  cz_network *net;        /* the point engine's network, when it runs the folder */
  cz_vspikes vs;
  cz_clamps clamps;
  cz_poisson_drive poisson;
  cz_point_engine *engine;
  cz_epoch_result result;
  int64_t *wev;       /* weight_recorder events (CZ_WEV_WORDS words each) */
  size_t nwev;
  cz_recorder *recorder;
  cz_spike_journal *journal;
  const char *hw_why; /* why there are no hardware counters */
  int threads;
  cz_layout_options layout; /* the environment's layout switches */
} run_state;

static void run_state_free(run_state *s) {
  cz_recorder_close(&s->recorder, false); /* a failed run leaves its report as .part */
  cz_journal_close(&s->journal, false);   /* and the spikes of its completed blocks */
  cz_epoch_result_free(&s->result);
  free(s->wev);
  cz_point_engine_destroy(&s->engine);
  if (s->bio) cz_bionet_engine_close_reports(s->bio, false); /* a failed run leaves its reports as .part */
  cz_bionet_engine_destroy(&s->bio);
  cz_popnet_destroy(&s->pop);
  cz_filternet_destroy(&s->lgn);
  cz_clamps_free(&s->clamps);
  cz_poisson_free(&s->poisson);
  cz_vspikes_free(&s->vs);
  cz_net_destroy(&s->net);
  cz_placement_free(&s->placement);
  cz_circuit_destroy(&s->circuit);
  cz_cfg_destroy(&s->cfg);
}

/* More threads than this many per core only slow a run down (a thousand threads on two cores
 * took half a minute to start and stop on the smallest network). */
enum { THREADS_PER_CORE_MAX = 4 };

static int requested_threads(const cz_run_options *opt, const cz_config *cfg, const char **from) {
  const char *env = getenv("OMP_NUM_THREADS");
  *from = "--threads";
  if (opt->threads > 0) return opt->threads;
  *from = "OMP_NUM_THREADS";
  if (env && atoi(env) > 0) return atoi(env);
  *from = "run.n_thread";
  if (cfg->n_thread > 0) return cfg->n_thread;
  return 1;
}

static int available_cores(void) {
#ifdef _OPENMP
  return omp_get_num_procs();
#else
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 && n < 1 << 20 ? (int)n : 1;
#endif
}

/* The thread count asked for, capped at THREADS_PER_CORE_MAX per available core with a warning. */
static int choose_threads(const cz_run_options *opt, const cz_config *cfg) {
  const char *from;
  const int want = requested_threads(opt, cfg, &from);
  const int cores = available_cores(), cap = THREADS_PER_CORE_MAX * (cores > 0 ? cores : 1);
  if (want <= cap) return want;
  cz_log_warn("%s %d is more than %d threads for each of the %d available cores; using %d threads", from, want,
              THREADS_PER_CORE_MAX, cores, cap);
  return cap;
}

static void apply_log_settings(const cz_config *cfg, bool quiet) {
  cz_log_level level = CZ_LOG_INFO;
  if (cfg->log_level && !cz_log_parse_level(cfg->log_level, &level))
    cz_log_warn("output.log_level '%s' is not a level (DEBUG, INFO, WARNING, ERROR); using INFO", cfg->log_level);
  if (quiet && level < CZ_LOG_WARNING) level = CZ_LOG_WARNING;
  cz_log_set_level(level);
  cz_log_set_console(cfg->log_to_console);
}

/* Every setup phase ends with an agreement, so a failure on any rank stops every rank at the
 * same point, and rank 0 reports it once. */
static cz_status load_nodes(run_state *s, const cz_run_options *opt) {
  cz_timer_start(CZ_T_SETUP_CONFIG);
  CZ_TRY(cz_layout_options_from_env(&s->layout));
  CZ_TRY(cz_cfg_load(opt->config_path, &opt->ov, &s->cfg));
  /* A folder for an engine Cadenza lacks, or an input or report this run would drop, stops
   * here, before anything is built or written. */
  CZ_TRY(cz_engine_detect(s->cfg, &s->engine_id));
  s->kind = cz_engine_kind_of(s->engine_id);
  CZ_TRY(s->kind->check_config(s->cfg));
  cz_timer_stop(CZ_T_SETUP_CONFIG);
  apply_log_settings(s->cfg, opt->quiet);
  if (opt->log_all_ranks && cz_comm_rank() != 0) cz_log_set_console(false); /* the console is rank 0's */
  s->threads = choose_threads(opt, s->cfg);
  if (opt->threads > 0 && s->cfg->n_thread > 0 && s->cfg->n_thread != opt->threads)
    cz_log_info("--threads %d overrides run.n_thread %d", opt->threads, s->cfg->n_thread);
  if (opt->seed >= 0 && s->engine_id == CZ_ENGINE_POINT)
    cz_log_info("--seed %lld seeds the Poisson inputs that name no seed of their own", opt->seed);
  if (opt->nrn_units && s->engine_id != CZ_ENGINE_BIONET)
    cz_log_warn("--nrn-units concerns detailed cells only; this %s network has none", cz_engine_name(s->engine_id));
  cz_timer_start(CZ_T_SETUP_LOAD);
  for (size_t i = 0; i < s->cfg->nnodes; i++)
    cz_log_info("Batch processing nodes for %s.", cz_path_basename(s->cfg->nodes[i].nodes_file));
  CZ_TRY(cz_circuit_load_nodes(s->cfg, &s->circuit));
  return CZ_OK;
}

/* Each rank's kept spans are cut into this many slices, which its threads take in turn: the
 * slices a rank checks depend on its targets only, never on its threads. */
enum { INDEX_SLICES_PER_RANK = 64 };

/* Checks the rows of this rank's kept spans of every edge population on nt threads: bad[i]
 * counts the slices that found population i's index wrong, kept[i] the rows of its kept spans. */
static cz_status check_index_slices(cz_edge_streams *es, int nt, uint64_t *bad, uint64_t *kept) {
  const size_t n = cz_edge_streams_count(es);
  const int k = INDEX_SLICES_PER_RANK;
  uint8_t *wrong = cz_calloc((size_t)nt * n + 1, 1);
  cz_error_note *notes = cz_calloc((size_t)nt, sizeof *notes);
  cz_status st = wrong && notes ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
#pragma omp parallel for num_threads(nt) schedule(static, 1)
  for (int t = 0; t < (st == CZ_OK ? nt : 0); t++) {
    cz_status ts = CZ_OK;
    for (int j = t; ts == CZ_OK && j < k; j += nt)
      for (size_t i = 0; ts == CZ_OK && i < n; i++) {
        bool ok = false;
        ts = cz_edge_streams_check_rows(es, i, t, j, k, &ok);
        wrong[(size_t)t * n + i] |= !ok;
      }
    cz_error_take(ts, &notes[t]);
  }
  for (int t = 0; st == CZ_OK && t < nt; t++)
    for (size_t i = 0; i < n; i++) bad[i] += wrong[(size_t)t * n + i];
  for (size_t i = 0; st == CZ_OK && i < n; i++) {
    uint64_t total;
    cz_edge_streams_rows(es, i, &kept[i], &total);
  }
  for (int t = 0; notes && t < nt; t++) {
    if (st == CZ_OK && notes[t].code != CZ_OK) st = cz_error_raise(&notes[t]);
    cz_error_note_free(&notes[t]);
  }
  free(wrong);
  free(notes);
  return st;
}

/* Every rank reads the index entries of its own targets and checks their rows, a slice per
 * thread, and the ranks agree population by population: an index holds when every rank found
 * its rows right and the ranks' rows add up to all of them (a row names one target, so rows
 * checked on different ranks cannot overlap). The build then trusts an index found right (its
 * rows read once in all, however many ranks and threads), and checks any other in full. No
 * rank holds more of an index than its own targets' entries. */
static cz_status check_edge_indexes(run_state *s) {
  const double t0 = cz_now();
  const int nt = s->threads < 1 ? 1 : s->threads;
  const cz_circuit *c = s->circuit;
  size_t *pop_offset = cz_calloc(c->nnodes + 1, sizeof *pop_offset);
  CZ_CHECK(pop_offset, CZ_ERR_NOMEM, "out of memory");
  for (size_t p = 0; p < c->nnodes; p++) pop_offset[p + 1] = pop_offset[p] + c->nodes[p].n;
  const cz_place_filter_ctx fc = {&s->placement, pop_offset, (uint32_t)cz_comm_rank()};
  const cz_edge_filter keep = {.keep_target = cz_place_keep_target, .ctx = &fc};
  cz_edge_streams *es = NULL;
  cz_status st = cz_edge_streams_open(s->circuit, s->cfg, nt, &keep, false, &es);
  const size_t n = st == CZ_OK ? cz_edge_streams_count(es) : 0;
  uint64_t *bad = st == CZ_OK ? cz_calloc(2 * n + 1, sizeof *bad) : NULL, *kept = bad ? bad + n : NULL;
  if (st == CZ_OK && !bad) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = check_index_slices(es, nt, bad, kept);
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_comm_allreduce_sum_u64_array(bad, 2 * n);
  for (size_t i = 0; st == CZ_OK && i < n; i++) {
    uint64_t mine, total;
    cz_edge_streams_rows(es, i, &mine, &total);
    st = cz_edge_streams_set_index_ok(es, i, bad[i] == 0 && kept[i] == total);
  }
  free(bad);
  free(pop_offset);
  cz_edge_streams_close(&es);
  cz_log_debug("edge indexes checked, each rank its own targets' rows, in %.2f s", cz_now() - t0);
  return st;
}

/* The detailed-cell engine's build: cells, synapses, inputs and reports of this rank. */
static cz_status build_bionet(run_state *s, const cz_run_options *opt) {
  cz_timer_start(CZ_T_SETUP_BUILD);
  cz_log_info("Building cells.");
  const double t0 = cz_now();
  const cz_bionet_options bo = {s->threads, opt->nrn_units == 2   ? CZ_BIO_UNITS_LEGACY
                                            : opt->nrn_units == 1 ? CZ_BIO_UNITS_MODERN
                                                                  : CZ_BIO_UNITS_CONFIG};
  CZ_TRY(cz_bionet_engine_create(s->cfg, s->circuit, &s->placement, &bo, &s->bio, &s->view));
  s->tg = cz_bionet_engine_grid(s->bio);
  s->gm = cz_bionet_engine_gidmap(s->bio);
  const cz_bionet_counts n = cz_bionet_engine_counts(s->bio);
  cz_log_info("Built %llu detailed cells (%llu compartments; %llu stepped side by side with cells of their shape), "
              "%llu artificial cells and %llu synapses in %.2f s%s",
              (unsigned long long)n.cells, (unsigned long long)n.compartments, (unsigned long long)n.cohort_cells,
              (unsigned long long)n.artificial, (unsigned long long)n.synapses, cz_now() - t0,
              cz_comm_size() > 1 ? " on rank 0" : "");
  return CZ_OK;
}

static cz_status build(run_state *s, const cz_run_options *opt) {
  if (s->engine_id == CZ_ENGINE_BIONET) return build_bionet(s, opt);
  cz_timer_start(CZ_T_SETUP_BUILD);
  cz_log_info("Building cells.");
  cz_log_info("Building recurrent connections");
  /* Each rank streams only the edges onto its own neurons. */
  double t0 = cz_now();
  CZ_TRY(check_edge_indexes(s));
  cz_pn_replays *replays = NULL; /* every rank reads the same files and fails alike */
  CZ_TRY(cz_pn_replays_read(s->cfg, s->circuit, &replays));
  const cz_placement *pl = cz_comm_size() > 1 ? &s->placement : NULL;
  cz_status st = replays ? cz_pn_replays_build(replays, s->cfg, s->circuit, s->threads, cz_comm_rank(), cz_comm_size(),
                                               pl, &s->layout.net, &s->net)
                         : cz_net_build_streamed(s->cfg, s->circuit, s->threads, cz_comm_rank(), cz_comm_size(), pl,
                                                 &s->layout.net, &s->net);
  const double dt = cz_now() - t0;
  if (st == CZ_OK)
    cz_log_info("Built %zu synapses from the edge files in %.2f s (%.3g edges/s%s)", s->net->nsyn_total, dt,
                dt > 0 ? (double)s->net->nsyn_total / dt : 0.0, cz_comm_size() > 1 ? " on rank 0" : "");
  if (st == CZ_OK) st = cz_vspikes_build(s->cfg, s->circuit, &s->net->gm, &s->net->tg, &s->vs);
  if (st == CZ_OK && replays) st = cz_pn_replays_spikes(replays, s->cfg, s->circuit, s->net, &s->vs);
  cz_pn_replays_destroy(&replays);
  CZ_TRY(st);
  CZ_TRY(cz_clamps_build(s->cfg, s->circuit, &s->net->gm, &s->net->tg, &s->clamps));
  CZ_TRY(cz_poisson_build_seeded(s->cfg, s->circuit, s->net,
                                 opt->seed >= 0 ? (uint64_t)opt->seed : CZ_POISSON_DEFAULT_SEED, &s->poisson));
  CZ_TRY(cz_recorder_create(s->cfg, s->circuit, s->net, &s->placement, &s->recorder));
  s->tg = &s->net->tg;
  s->gm = &s->net->gm;
  return CZ_OK;
}

/* FNV-1a: a digest for comparing what the ranks read, not a guard against tampering. */
static uint64_t digest(const void *data, size_t n, uint64_t h) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

static const uint64_t DIGEST_SEED = 0xcbf29ce484222325ULL;

static const char *const k_stale_hint = "the ranks read different files (a stale copy on one node?)";

/* The node populations as names and sizes, then the config's text: what every rank must have
 * read alike. */
static cz_status inputs_summary(const run_state *s, uint64_t **out, size_t *n) {
  const cz_circuit *c = s->circuit;
  *n = 2 * c->nnodes + 1;
  CZ_NEW(*out, *n);
  for (size_t p = 0; p < c->nnodes; p++) {
    (*out)[2 * p] = digest(c->nodes[p].name, strlen(c->nodes[p].name), DIGEST_SEED);
    (*out)[2 * p + 1] = c->nodes[p].n;
  }
  char *text = NULL;
  size_t len = 0;
  CZ_TRY(cz_read_file(s->cfg->path, &text, &len));
  (*out)[2 * c->nnodes] = digest(text, len, DIGEST_SEED);
  free(text);
  return CZ_OK;
}

/* Ranks that read different inputs would wait for each other forever in the placement: they
 * compare the config and their node populations first and stop together, naming the first
 * difference (every rank fails; rank 0's message is the one reported). */
static cz_status check_ranks_read_alike(const run_state *s) {
  const cz_circuit *c = s->circuit;
  size_t first;
  int rank;
  uint64_t mine = 0, theirs = 0, count = c->nnodes;
  CZ_TRY(cz_comm_same_as_rank0(&count, 1, &first, &rank, &mine, &theirs));
  CZ_CHECK(first == 1, CZ_ERR_FORMAT, "%s: rank 0 loaded %llu node populations but rank %d loaded %llu; %s",
           s->cfg->path, (unsigned long long)mine, rank, (unsigned long long)theirs, k_stale_hint);
  uint64_t *v = NULL;
  size_t n = 0;
  cz_status st = inputs_summary(s, &v, &n);
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_comm_same_as_rank0(v, n, &first, &rank, &mine, &theirs);
  free(v);
  CZ_TRY(st);
  if (first == n) return CZ_OK;
  const size_t p = first / 2;
  if (first == n - 1)
    return CZ_ERROR(CZ_ERR_FORMAT, "%s: the config differs between rank 0 and rank %d; %s", s->cfg->path, rank,
                    k_stale_hint);
  if (first % 2 == 0)
    return CZ_ERROR(CZ_ERR_FORMAT, "%s: node population %zu is '%s' on rank 0 but has another name on rank %d; %s",
                    c->nodes[p].file, p, c->nodes[p].name, rank, k_stale_hint);
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: population %s has %llu nodes on rank 0 but %llu on rank %d; %s",
                  c->nodes[p].file, c->nodes[p].name, (unsigned long long)mine, (unsigned long long)theirs, rank,
                  k_stale_hint);
}

static cz_status load_and_build(run_state *s, const cz_run_options *opt) {
  cz_timer_start(CZ_T_SETUP_PARTITION);
  if (opt->partition_file) {
    cz_log_info("Placing neurons on %d ranks as %s says", cz_comm_size(), opt->partition_file);
    cz_status st = cz_place_from_file(opt->partition_file, s->circuit, (uint32_t)cz_comm_size(), &s->placement);
    if (st != CZ_OK) cz_error_prefix(st, "--partition");
    CZ_TRY(cz_comm_agree(st));
  } else {
    if (cz_comm_size() > 1)
      cz_log_info("Placing neurons on %d ranks (%s)", cz_comm_size(), cz_partition_method_name(opt->partition));
    const cz_place_cost *cost = NULL;
    cz_place_cost *owned = NULL;
    cz_status st = cz_engine_place_cost(s->kind, s->cfg, s->circuit, &cost, &owned);
    if (st == CZ_OK)
      st = cz_place_nodes(s->circuit, s->cfg, cz_comm_size(), opt->partition, 1, cost, s->layout.partition_pairs,
                          &s->placement);
    cz_engine_place_cost_free(s->kind, &owned);
    CZ_TRY(st);
  }
  cz_timer_stop(CZ_T_SETUP_PARTITION);
  cz_timer_start(CZ_T_SETUP_LOAD);
  CZ_TRY(cz_comm_agree(build(s, opt)));
  if (s->net) {
    CZ_TRY(cz_comm_agree(cz_net_connect(s->net, &s->placement)));
    CZ_TRY(cz_comm_agree(cz_net_warn_off_grid(s->net, s->cfg)));
  }
  cz_log_info("Network created.");
  cz_timer_stop(CZ_T_SETUP_BUILD);
  return CZ_OK;
}

static void format_hms(double sec, char *buf, size_t n) {
  long s = sec > 0 && isfinite(sec) ? (long)(sec + 0.5) : 0;
  snprintf(buf, n, "%02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
}

typedef struct progress_ctx {
  double start;
  double h;
  size_t nneurons;
  bool tty;
} progress_ctx;

static void print_progress(void *pv, int64_t done, int64_t nsteps, size_t nspikes) {
  progress_ctx *p = pv;
  double wall = cz_now() - p->start;
  double t = (double)done * p->h, tstop = (double)nsteps * p->h;
  double rtf = t > 0 ? wall / (t / 1000.0) : 0;
  double eta = done > 0 ? wall * (double)(nsteps - done) / (double)done : 0;
  char etab[32];
  format_hms(eta, etab, sizeof etab);
  double rate = t > 0 && p->nneurons ? (double)nspikes / (double)p->nneurons / (t / 1000.0) : 0;
  printf("%s[%3d%%] t=%.1f/%.1f ms  wall=%.1f s  RTF=%.3f  ETA %s  spikes=%zu (%.1f Hz/cell)%s",
         p->tty ? "\r" : "", (int)(100.0 * (double)done / (double)nsteps), t, tstop, wall, rtf, etab, nspikes, rate,
         p->tty ? "" : "\n");
  fflush(stdout);
}

static cz_status simulate(run_state *s, const cz_run_options *opt) {
  cz_log_info("Starting Simulation");
  cz_status st = CZ_OK;
  if (s->net) st = cz_comm_agree(cz_point_engine_create(s->net, &s->clamps, &s->poisson, s->recorder, &s->engine, &s->view));
  CZ_TRY(st);
  const cz_timegrid *tg = s->tg;
  cz_log_info("Running simulation for %.3f ms with the time step %.3f ms (%lld steps, epochs of %d steps, %d threads)",
              (double)tg->nsteps * tg->h, tg->h, (long long)tg->nsteps, tg->min_delay, s->threads);
  progress_ctx pc = {cz_now(), tg->h, s->view.gm->nlocal, isatty(1) != 0};
  /* quiet_simulator silences the simulator's own chatter, as it silences NEST's in BMTK;
   * --progress asks for it all the same. */
  bool show = (opt->progress == 2 || (opt->progress == 1 && !s->cfg->quiet_simulator && cz_log_get_level() <= CZ_LOG_INFO)) &&
              cz_comm_rank() == 0;
  cz_timer_start(CZ_T_RUN);
  cz_epoch_block blk = {cz_journal_block_steps(s->cfg), cz_journal_block, s->journal};
  /* The detailed-cell engine queues its virtual inputs itself (bionet/engine.h). */
  st = cz_epoch_run(&s->view, s->net ? &s->vs : NULL, s->journal ? &blk : NULL, show ? print_progress : NULL, &pc,
                    &s->result);
  if (st == CZ_OK && s->net) st = cz_point_engine_weight_events(s->engine, &s->wev, &s->nwev);
  cz_timer_stop(CZ_T_RUN);
  if (show && st == CZ_OK) print_progress(&pc, tg->nsteps, tg->nsteps, s->result.spikes.n); /* the 100% line */
  if (show && pc.tty) printf("\n");
  CZ_TRY(st);
  cz_log_info("Simulation finished, finalizing results.");
  return CZ_OK;
}

/* Spikes of every rank, gathered on rank 0 as two-word records (cz_spike_pack). */
static cz_status gather_spikes(const run_state *s, int64_t **all, size_t *nall) {
  const size_t n = s->result.spikes.n;
  int64_t *mine = NULL;
  CZ_NEW(mine, 2 * n);
  for (size_t i = 0; i < n; i++) cz_spike_pack(&s->result.spikes.s[i], &mine[2 * i]);
  cz_status st = cz_comm_gather_records(mine, n, 2, all, nall);
  free(mine);
  return st;
}

/* Which rank writes a spike in the collective write: ranges of the sort key, so that each
 * rank's slice of every population is contiguous in the file. by_id: ranges of node ids per
 * population; otherwise ranges of time. */
static int writer_of(const run_state *s, const cz_spike *spike, const uint64_t *id_lo, const uint64_t *id_span) {
  const int nr = cz_comm_size();
  if (s->cfg->sort_order == CZ_SORT_BY_ID) {
    size_t pop, row;
    cz_gidmap_locate(s->gm, cz_spike_gid(spike), &pop, &row);
    uint64_t id = cz_node_id(&s->circuit->nodes[pop], row);
    return (int)((double)(id - id_lo[pop]) / (double)id_span[pop] * nr);
  }
  return (int)((double)(cz_spike_step(spike) + 1) / (double)(s->tg->nsteps + 2) * nr);
}

/* Sends every spike to the rank that writes it; returns this rank's share. */
static cz_status spikes_to_writers(const run_state *s, int64_t **mine, size_t *nmine) {
  const cz_circuit *c = s->circuit;
  const int nr = cz_comm_size();
  const size_t n = s->result.spikes.n;
  const cz_spike *sp = s->result.spikes.s;
  uint64_t *id_lo = cz_calloc(c->nnodes, sizeof *id_lo), *id_span = cz_calloc(c->nnodes, sizeof *id_span);
  size_t *count = cz_calloc((size_t)nr, sizeof *count), *next = cz_calloc((size_t)nr, sizeof *next);
  int64_t *send = cz_calloc(2 * n + 2, sizeof *send);
  int *dest = cz_calloc(n + 1, sizeof *dest);
  cz_status st = (id_lo && id_span && count && next && send && dest) ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      const uint64_t id = cz_node_id(&c->nodes[p], i);
      if (id < lo) lo = id;
      if (id > hi) hi = id;
    }
    id_lo[p] = c->nodes[p].n ? lo : 0;
    id_span[p] = c->nodes[p].n ? hi - lo + 1 : 1;
  }
  for (size_t i = 0; st == CZ_OK && i < n; i++) {
    dest[i] = writer_of(s, &sp[i], id_lo, id_span);
    count[dest[i]]++;
  }
  for (int r = 1; r < nr; r++) next[r] = next[r - 1] + count[r - 1];
  for (size_t i = 0; st == CZ_OK && i < n; i++) {
    size_t j = next[dest[i]]++;
    cz_spike_pack(&sp[i], &send[2 * j]);
  }
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_comm_alltoall_records(send, count, 2, mine, nmine);
  free(id_lo);
  free(id_span);
  free(count);
  free(next);
  free(send);
  free(dest);
  return st;
}

/* The h5 file written by all ranks at once: each sorts its share and writes its slices at the
 * offsets the lower ranks' shares leave. */
static cz_status write_h5_collective(const run_state *s) {
  int64_t *mine = NULL;
  cz_spike *recs = NULL;
  size_t n = 0;
  cz_spike_table t;
  memset(&t, 0, sizeof t);
  cz_status st = spikes_to_writers(s, &mine, &n);
  if (st == CZ_OK) st = cz_spike_records_unpack(mine, n, &recs);
  if (st == CZ_OK) st = cz_spike_table_of(s->tg, s->gm, s->circuit, recs, n, &t);
  if (st == CZ_OK) st = cz_spikes_sort(&t, s->cfg->sort_order);
  const size_t np = s->circuit->nnodes;
  uint64_t *total = cz_calloc(np, sizeof *total), *offset = cz_calloc(np, sizeof *offset);
  if (st == CZ_OK && (!total || !offset)) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < t.n; i++) total[t.pop[i]]++;
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_comm_exscan_u64_array(total, offset, np);
  if (st == CZ_OK) st = cz_comm_allreduce_sum_u64_array(total, np);
  if (st == CZ_OK)
    st = cz_spikes_write_h5_slices(s->cfg->spikes_file, &t, total, offset, s->cfg->sort_order, true, cz_comm_native(),
                                   cz_comm_rank() == 0);
  cz_spike_table_free(&t);
  free(total);
  free(offset);
  free(recs);
  free(mine);
  return st;
}

static cz_status write_spikes(run_state *s) {
  const cz_config *cfg = s->cfg;
  if (cfg->spikes_file && cz_comm_size() > 1) CZ_TRY(cz_comm_agree(write_h5_collective(s)));
  const bool rank0_h5 = cfg->spikes_file && cz_comm_size() == 1;
  if (!rank0_h5 && !cfg->spikes_file_csv) return CZ_OK;
  /* The CSV file (and with one rank the h5 file) is written by rank 0 from all spikes. */
  int64_t *all = NULL;
  cz_spike *recs = NULL;
  size_t nall = 0;
  cz_status st = gather_spikes(s, &all, &nall);
  cz_spike_table t;
  memset(&t, 0, sizeof t);
  if (st == CZ_OK && cz_comm_rank() == 0) {
    st = cz_spike_records_unpack(all, nall, &recs);
    if (st == CZ_OK) st = cz_spike_table_of(s->tg, s->gm, s->circuit, recs, nall, &t);
    if (st == CZ_OK) st = cz_spikes_sort(&t, cfg->sort_order);
    if (st == CZ_OK && rank0_h5) st = cz_spikes_write_h5(cfg->spikes_file, &t, cfg->sort_order, true);
    if (st == CZ_OK && cfg->spikes_file_csv) st = cz_spikes_write_csv(cfg->spikes_file_csv, &t);
  }
  cz_spike_table_free(&t);
  free(recs);
  free(all);
  return st;
}

/* Totals over ranks for the closing summary. */
typedef struct run_totals {
  uint64_t neurons, synapses, spikes, events, peak_rss;
  uint64_t compartments, cell_bytes, synapse_bytes; /* detailed cells (BioNet) */
  uint64_t cohort_cells;
  double spent[3]; /* a worker's seconds in the steps' channels, synapses and solve (slowest rank) */
} run_totals;

static cz_status sum_over_ranks(const run_state *s, run_totals *t) {
  if (s->net) {
    t->neurons = s->net->N;
    t->synapses = s->net->nsyn_total;
  } else {
    const cz_bionet_counts n = cz_bionet_engine_counts(s->bio);
    t->neurons = n.cells + n.artificial;
    t->synapses = n.netcons;
    t->compartments = n.compartments;
    t->cell_bytes = n.cell_bytes;
    t->synapse_bytes = n.synapse_bytes;
    t->cohort_cells = n.cohort_cells;
    cz_bionet_engine_spent(s->bio, t->spent);
  }
  t->spikes = s->result.spikes.n;
  t->events = s->result.nevents;
  int64_t rss = (int64_t)cz_peak_rss_bytes();
  CZ_TRY(cz_comm_allreduce_sum_u64(&t->neurons));
  CZ_TRY(cz_comm_allreduce_sum_u64(&t->synapses));
  CZ_TRY(cz_comm_allreduce_sum_u64(&t->spikes));
  CZ_TRY(cz_comm_allreduce_sum_u64(&t->events));
  CZ_TRY(cz_comm_allreduce_sum_u64(&t->compartments));
  CZ_TRY(cz_comm_allreduce_sum_u64(&t->cell_bytes));
  CZ_TRY(cz_comm_allreduce_sum_u64(&t->synapse_bytes));
  CZ_TRY(cz_comm_allreduce_sum_u64(&t->cohort_cells));
  CZ_TRY(cz_comm_allreduce_f64_array(t->spent, 3, CZ_REDUCE_MAX));
  CZ_TRY(cz_comm_allreduce_max_i64(&rss));
  t->peak_rss = (uint64_t)rss;
  return CZ_OK;
}

static void print_summary(const run_state *s, const run_totals *t) {
  const cz_timegrid *tg = s->tg;
  double run = cz_timer_get(CZ_T_RUN);
  double load = cz_timer_get(CZ_T_SETUP_CONFIG) + cz_timer_get(CZ_T_SETUP_LOAD) + cz_timer_get(CZ_T_SETUP_PARTITION) +
                cz_timer_get(CZ_T_SETUP_BUILD);
  double sim_s = (double)tg->nsteps * tg->h / 1000.0;
  double rate = t->neurons && sim_s > 0 ? (double)t->spikes / (double)t->neurons / sim_s : 0;
  cz_log_info("Done.");
  if (cz_comm_rank() != 0) return;
  printf("cadenza: %llu neurons (%zu virtual nodes), %llu synapses, %llu spikes (%.2f Hz/neuron); %d rank%s x %d "
         "thread%s; load %.2f s, run %.2f s (update %.2f s, deliver %.2f s, exchange %.2f s, wait %.2f s, pack %.2f s, "
         "report %.2f s), write %.2f s; %.3g synaptic events/s; peak memory %.1f MiB%s\n",
         (unsigned long long)t->neurons, (s->net ? s->net->ncircuit_gids : s->gm->nsrc) - (size_t)t->neurons,
         (unsigned long long)t->synapses,
         (unsigned long long)t->spikes, rate, cz_comm_size(), cz_comm_size() > 1 ? "s" : "", s->view.nthreads,
         s->view.nthreads > 1 ? "s" : "", load, run, cz_timer_get(CZ_T_RUN_UPDATE), cz_timer_get(CZ_T_RUN_DELIVER),
         cz_timer_get(CZ_T_RUN_TRANSFER), cz_timer_get(CZ_T_RUN_WAIT), cz_timer_get(CZ_T_RUN_PACK),
         cz_timer_get(CZ_T_RUN_REPORT), cz_timer_get(CZ_T_OUTPUT), run > 0 ? (double)t->events / run : 0.0,
         (double)t->peak_rss / (1024.0 * 1024.0), cz_comm_size() > 1 ? " (largest rank)" : "");
  if (t->compartments)
    printf("cadenza: %llu compartments at %.0f bytes each (cable, ions, mechanisms), %.0f bytes per synapse "
           "(synapse, NetCon); %llu cells stepped side by side with cells of their shape\n",
           (unsigned long long)t->compartments, (double)t->cell_bytes / (double)t->compartments,
           t->synapses ? (double)t->synapse_bytes / (double)t->synapses : 0.0, (unsigned long long)t->cohort_cells);
  if (s->cfg->spikes_file) printf("cadenza: spikes written to %s\n", s->cfg->spikes_file);
  if (s->cfg->spikes_file_csv) printf("cadenza: spikes written to %s\n", s->cfg->spikes_file_csv);
}

/* log.txt -> log.rank<r>.txt: a rank's own log beside rank 0's. */
static cz_status open_rank_log(const char *log_file, int rank) {
  char *path = NULL;
  const char *dot = strrchr(log_file, '.'), *slash = strrchr(log_file, '/');
  if (dot && (!slash || dot > slash))
    CZ_TRY(cz_asprintf(&path, "%.*s.rank%d%s", (int)(dot - log_file), log_file, rank, dot));
  else
    CZ_TRY(cz_asprintf(&path, "%s.rank%d", log_file, rank));
  cz_status st = cz_log_open_file(path);
  free(path);
  return st;
}

/* Rank 0 owns the output folder: it checks it, creates it, opens the log and copies the
 * config; the others learn the outcome (and, with --log-all-ranks, open logs of their own). */
static cz_status prepare_output(run_state *s, const cz_run_options *opt) {
  cz_status st = CZ_OK;
  if (cz_comm_rank() == 0) {
    st = cz_outdir_check(s->cfg);
    if (st == CZ_OK) st = cz_outdir_prepare(s->cfg);
    if (st == CZ_OK) cz_log_info("Setting up output directory");
    if (st == CZ_OK && s->cfg->log_file) st = cz_log_open_file(s->cfg->log_file);
    if (st == CZ_OK) cz_log_info("Created log file");
    if (st == CZ_OK) st = cz_outdir_write_config(s->cfg);
  }
  CZ_TRY(cz_comm_agree(st));
  if (!opt->log_all_ranks || !s->cfg->log_file) return CZ_OK;
  return cz_comm_agree(cz_comm_rank() == 0 ? CZ_OK : open_rank_log(s->cfg->log_file, cz_comm_rank()));
}

/* The timers of every rank, logged and written to <output_dir>/timers.json. */
/* Peak memory of this rank as min / avg / max over ranks. Collective. */
static cz_status rss_over_ranks(cz_stat *out) {
  const double mine = (double)cz_peak_rss_bytes();
  double v[3] = {mine, mine, mine};
  CZ_TRY(cz_comm_allreduce_f64_array(&v[0], 1, CZ_REDUCE_MIN));
  CZ_TRY(cz_comm_allreduce_f64_array(&v[1], 1, CZ_REDUCE_SUM));
  CZ_TRY(cz_comm_allreduce_f64_array(&v[2], 1, CZ_REDUCE_MAX));
  *out = (cz_stat){v[0], v[1] / cz_comm_size(), v[2]};
  return CZ_OK;
}

/* Each worker's seconds in the detailed cells' update parts, over the threads of all ranks.
 * Collective. */
static cz_status bionet_thread_parts(const cz_bionet_engine *bio, int nthreads, cz_timing *t) {
  double *parts = cz_calloc(3 * (size_t)nthreads + 1, sizeof *parts);
  cz_status st = cz_comm_agree(parts ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory"));
  for (int w = 0; st == CZ_OK && w < nthreads; w++) cz_bionet_engine_worker_spent(bio, w, parts + 3 * w);
  if (st == CZ_OK) st = cz_timing_thread_parts(parts, nthreads, t);
  free(parts);
  return st;
}

static cz_status write_timing(const run_state *s, const cz_run_options *opt, const run_totals *tot) {
  cz_timing t;
  CZ_TRY(cz_timing_collect(&s->result, cz_hw_available() ? NULL : s->hw_why, &t));
  t.size = (cz_run_size){(double)s->tg->nsteps * s->tg->h, tot->neurons, tot->synapses, tot->spikes, tot->events,
                         {0, 0, 0}, tot->compartments, tot->cell_bytes, tot->synapse_bytes,
                         {tot->spent[0], tot->spent[1], tot->spent[2]}};
  CZ_TRY(rss_over_ranks(&t.size.peak_rss));
  if (s->bio) CZ_TRY(bionet_thread_parts(s->bio, s->view.nthreads, &t));
  cz_timing_log(&t, opt->verbose != 0);
  cz_status st = CZ_OK;
  if (cz_comm_rank() == 0) {
    char *path = NULL;
    st = cz_path_join(s->cfg->output_dir, "timers.json", &path);
    if (st == CZ_OK) st = cz_timing_write_json(&t, path);
    free(path);
  }
  return cz_comm_agree(st);
}

/* A PopNet folder: its populations stepped with their rates shared between ranks, the rates
 * file written by rank 0 (popnet/engine.h); no spikes, no placement. */
static cz_status run_popnet(run_state *s, const cz_run_options *opt) {
  cz_timer_start(CZ_T_SETUP_BUILD);
  CZ_TRY(cz_comm_agree(cz_circuit_load_edges(s->circuit, s->cfg, NULL)));
  CZ_TRY(cz_popnet_create(s->cfg, s->circuit, &s->pop));
  const cz_popnet_counts n = cz_popnet_get_counts(s->pop);
  cz_log_info("Built %zu internal and %zu external populations, %zu connections", n.internal, n.external,
              n.connections);
  cz_timer_stop(CZ_T_SETUP_BUILD);
  cz_timer_start(CZ_T_SETUP_OUTPUT);
  CZ_TRY(prepare_output(s, opt));
  cz_timer_stop(CZ_T_SETUP_OUTPUT);
  cz_log_info("Running simulation for %.3f s in %lld steps of %g s", (double)n.steps * n.dt_s, (long long)n.steps,
              n.dt_s);
  cz_timer_start(CZ_T_RUN);
  CZ_TRY(cz_popnet_run(s->pop));
  cz_timer_stop(CZ_T_RUN);
  cz_timer_start(CZ_T_OUTPUT);
  CZ_TRY(cz_popnet_write(s->pop));
  cz_timer_stop(CZ_T_OUTPUT);
  cz_timer_stop(CZ_T_TOTAL);
  int64_t rss = (int64_t)cz_peak_rss_bytes();
  CZ_TRY(cz_comm_allreduce_max_i64(&rss));
  cz_log_info("Done.");
  if (cz_comm_rank() == 0) {
    printf("cadenza: %zu internal populations, %zu external, %zu connections, %lld steps; %d rank%s; load %.2f s, run "
           "%.2f s, write %.2f s; peak memory %.1f MiB%s\n",
           n.internal, n.external, n.connections, (long long)n.steps, cz_comm_size(), cz_comm_size() > 1 ? "s" : "",
           cz_timer_get(CZ_T_SETUP_CONFIG) + cz_timer_get(CZ_T_SETUP_LOAD) + cz_timer_get(CZ_T_SETUP_BUILD),
           cz_timer_get(CZ_T_RUN), cz_timer_get(CZ_T_OUTPUT), (double)rss / (1024.0 * 1024.0),
           cz_comm_size() > 1 ? " (largest rank)" : "");
    if (cz_popnet_rates_path(s->pop)) printf("cadenza: rates written to %s\n", cz_popnet_rates_path(s->pop));
  }
  return CZ_OK;
}

/* A FilterNet folder: the movie played through every unit's filters, rates and spikes written
 * by rank 0 (filternet/engine.h); no placement, no epochs. */
static cz_status run_filternet(run_state *s, const cz_run_options *opt) {
  cz_timer_start(CZ_T_SETUP_BUILD);
  const uint64_t seed = opt->seed >= 0 ? (uint64_t)opt->seed : 1; /* the references' numpy seed */
  CZ_TRY(cz_filternet_create(s->cfg, s->circuit, seed, s->threads, &s->lgn));
  cz_timer_stop(CZ_T_SETUP_BUILD);
  cz_timer_start(CZ_T_SETUP_OUTPUT);
  CZ_TRY(prepare_output(s, opt));
  cz_timer_stop(CZ_T_SETUP_OUTPUT);
  cz_timer_start(CZ_T_RUN);
  CZ_TRY(cz_filternet_run(s->lgn));
  cz_timer_stop(CZ_T_RUN);
  cz_timer_start(CZ_T_OUTPUT);
  CZ_TRY(cz_filternet_write(s->lgn));
  cz_timer_stop(CZ_T_OUTPUT);
  cz_timer_stop(CZ_T_TOTAL);
  const cz_filternet_counts n = cz_filternet_get_counts(s->lgn);
  uint64_t spikes = n.spikes;
  int64_t rss = (int64_t)cz_peak_rss_bytes();
  CZ_TRY(cz_comm_allreduce_sum_u64(&spikes));
  CZ_TRY(cz_comm_allreduce_max_i64(&rss));
  cz_log_info("Done.");
  if (cz_comm_rank() == 0)
    printf("cadenza: %zu LGN units, %zu frames, %zu rate times, %llu spikes; %d rank%s; load %.2f s, run %.2f s, write "
           "%.2f s; peak memory %.1f MiB%s\n",
           n.cells, n.frames, n.times, (unsigned long long)spikes, cz_comm_size(), cz_comm_size() > 1 ? "s" : "",
           cz_timer_get(CZ_T_SETUP_CONFIG) + cz_timer_get(CZ_T_SETUP_LOAD) + cz_timer_get(CZ_T_SETUP_BUILD),
           cz_timer_get(CZ_T_RUN), cz_timer_get(CZ_T_OUTPUT), (double)rss / (1024.0 * 1024.0),
           cz_comm_size() > 1 ? " (largest rank)" : "");
  return CZ_OK;
}

static cz_status run_all(run_state *s, const cz_run_options *opt) {
  cz_timer_start(CZ_T_TOTAL);
  CZ_TRY(cz_comm_agree(load_nodes(s, opt)));
  CZ_TRY(cz_comm_agree(check_ranks_read_alike(s)));
  cz_timer_stop(CZ_T_SETUP_LOAD);
  if (s->engine_id == CZ_ENGINE_POPNET) return run_popnet(s, opt);
  if (s->engine_id == CZ_ENGINE_FILTERNET) return run_filternet(s, opt);
  CZ_TRY(load_and_build(s, opt));
  /* Everything the inputs can get wrong has been checked: only now touch the output folder. */
  cz_timer_start(CZ_T_SETUP_OUTPUT);
  CZ_TRY(prepare_output(s, opt));
  if (s->net) CZ_TRY(cz_recorder_open(s->recorder));
  else CZ_TRY(cz_comm_agree(cz_bionet_engine_open_reports(s->bio)));
  CZ_TRY(cz_journal_open(s->cfg, s->tg, s->gm, s->circuit, &s->journal));
  cz_timer_stop(CZ_T_SETUP_OUTPUT);
  /* Counters from here on: the run and the output, once the input is known to be good. */
  if (!cz_hw_init(&s->hw_why)) cz_log_warn("hardware counters are not recorded: %s", s->hw_why);
  CZ_TRY(simulate(s, opt));
  cz_timer_start(CZ_T_OUTPUT);
  if (s->net) CZ_TRY(cz_comm_agree(cz_recorder_close(&s->recorder, true)));
  else CZ_TRY(cz_comm_agree(cz_bionet_engine_close_reports(s->bio, true)));
  CZ_TRY(cz_comm_agree(write_spikes(s)));
  if (s->net) CZ_TRY(cz_wrecs_write(&s->net->wrecs, s->net, s->circuit, s->wev, s->nwev));
  CZ_TRY(cz_comm_agree(cz_journal_close(&s->journal, true)));
  cz_timer_stop(CZ_T_OUTPUT);
  cz_timer_stop(CZ_T_TOTAL);
  run_totals t;
  CZ_TRY(sum_over_ranks(s, &t));
  print_summary(s, &t);
  return write_timing(s, opt, &t);
}

cz_status cz_app_run(const cz_run_options *opt) {
  if (opt->log_all_ranks) cz_log_set_enabled(true); /* ranks other than 0 keep their lines until their file opens */
  run_state s;
  memset(&s, 0, sizeof s);
  cz_status st = run_all(&s, opt);
  run_state_free(&s);
  cz_hw_shutdown();
  cz_log_close_file();
  return st;
}
