#include "app/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "app/outdir.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/timer.h"
#include "comm/comm.h"
#include "engine/network.h"
#include "engine/sim.h"
#include "inputs/current_clamp.h"
#include "inputs/spike_train.h"
#include "io/circuit.h"
#include "io/node_sets.h"
#include "io/spikes_out.h"

typedef struct run_state {
  cz_config *cfg;
  cz_circuit *circuit;
  cz_network *net;
  cz_vspikes vs;
  cz_clamps clamps;
  cz_sim_result result;
  int threads;
} run_state;

static void run_state_free(run_state *s) {
  cz_sim_result_free(&s->result);
  cz_clamps_free(&s->clamps);
  cz_vspikes_free(&s->vs);
  cz_net_destroy(&s->net);
  cz_circuit_destroy(&s->circuit);
  cz_cfg_destroy(&s->cfg);
}

static int choose_threads(const cz_run_options *opt, const cz_config *cfg) {
  if (opt->threads > 0) return opt->threads;
  const char *env = getenv("OMP_NUM_THREADS");
  if (env && atoi(env) > 0) return atoi(env);
  if (cfg->n_thread > 0) return cfg->n_thread;
  return 1;
}

static void apply_log_settings(const cz_config *cfg, bool quiet) {
  cz_log_level level = CZ_LOG_INFO;
  if (cfg->log_level && !cz_log_parse_level(cfg->log_level, &level))
    cz_log_warn("output.log_level '%s' is not a level (DEBUG, INFO, WARNING, ERROR); using INFO", cfg->log_level);
  if (quiet && level < CZ_LOG_WARNING) level = CZ_LOG_WARNING;
  cz_log_set_level(level);
  cz_log_set_console(cfg->log_to_console);
}

/* Reports are written by a later version; their blocks are still checked now, node sets
 * included, so a typo fails before a long run rather than after. */
static cz_status validate_reports(const cz_config *cfg, const cz_circuit *c) {
  cz_ns_view view = cz_circuit_ns_view(c);
  for (size_t i = 0; i < cfg->nreports; i++) {
    const cz_cfg_block *r = &cfg->reports[i];
    if (!r->enabled) continue;
    if (r->node_set) {
      char where[1024];
      snprintf(where, sizeof where, "%s: reports.%s.cells", cfg->path, r->name);
      cz_ns_selection *sel = NULL;
      CZ_TRY(cz_ns_resolve(cfg->node_sets, r->node_set, &view, where, &sel));
      cz_ns_selection_destroy(&sel);
    }
    cz_log_warn("reports.%s (%s) is valid but report files are not written by this version", r->name,
                r->module ? r->module : "?");
  }
  return CZ_OK;
}

static void log_unused_inputs(const cz_config *cfg) {
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (!b->enabled) continue;
    bool clamp = b->module && strcmp(b->module, "IClamp") == 0;
    if (!clamp && !cz_input_is_spikes(b))
      cz_log_warn("inputs.%s: input_type '%s' with module '%s' is not used by PointNet; ignored", b->name,
                  b->input_type ? b->input_type : "?", b->module ? b->module : "?");
  }
}

static cz_status load_and_build(run_state *s, const cz_run_options *opt) {
  cz_timer_start(CZ_T_SETUP_CONFIG);
  CZ_TRY(cz_cfg_load(opt->config_path, &opt->ov, &s->cfg));
  cz_timer_stop(CZ_T_SETUP_CONFIG);
  apply_log_settings(s->cfg, opt->quiet);
  s->threads = choose_threads(opt, s->cfg);
  if (opt->threads > 0 && s->cfg->n_thread > 0 && s->cfg->n_thread != opt->threads)
    cz_log_info("--threads %d overrides run.n_thread %d", opt->threads, s->cfg->n_thread);
  if (opt->seed >= 0)
    cz_log_info("seed %lld noted (PointNet static networks are deterministic and draw no random numbers)", opt->seed);

  cz_timer_start(CZ_T_SETUP_LOAD);
  for (size_t i = 0; i < s->cfg->nnodes; i++)
    cz_log_info("Batch processing nodes for %s.", cz_path_basename(s->cfg->nodes[i].nodes_file));
  CZ_TRY(cz_circuit_load(s->cfg, &s->circuit));
  cz_timer_stop(CZ_T_SETUP_LOAD);

  cz_timer_start(CZ_T_SETUP_BUILD);
  cz_log_info("Building cells.");
  cz_log_info("Building recurrent connections");
  CZ_TRY(cz_net_build(s->cfg, s->circuit, s->threads, &s->net));
  cz_circuit_drop_edge_arrays(s->circuit);
  cz_log_info("Network created.");
  CZ_TRY(cz_vspikes_build(s->cfg, s->circuit, s->net, &s->vs));
  CZ_TRY(cz_clamps_build(s->cfg, s->circuit, s->net, &s->clamps));
  log_unused_inputs(s->cfg);
  CZ_TRY(validate_reports(s->cfg, s->circuit));
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
  cz_log_info("Running simulation for %.3f ms with the time step %.3f ms (%lld steps, epochs of %d steps, %d threads)",
              (double)s->net->nsteps * s->net->h, s->net->h, (long long)s->net->nsteps, s->net->min_delay, s->threads);
  progress_ctx pc = {cz_now(), s->net->h, s->net->N, isatty(1) != 0};
  /* quiet_simulator silences the simulator's own chatter, as it silences NEST's in BMTK. */
  bool show = opt->progress && !s->cfg->quiet_simulator && cz_log_get_level() <= CZ_LOG_INFO && cz_comm_rank() == 0;
  cz_timer_start(CZ_T_RUN);
  cz_status st = cz_sim_run(s->net, &s->vs, &s->clamps, show ? print_progress : NULL, &pc, &s->result);
  cz_timer_stop(CZ_T_RUN);
  if (show && pc.tty) printf("\n");
  CZ_TRY(st);
  cz_log_info("Simulation finished, finalizing results.");
  return CZ_OK;
}

