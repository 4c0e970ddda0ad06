#include "app/timing.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/str.h"
#include "comm/comm.h"
#include "io/part_file.h"

/* min / avg / max over ranks of n values per rank (v[i] on this rank; count values summed
 * into each average). */
static cz_status stats_over_ranks(const double *v, const double *vmin, const double *vmax, size_t n, double count,
                                  cz_stat *out) {
  double lo[CZ_T_COUNT + 2], hi[CZ_T_COUNT + 2], sum[CZ_T_COUNT + 2];
  CZ_CHECK(n <= CZ_T_COUNT + 2, CZ_ERR_INTERNAL, "timing: too many values");
  memcpy(lo, vmin, n * sizeof *lo);
  memcpy(hi, vmax, n * sizeof *hi);
  memcpy(sum, v, n * sizeof *sum);
  CZ_TRY(cz_comm_allreduce_f64_array(lo, n, CZ_REDUCE_MIN));
  CZ_TRY(cz_comm_allreduce_f64_array(hi, n, CZ_REDUCE_MAX));
  CZ_TRY(cz_comm_allreduce_f64_array(sum, n, CZ_REDUCE_SUM));
  for (size_t i = 0; i < n; i++) out[i] = (cz_stat){lo[i], sum[i] / count, hi[i]};
  return CZ_OK;
}

cz_status cz_timing_collect(const cz_epoch_result *res, const char *hw_why, cz_timing *out) {
  memset(out, 0, sizeof *out);
  out->ranks = cz_comm_size();
  out->threads = res->nthreads;
  double v[CZ_T_COUNT];
  for (int r = 0; r < CZ_T_COUNT; r++) v[r] = cz_timer_get((cz_region)r);
  CZ_TRY(stats_over_ranks(v, v, v, CZ_T_COUNT, out->ranks, out->region));
  /* Threads: this rank's sum, minimum and maximum over its threads, then over ranks. */
  double tsum[2] = {0, 0}, tmin[2] = {0, 0}, tmax[2] = {0, 0};
  for (int t = 0; t < res->nthreads; t++) {
    const double u = res->thread_update[t], d = res->thread_deliver[t];
    tsum[0] += u;
    tsum[1] += d;
    tmin[0] = t == 0 || u < tmin[0] ? u : tmin[0];
    tmin[1] = t == 0 || d < tmin[1] ? d : tmin[1];
    tmax[0] = u > tmax[0] ? u : tmax[0];
    tmax[1] = d > tmax[1] ? d : tmax[1];
  }
  cz_stat ts[2];
  CZ_TRY(stats_over_ranks(tsum, tmin, tmax, 2, (double)out->ranks * res->nthreads, ts));
  out->thread_update = ts[0];
  out->thread_deliver = ts[1];
  /* Counters only when every rank has them, summed. */
  int64_t have = hw_why == NULL;
  CZ_TRY(cz_comm_allreduce_min_i64(&have));
  out->hw = (int)have;
  out->hw_why = hw_why ? hw_why : "another rank has no hardware counters";
  if (out->hw) {
    for (int r = 0; r < CZ_T_COUNT; r++) {
      long long c[CZ_HW_NCOUNTERS];
      cz_hw_get((cz_region)r, c);
      for (int k = 0; k < CZ_HW_NCOUNTERS; k++) out->hw_sum[r][k] = (double)c[k];
    }
    CZ_TRY(cz_comm_allreduce_f64_array(&out->hw_sum[0][0], (size_t)CZ_T_COUNT * CZ_HW_NCOUNTERS, CZ_REDUCE_SUM));
  }
  return CZ_OK;
}

cz_status cz_timing_thread_parts(const double *per_thread, int nthreads, cz_timing *t) {
  double sum[3] = {0, 0, 0}, lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
  for (int w = 0; w < nthreads; w++)
    for (int k = 0; k < 3; k++) {
      const double x = per_thread[3 * w + k];
      sum[k] += x;
      lo[k] = w == 0 || x < lo[k] ? x : lo[k];
      hi[k] = x > hi[k] ? x : hi[k];
    }
  CZ_TRY(stats_over_ranks(sum, lo, hi, 3, (double)t->ranks * nthreads, t->thread_parts));
  t->has_parts = true;
  return CZ_OK;
}

