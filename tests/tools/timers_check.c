/* timers_check: checks the timers.json a run writes (src/app/timing.h).
 *
 *   timers_check FILE RANKS THREADS [parts]
 *
 * Every phase of the run is listed once with min <= avg <= max, all >= 0; each phase names its
 * parent, and the children of every phase add up (on average over ranks) to no more than the
 * phase itself; ranks and threads_per_rank are as given; the per-thread update and deliver
 * figures are ordered the same way, and so are the detailed cells' update parts per thread
 * (channels, synapses and events, matrix and solve; required with `parts`), whose means add up
 * to no more than the mean update; hardware_counters says whether counters were recorded and,
 * when not, why; the run block has a model time, neurons and synapses, peak memory per rank
 * ordered and positive, and its real-time factor and event rates are the slowest rank's run
 * time against the model time and the events. Exit 0 when all hold. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_phases[] = {"total",      "setup.config",      "setup.load",        "setup.partition",
                                       "setup.build", "setup.output",     "run",               "run.update",
                                       "run.deliver", "run.exchange.pack", "run.exchange.wait", "run.exchange.transfer",
                                       "run.report",  "output"};
enum { NPHASES = sizeof k_phases / sizeof k_phases[0] };

static int bad(const char *what, const char *name) {
  fprintf(stderr, "timers_check: %s%s%s\n", what, name ? ": " : "", name ? name : "");
  return 1;
}

static int ordered(const cJSON *o, const char *name) {
  const cJSON *lo = cJSON_GetObjectItem(o, "min"), *av = cJSON_GetObjectItem(o, "avg"), *hi = cJSON_GetObjectItem(o, "max");
  if (!cJSON_IsNumber(lo) || !cJSON_IsNumber(av) || !cJSON_IsNumber(hi)) return bad("min, avg or max missing", name);
  const double eps = 1e-9 * (1 + fabs(hi->valuedouble));
  if (!(lo->valuedouble >= 0 && lo->valuedouble <= av->valuedouble + eps && av->valuedouble <= hi->valuedouble + eps))
    return bad("min <= avg <= max does not hold", name);
  return 0;
}

static char *slurp(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *text = malloc((size_t)n + 1);
  if (text && fread(text, 1, (size_t)n, fp) != (size_t)n) {
    free(text);
    text = NULL;
  }
  if (text) text[n] = '\0';
  fclose(fp);
  return text;
}

static int check_phases(const cJSON *phases) {
  double avg[NPHASES], child_sum[NPHASES] = {0};
  int seen[NPHASES] = {0};
  const cJSON *p = NULL;
  cJSON_ArrayForEach(p, phases) {
    const cJSON *name = cJSON_GetObjectItem(p, "name");
    if (!cJSON_IsString(name)) return bad("a phase has no name", NULL);
    int k = -1;
    for (int i = 0; i < NPHASES; i++)
      if (strcmp(name->valuestring, k_phases[i]) == 0) k = i;
    if (k < 0) return bad("unknown phase", name->valuestring);
    if (seen[k]++) return bad("phase listed twice", name->valuestring);
    if (ordered(p, name->valuestring)) return 1;
    avg[k] = cJSON_GetObjectItem(p, "avg")->valuedouble;
  }
  for (int k = 0; k < NPHASES; k++)
    if (!seen[k]) return bad("phase missing", k_phases[k]);
  cJSON_ArrayForEach(p, phases) {
    const cJSON *parent = cJSON_GetObjectItem(p, "parent");
    const char *name = cJSON_GetObjectItem(p, "name")->valuestring;
    if (strcmp(name, "total") == 0) {
      if (!cJSON_IsNull(parent)) return bad("total has a parent", NULL);
      continue;
    }
    if (!cJSON_IsString(parent)) return bad("no parent", name);
    int k = -1, me = -1;
    for (int i = 0; i < NPHASES; i++) {
      if (strcmp(parent->valuestring, k_phases[i]) == 0) k = i;
      if (strcmp(name, k_phases[i]) == 0) me = i;
    }
    if (k < 0) return bad("unknown parent", parent->valuestring);
    child_sum[k] += avg[me];
  }
  for (int k = 0; k < NPHASES; k++)
    if (child_sum[k] > avg[k] * (1 + 1e-9) + 1e-6) {
      fprintf(stderr, "timers_check: the phases of %s add up to %.6f s, more than its %.6f s\n", k_phases[k],
              child_sum[k], avg[k]);
      return 1;
    }
  printf("timers_check: %d phases; total %.3f s, setup + run + output phases %.3f s, run %.3f s, its phases %.3f s\n",
         NPHASES, avg[0], child_sum[0], avg[6], child_sum[6]);
  return 0;
}

static double num(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItem(o, key);
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static int close_to(double got, double want, const char *name) {
  if (!(fabs(got - want) <= 1e-9 * fabs(want) + 1e-12)) {
    fprintf(stderr, "timers_check: %s is %.17g, expected %.17g\n", name, got, want);
    return 1;
  }
  return 0;
}

static int check_run(const cJSON *run, const cJSON *phases, int cores) {
  if (!cJSON_IsObject(run)) return bad("no run block", NULL);
  double run_max = NAN;
  const cJSON *p = NULL;
  cJSON_ArrayForEach(p, phases) {
    if (strcmp(cJSON_GetObjectItem(p, "name")->valuestring, "run") == 0) run_max = num(p, "max");
  }
  const double ms = num(run, "model_time_ms"), ev = num(run, "synaptic_events");
  if (!(ms > 0) || !(num(run, "neurons") > 0) || !(num(run, "synapses") > 0) || !(ev >= 0) || !(num(run, "spikes") >= 0))
    return bad("run block: model time, neurons, synapses, spikes or events missing", NULL);
  const cJSON *rss = cJSON_GetObjectItem(run, "peak_rss_bytes_per_rank");
  if (ordered(rss, "peak_rss_bytes_per_rank") || !(num(rss, "min") > 0)) return bad("bad peak memory", NULL);
  if (close_to(num(run, "real_time_factor"), run_max / (ms / 1000.0), "real_time_factor") ||
      close_to(num(run, "synaptic_events_per_second"), ev / run_max, "synaptic_events_per_second") ||
      close_to(num(run, "synaptic_events_per_second_per_core"), ev / run_max / cores, "events per second per core"))
    return 1;
  printf("timers_check: %.0f ms simulated, real-time factor %.3f, %.3g events/s, %.1f MiB peak on the largest rank\n",
         ms, num(run, "real_time_factor"), num(run, "synaptic_events_per_second"), num(rss, "max") / 1048576.0);
  return 0;
}

/* The update's parts per thread, when present (or required): ordered, and their means within
 * the mean update. */