static cz_status write_spikes(run_state *s) {
  const cz_config *cfg = s->cfg;
  if (!cfg->spikes_file && !cfg->spikes_file_csv) return CZ_OK;
  const cz_network *net = s->net;
  const cz_circuit *c = s->circuit;
  cz_spike_table t;
  memset(&t, 0, sizeof t);
  t.n = s->result.nspikes;
  t.npops = c->nnodes;
  const char **names = NULL;
  CZ_NEW(names, c->nnodes);
  for (size_t p = 0; p < c->nnodes; p++) names[p] = c->nodes[p].name;
  t.pop_names = names;
  t.pop = cz_calloc(t.n, sizeof *t.pop);
  t.node_ids = cz_calloc(t.n, sizeof *t.node_ids);
  t.timestamps = cz_calloc(t.n, sizeof *t.timestamps);
  cz_status st = CZ_OK;
  if (!t.pop || !t.node_ids || !t.timestamps) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < t.n; i++) {
    size_t pop, row;
    cz_net_locate(net, s->result.gid[i], &pop, &row);
    t.pop[i] = (uint32_t)pop;
    t.node_ids[i] = c->nodes[pop].node_id[row];
    t.timestamps[i] = (double)(s->result.stamp[i] * net->tics_per_step) / 1000.0;
  }
  if (st == CZ_OK) {
    st = cz_spikes_sort(&t, cfg->sort_order);
    if (st == CZ_OK && cfg->spikes_file) st = cz_spikes_write_h5(cfg->spikes_file, &t, cfg->sort_order, true);
    if (st == CZ_OK && cfg->spikes_file_csv) st = cz_spikes_write_csv(cfg->spikes_file_csv, &t);
  }
  free(t.pop);
  free(t.node_ids);
  free(t.timestamps);
  free(names);
  return st;
}

static void print_summary(const run_state *s) {
  const cz_network *net = s->net;
  double run = cz_timer_get(CZ_T_RUN);
  double load = cz_timer_get(CZ_T_SETUP_CONFIG) + cz_timer_get(CZ_T_SETUP_LOAD) + cz_timer_get(CZ_T_SETUP_BUILD);
  double sim_s = (double)net->nsteps * net->h / 1000.0;
  double rate = net->N && sim_s > 0 ? (double)s->result.nspikes / (double)net->N / sim_s : 0;
  cz_log_info("Done.");
  if (cz_comm_rank() != 0) return;
  printf("cadenza: %zu neurons (%zu virtual nodes), %zu synapses, %zu spikes (%.2f Hz/neuron); load %.2f s, "
         "run %.2f s (update %.2f s, deliver %.2f s), write %.2f s; %.3g synaptic events/s; peak memory %.1f MiB\n",
         net->N, net->nsrc - net->N, net->nsyn_total, s->result.nspikes, rate, load, run,
         cz_timer_get(CZ_T_RUN_UPDATE), cz_timer_get(CZ_T_RUN_DELIVER), cz_timer_get(CZ_T_OUTPUT),
         run > 0 ? (double)s->result.nevents / run : 0.0, (double)cz_peak_rss_bytes() / (1024.0 * 1024.0));
  if (s->cfg->spikes_file) printf("cadenza: spikes written to %s\n", s->cfg->spikes_file);
  if (s->cfg->spikes_file_csv) printf("cadenza: spikes written to %s\n", s->cfg->spikes_file_csv);
}

static cz_status run_all(run_state *s, const cz_run_options *opt) {
  cz_timer_start(CZ_T_TOTAL);
  CZ_TRY(load_and_build(s, opt));
  /* Everything the inputs can get wrong has been checked: only now touch the output folder. */
  CZ_TRY(cz_outdir_check(s->cfg));
  CZ_TRY(cz_outdir_prepare(s->cfg));
  cz_log_info("Setting up output directory");
  if (s->cfg->log_file) CZ_TRY(cz_log_open_file(s->cfg->log_file));
  cz_log_info("Created log file");
  CZ_TRY(cz_outdir_write_config(s->cfg));
  CZ_TRY(simulate(s, opt));
  cz_timer_start(CZ_T_OUTPUT);
  CZ_TRY(write_spikes(s));
  cz_timer_stop(CZ_T_OUTPUT);
  cz_timer_stop(CZ_T_TOTAL);
  print_summary(s);
  return CZ_OK;
}

cz_status cz_app_run(const cz_run_options *opt) {
  run_state s;
  memset(&s, 0, sizeof s);
  cz_status st = run_all(&s, opt);
  run_state_free(&s);
  cz_log_close_file();
  return st;
}