/* One line: the slowest rank's time of every top-level phase, then the run's parts. */
static void log_compact(const cz_timing *t) {
  char line[1024];
  size_t n = (size_t)snprintf(line, sizeof line, "Timers (s, slowest of %d rank%s): total %.3f =", t->ranks,
                              t->ranks == 1 ? "" : "s", t->region[CZ_T_TOTAL].max);
  for (int r = 1; r < CZ_T_COUNT && n < sizeof line; r++) {
    const cz_region parent = cz_timer_parent((cz_region)r);
    const bool top = parent == CZ_T_TOTAL, first_child = !top && cz_timer_parent((cz_region)(r - 1)) == CZ_T_TOTAL;
    const bool last_child = !top && (r + 1 == CZ_T_COUNT || cz_timer_parent((cz_region)(r + 1)) == CZ_T_TOTAL);
    n += (size_t)snprintf(line + n, sizeof line - n, "%s%s %.3f%s", r == 1 ? " " : first_child ? " (" : ", ",
                          cz_timer_name((cz_region)r), t->region[r].max, last_child ? ")" : "");
  }
  cz_log_info("%s; the full table is in timers.json (--verbose prints it)", line);
}

void cz_timing_log(const cz_timing *t, bool verbose) {
  if (!verbose) {
    log_compact(t);
    return;
  }
  cz_log_info("Timers (seconds; min / avg / max over %d rank%s):", t->ranks, t->ranks == 1 ? "" : "s");
  for (int r = 0; r < CZ_T_COUNT; r++) {
    const cz_stat *s = &t->region[r];
    const int depth = r == CZ_T_TOTAL ? 0 : cz_timer_parent((cz_region)r) == CZ_T_TOTAL ? 1 : 2;
    cz_log_info("  %*s%-*s %9.3f %9.3f %9.3f", 2 * depth, "", 28 - 2 * depth, cz_timer_name((cz_region)r), s->min,
                s->avg, s->max);
  }
  cz_log_info("  per thread (%d x %d): update %.3f / %.3f / %.3f, deliver %.3f / %.3f / %.3f", t->ranks, t->threads,
              t->thread_update.min, t->thread_update.avg, t->thread_update.max, t->thread_deliver.min,
              t->thread_deliver.avg, t->thread_deliver.max);
  if (t->has_parts) {
    const cz_stat *p = t->thread_parts;
    cz_log_info("  per thread, the update's parts: channels %.3f / %.3f / %.3f, synapses and events %.3f / %.3f / %.3f, "
                "matrix and solve %.3f / %.3f / %.3f",
                p[0].min, p[0].avg, p[0].max, p[1].min, p[1].avg, p[1].max, p[2].min, p[2].avg, p[2].max);
  }
  if (t->hw) {
    const double cyc = t->hw_sum[CZ_T_RUN][0], ins = t->hw_sum[CZ_T_RUN][1];
    cz_log_info("  hardware counters, run: %.3g cycles, %.3g instructions (IPC %.2f), %.3g L1 data cache misses", cyc,
                ins, cyc > 0 ? ins / cyc : 0.0, t->hw_sum[CZ_T_RUN][2]);
  }
}