static int check_parts(const cJSON *pt, int required) {
  static const char *const parts[] = {"run.update.channels", "run.update.synapses_and_events",
                                      "run.update.matrix_and_solve"};
  const int present = cJSON_GetObjectItem(pt, parts[0]) != NULL;
  if (!present) return required ? bad("per_thread lacks the update's parts", NULL) : 0;
  double sum = 0;
  for (int k = 0; k < 3; k++) {
    const cJSON *o = cJSON_GetObjectItem(pt, parts[k]);
    if (ordered(o, parts[k])) return 1;
    sum += cJSON_GetObjectItem(o, "avg")->valuedouble;
  }
  const double update = cJSON_GetObjectItem(cJSON_GetObjectItem(pt, "run.update"), "avg")->valuedouble;
  if (!(sum > 0) || sum > update * (1 + 1e-9) + 1e-6) {
    fprintf(stderr, "timers_check: the update's parts add up to %.6f s per thread, its mean is %.6f s\n", sum, update);
    return 1;
  }
  printf("timers_check: the update's parts take %.3f of the threads' mean %.3f s\n", sum, update);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4 && !(argc == 5 && strcmp(argv[4], "parts") == 0))
    return bad("usage: timers_check FILE RANKS THREADS [parts]", NULL);
  char *text = slurp(argv[1]);
  if (!text) return bad("cannot read", argv[1]);
  cJSON *root = cJSON_Parse(text);
  free(text);
  if (!root) return bad("not JSON", argv[1]);
  int rc = 0;
  const cJSON *ranks = cJSON_GetObjectItem(root, "ranks"), *threads = cJSON_GetObjectItem(root, "threads_per_rank");
  if (!cJSON_IsNumber(ranks) || ranks->valueint != atoi(argv[2])) rc = bad("wrong rank count", NULL);
  if (!rc && (!cJSON_IsNumber(threads) || threads->valueint != atoi(argv[3]))) rc = bad("wrong thread count", NULL);
  const cJSON *phases = cJSON_GetObjectItem(root, "phases");
  if (!rc) rc = cJSON_IsArray(phases) ? check_phases(phases) : bad("no phases", NULL);
  const cJSON *pt = cJSON_GetObjectItem(root, "per_thread");
  if (!rc) rc = ordered(cJSON_GetObjectItem(pt, "run.update"), "per_thread run.update") ||
                ordered(cJSON_GetObjectItem(pt, "run.deliver"), "per_thread run.deliver") || check_parts(pt, argc == 5);
  if (!rc) rc = check_run(cJSON_GetObjectItem(root, "run"), phases, atoi(argv[2]) * atoi(argv[3]));
  const cJSON *hw = cJSON_GetObjectItem(root, "hardware_counters");
  if (!rc && !cJSON_IsBool(cJSON_GetObjectItem(hw, "available"))) rc = bad("hardware_counters.available missing", NULL);
  if (!rc && cJSON_IsFalse(cJSON_GetObjectItem(hw, "available")) && !cJSON_IsString(cJSON_GetObjectItem(hw, "reason")))
    rc = bad("no reason for the missing hardware counters", NULL);
  cJSON_Delete(root);
  return rc;
}