static cJSON *stat_json(const cz_stat *s) {
  cJSON *o = cJSON_CreateObject();
  if (o && (!cJSON_AddNumberToObject(o, "min", s->min) || !cJSON_AddNumberToObject(o, "avg", s->avg) ||
            !cJSON_AddNumberToObject(o, "max", s->max))) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

/* Adds item to parent under key (an array when key is NULL); false when either failed. */
static bool add(cJSON *parent, const char *key, cJSON *item) {
  if (!item) return false;
  if (key ? !cJSON_AddItemToObject(parent, key, item) : !cJSON_AddItemToArray(parent, item)) {
    cJSON_Delete(item);
    return false;
  }
  return true;
}

static cJSON *counters_json(const double *sum) {
  cJSON *hw = cJSON_CreateObject();
  for (int k = 0; hw && k < CZ_HW_NCOUNTERS; k++)
    if (!cJSON_AddNumberToObject(hw, cz_hw_counter_name(k), sum[k])) {
      cJSON_Delete(hw);
      return NULL;
    }
  return hw;
}

static cJSON *phase_json(const cz_timing *t, cz_region r) {
  cJSON *o = stat_json(&t->region[r]);
  const cz_region parent = cz_timer_parent(r);
  bool ok = o && cJSON_AddStringToObject(o, "name", cz_timer_name(r)) &&
            (parent == CZ_T_COUNT ? cJSON_AddNullToObject(o, "parent") != NULL
                                  : cJSON_AddStringToObject(o, "parent", cz_timer_name(parent)) != NULL);
  if (ok && t->hw) ok = add(o, "hardware_counters", counters_json(t->hw_sum[r]));
  if (!ok) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

static cJSON *phases_json(const cz_timing *t) {
  cJSON *list = cJSON_CreateArray();
  for (int r = 0; list && r < CZ_T_COUNT; r++)
    if (!add(list, NULL, phase_json(t, (cz_region)r))) {
      cJSON_Delete(list);
      return NULL;
    }
  return list;
}

/* How a worker's update time divides (detailed cells): seconds in each part. */
static cJSON *update_parts_json(const cz_run_size *z) {
  cJSON *o = cJSON_CreateObject();
  if (o && cJSON_AddNumberToObject(o, "channels", z->update_parts[0]) &&
      cJSON_AddNumberToObject(o, "synapses_and_events", z->update_parts[1]) &&
      cJSON_AddNumberToObject(o, "matrix_and_solve", z->update_parts[2]))
    return o;
  cJSON_Delete(o);
  return NULL;
}

/* The "run" block: sizes and the rates derived from them. */
static cJSON *size_json(const cz_timing *t) {
  const cz_run_size *z = &t->size;
  const double run_s = t->region[CZ_T_RUN].max, cores = (double)t->ranks * t->threads;
  cJSON *o = cJSON_CreateObject();
  bool ok = o && cJSON_AddNumberToObject(o, "model_time_ms", z->model_ms) &&
            cJSON_AddNumberToObject(o, "neurons", (double)z->neurons) &&
            cJSON_AddNumberToObject(o, "synapses", (double)z->synapses) &&
            cJSON_AddNumberToObject(o, "spikes", (double)z->spikes) &&
            cJSON_AddNumberToObject(o, "synaptic_events", (double)z->events) &&
            cJSON_AddNumberToObject(o, "real_time_factor", z->model_ms > 0 ? run_s / (z->model_ms / 1000.0) : 0) &&
            cJSON_AddNumberToObject(o, "synaptic_events_per_second", run_s > 0 ? (double)z->events / run_s : 0) &&
            cJSON_AddNumberToObject(o, "synaptic_events_per_second_per_core",
                                    run_s > 0 ? (double)z->events / run_s / cores : 0) &&
            add(o, "peak_rss_bytes_per_rank", stat_json(&z->peak_rss)) &&
            cJSON_AddNumberToObject(o, "peak_rss_bytes_per_synapse",
                                    z->synapses ? z->peak_rss.avg * t->ranks / (double)z->synapses : 0) &&
            (!z->compartments ||
             (cJSON_AddNumberToObject(o, "compartments", (double)z->compartments) &&
              cJSON_AddNumberToObject(o, "state_bytes_per_compartment", (double)z->cell_bytes / (double)z->compartments) &&
              cJSON_AddNumberToObject(o, "state_bytes_per_synapse",
                                      z->synapses ? (double)z->synapse_bytes / (double)z->synapses : 0) &&
              add(o, "update_parts", update_parts_json(z))));
  if (!ok) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

static cJSON *timing_json(const cz_timing *t) {
  cJSON *root = cJSON_CreateObject();
  bool ok = root && cJSON_AddStringToObject(root, "units", "s") && cJSON_AddNumberToObject(root, "ranks", t->ranks) &&
            cJSON_AddNumberToObject(root, "threads_per_rank", t->threads) && add(root, "run", size_json(t)) &&
            add(root, "phases", phases_json(t));
  cJSON *threads = ok ? cJSON_AddObjectToObject(root, "per_thread") : NULL;
  ok = threads && add(threads, "run.update", stat_json(&t->thread_update)) &&
       add(threads, "run.deliver", stat_json(&t->thread_deliver)) &&
       (!t->has_parts || (add(threads, "run.update.channels", stat_json(&t->thread_parts[0])) &&
                          add(threads, "run.update.synapses_and_events", stat_json(&t->thread_parts[1])) &&
                          add(threads, "run.update.matrix_and_solve", stat_json(&t->thread_parts[2]))));
  cJSON *hw = ok ? cJSON_AddObjectToObject(root, "hardware_counters") : NULL;
  ok = hw && cJSON_AddBoolToObject(hw, "available", t->hw) &&
       (t->hw ? cJSON_AddStringToObject(hw, "counted", "the thread that times the phases, summed over ranks") != NULL
              : cJSON_AddStringToObject(hw, "reason", t->hw_why) != NULL);
  if (!ok) {
    cJSON_Delete(root);
    return NULL;
  }
  return root;
}

cz_status cz_timing_write_json(const cz_timing *t, const char *path) {
  cJSON *root = timing_json(t);
  CZ_CHECK(root, CZ_ERR_NOMEM, "out of memory writing %s", path);
  char *text = cJSON_Print(root);
  cJSON_Delete(root);
  CZ_CHECK(text, CZ_ERR_NOMEM, "out of memory writing %s", path);
  char *part = NULL;
  cz_status st = cz_part_path(path, &part);
  FILE *fp = st == CZ_OK ? fopen(part, "w") : NULL;
  if (st == CZ_OK && !fp) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: cannot create (%s)", part, strerror(errno));
  if (fp) {
    const bool written = fputs(text, fp) >= 0 && fputc('\n', fp) != EOF;
    if ((fclose(fp) != 0 || !written) && st == CZ_OK) st = CZ_ERROR(CZ_ERR_OUTPUT, "%s: write failed", part);
  }
  if (st == CZ_OK) st = cz_part_commit(part, path);
  free(part);
  free(text);
  return st;
}
