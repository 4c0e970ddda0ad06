/* report_check: checks SONATA membrane report files.
 *
 *   report_check layout FILE [--strict]
 *     every /report/<pop> group has data (2-D float [rows, elements], attribute units),
 *     mapping/node_ids, index_pointer or index_pointers (n + 1 non-decreasing offsets from 0
 *     to elements), element_ids and (when present) element_pos, one per element, and time (3 floats, step > 0,
 *     rows equal to (stop - start) / step or one more); groups without data are skipped, as
 *     libsonata's test files have one. --strict requires data everywhere, and adds what Cadenza always
 *     writes: both index_pointer and index_pointers, equal; element_pos; the variable attribute; time
 *     units "ms"; uint64 ids; root magic. Exit 0 when valid.
 *   report_check clamp FILE POP NODE_ID E_L C_M TAU_M AMP DELAY DURATION DT
 *     the trace of one iaf_psc_delta neuron driven only by a step current (pA) from DELAY for
 *     DURATION ms equals the closed form E_L + AMP tau/C (1 - exp(-(t - t0) / tau)), rising from
 *     t0 = DELAY + DT (the clamp reaches the neuron one step after it changes) and decaying
 *     after the clamp ends, to 1e-9 mV.
 *   report_check clamps FILE POP NODE_ID E_L C_M TAU_M DT AMP DELAY DURATION [AMP DELAY DURATION ...]
 *     the same for several steps (at most 16): the trace is the sum of each step's closed form.
 *   report_check prefix PARTIAL COMPLETE
 *     PARTIAL, left by a run that was killed, opens, and the rows it declares complete (up to
 *     time[1]) are, bit for bit, the first rows of COMPLETE, the same run's finished file.
 *     Prints the number of complete rows.
 *   report_check table FILE POP TABLE DT TOL
 *     population POP's columns against a text table of lines "t v_0 v_1 ..." (ms, one value per
 *     column, a simulator's trace at t): row r of the report holds the state at (r + 1) DT, as
 *     BMTK's BioNet rows do, so line t compares with row t / DT - 1 (the line at t = 0, the
 *     initial state, is skipped); every value within TOL. Prints the largest difference.
 *   report_check rows FILE POP ROWS FIRST LAST STEP
 *     population POP has exactly ROWS rows and mapping/time is exactly the doubles nearest to
 *     FIRST, LAST and STEP (ms, as decimal text: BMTK's values, read back from NEST's text).
 *   report_check spikes FILE SPIKES.h5 [DROP_MV]
 *     the traces agree with the spikes: every recorded node's voltage falls by more than
 *     DROP_MV (default 1) from one sample to the next exactly at its spike times, and stays
 *     at the reset value for the next sample (refractoriness). Needs one sample per step.
 *   report_check match EXPECTED ACTUAL RMS_TOL [MAX_TOL]
 *     every population of EXPECTED is in ACTUAL with the same rows, node_ids, element_ids,
 *     element_pos and time (to 1e-9); the RMS difference of every column is at most RMS_TOL and
 *     every sample is within MAX_TOL (default: no bound) of EXPECTED's (absolute, in the
 *     report's units). Prints the largest difference and the largest column RMS per population.
 *   report_check onset BASE ACTUAL ROW MIN_DIFF
 *     ACTUAL is BASE plus a stimulus that starts acting in row ROW: every population has the
 *     same shape in both, rows before ROW are identical bit for bit, row ROW differs in some
 *     column, and some sample from ROW on differs by more than MIN_DIFF.
 *   report_check rows_of FULL PART FIRST EVERY
 *     PART's rows are, bit for bit, FULL's rows FIRST, FIRST + EVERY, ... (a report window
 *     or a coarser report dt cut from the run's full-rate report), with the same columns.
 *   report_check at FILE ROW VALUE TOL
 *     every column of row ROW of FILE's populations is within TOL of VALUE.
 *   report_check edge_weights FILE POP
 *     prints "source target weight" for each edge of population POP of an edges file, one line
 *     each, in file order (for scripts to judge).
 *   report_check constant FILE VALUE COLUMNS
 *     every population of FILE has COLUMNS columns in all, at least one row, and every sample
 *     is exactly VALUE (a trace of something that does not change, such as a static weight).
 *   report_check ecp EXPECTED ACTUAL ROWS REL
 *     the ECP files (/ecp/data, /ecp/time, /ecp/channel_id): ACTUAL has EXPECTED's channels and
 *     channel ids, data in mV, and over the first ROWS rows every channel's RMS difference is at
 *     most REL times that channel's RMS in EXPECTED (a sample that is the same infinity in both
 *     counts as equal). Prints the largest such ratio.
 *   report_check matrix EXPECTED ACTUAL ROWS MAX_ABS
 *     the /data matrices of two clamp reports (BMTK's plain layout) have the same columns, and
 *     over the first ROWS rows every sample of ACTUAL is within MAX_ABS of EXPECTED's; ACTUAL
 *     has EXPECTED's row count. Prints the largest difference.
 *   report_check step FILE COLUMN FIRST_ROW VALUE
 *     column COLUMN of FILE's /data is exactly 0 before row FIRST_ROW and exactly VALUE from it
 *     on (a clamp that switches on and stays on).
 *   report_check edges EXPECTED ACTUAL POP
 *     the edges files hold the same edges of population POP: ids, types, groups, group
 *     indices, weights, sections, positions and both indices, value for value.
 *   report_check ecp_sum [--tolerance REL] TOTAL PART...
 *     the ECP file TOTAL is, sample by sample, the sum of the PART files (each cell's
 *     contribution, float64 or float32) within REL (default 1e-12) of the largest |sample|
 *     of TOTAL. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "io/h5.h"

static int fail(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "report_check: ");
  fprintf(stderr, fmt, a, b);
  fprintf(stderr, "\n");
  return 1;
}

static int check_h5(cz_status st) {
  if (st == CZ_OK) return 0;
  fprintf(stderr, "report_check: %s\n", cz_error_message());
  return 1;
}

typedef struct trace_file {
  double *data, *time;
  size_t rows, cols, nt, nids;
  uint64_t *ids;
} trace_file;

static void trace_free(trace_file *t) {
  free(t->data);
  free(t->time);
  free(t->ids);
}

static int read_pop(cz_h5file *f, const char *pop, trace_file *t) {
  char p[512];
  snprintf(p, sizeof p, "/report/%s/data", pop);
  if (check_h5(cz_h5_read_f64_2d(f, p, &t->data, &t->rows, &t->cols))) return 1;
  snprintf(p, sizeof p, "/report/%s/mapping/time", pop);
  if (check_h5(cz_h5_read_f64(f, p, &t->time, &t->nt))) return 1;
  snprintf(p, sizeof p, "/report/%s/mapping/node_ids", pop);
  if (check_h5(cz_h5_read_u64(f, p, &t->ids, &t->nids))) return 1;
  if (t->nt != 3) return fail("%s: time of %s must hold 3 values", cz_h5_path(f), pop);
  return 0;
}

/* ---- layout -------------------------------------------------------------------------------- */

static int check_offsets(cz_h5file *f, const char *pop, const char *name, size_t nnodes, size_t nelem, uint64_t **out) {
  char p[512];
  size_t n = 0;
  snprintf(p, sizeof p, "/report/%s/mapping/%s", pop, name);
  if (check_h5(cz_h5_read_u64(f, p, out, &n))) return 1;
  if (n != nnodes + 1 || (*out)[0] != 0 || (*out)[n - 1] != nelem) return fail("%s: %s is not n + 1 offsets ending at the element count", cz_h5_path(f), p);
  for (size_t i = 1; i < n; i++)
    if ((*out)[i] < (*out)[i - 1]) return fail("%s: %s decreases", cz_h5_path(f), p);
  return 0;
}

static int check_layout_pop(cz_h5file *f, const char *pop, bool strict) {
  char dp[512];
  snprintf(dp, sizeof dp, "/report/%s/data", pop);
  if (!strict && !cz_h5_is_dataset(f, dp)) {
    printf("report_check: %s: %s holds no data; skipped\n", cz_h5_path(f), pop);
    return 0;
  }
  trace_file t = {0};
  int bad = read_pop(f, pop, &t);
  char p[512], *units = NULL;
  snprintf(p, sizeof p, "/report/%s/data", pop);
  if (!bad && check_h5(cz_h5_read_attr_string(f, p, "units", &units))) bad = 1;
  free(units);
  if (!bad && strict) {
    char *var = NULL;
    bad = check_h5(cz_h5_read_attr_string(f, p, "variable", &var));
    free(var);
  }
  cz_h5_info info;
  if (!bad && check_h5(cz_h5_info_of(f, p, &info)) == 0 && info.cls != CZ_H5_FLOAT) bad = fail("%s: %s is not float", cz_h5_path(f), p);
  uint64_t *ptr = NULL, *ptrs = NULL;
  const bool has1 = (snprintf(p, sizeof p, "/report/%s/mapping/index_pointer", pop), cz_h5_is_dataset(f, p));
  const bool has2 = (snprintf(p, sizeof p, "/report/%s/mapping/index_pointers", pop), cz_h5_is_dataset(f, p));
  if (!bad && !has1 && !has2) bad = fail("%s: %s has neither index_pointer nor index_pointers", cz_h5_path(f), pop);
  if (!bad && strict && !(has1 && has2)) bad = fail("%s: %s lacks index_pointer or index_pointers", cz_h5_path(f), pop);
  if (!bad && has1) bad = check_offsets(f, pop, "index_pointer", t.nids, t.cols, &ptr);
  if (!bad && has2) bad = check_offsets(f, pop, "index_pointers", t.nids, t.cols, &ptrs);
  if (!bad && has1 && has2 && memcmp(ptr, ptrs, (t.nids + 1) * sizeof *ptr) != 0)
    bad = fail("%s: index_pointer and index_pointers of %s differ", cz_h5_path(f), pop);
  static const char *const per_element[] = {"element_ids", "element_pos"};
  for (size_t k = 0; !bad && k < 2; k++) {
    snprintf(p, sizeof p, "/report/%s/mapping/%s", pop, per_element[k]);
    if (k == 1 && !strict && !cz_h5_is_dataset(f, p)) continue; /* libsonata's files omit it */
    if (check_h5(cz_h5_info_of(f, p, &info))) bad = 1;
    else if (info.rank != 1 || info.dims[0] != t.cols) bad = fail("%s: %s does not have one entry per element", cz_h5_path(f), p);
  }
  if (!bad && strict) {
    static const char *const u64[] = {"node_ids", "element_ids", "index_pointer", "index_pointers"};
    for (size_t k = 0; !bad && k < 4; k++) {
      snprintf(p, sizeof p, "/report/%s/mapping/%s", pop, u64[k]);
      if (!check_h5(cz_h5_info_of(f, p, &info)) && (info.cls != CZ_H5_UINT || info.size != 8))
        bad = fail("%s: %s is not uint64", cz_h5_path(f), p);
    }
    char *tu = NULL;
    snprintf(p, sizeof p, "/report/%s/mapping/time", pop);
    if (!bad && (check_h5(cz_h5_read_attr_string(f, p, "units", &tu)) || strcmp(tu, "ms") != 0))
      bad = fail("%s: %s has no units \"ms\"", cz_h5_path(f), p);
    free(tu);
  }
  if (!bad) {
    const double span = (t.time[1] - t.time[0]) / t.time[2];
    const double n = nearbyint(span);
    if (!(t.time[2] > 0) || fabs(span - n) > 1e-6 || !((size_t)n == t.rows || (size_t)n + 1 == t.rows))
      bad = fail("%s: time of %s does not match the number of rows", cz_h5_path(f), pop);
  }
  if (!bad) printf("report_check: %s: %s: %zu rows x %zu elements of %zu nodes, time [%g, %g, %g]\n", cz_h5_path(f), pop,
                   t.rows, t.cols, t.nids, t.time[0], t.time[1], t.time[2]);
  free(ptr);
  free(ptrs);
  trace_free(&t);
  return bad;
}

static int layout(const char *path, bool strict) {
  cz_h5file *f = NULL;
  if (check_h5(cz_h5_open_read(path, &f))) return 1;
  char **pops = NULL;
  size_t n = 0;
  int bad = 0;
  if (strict && !cz_h5_has_attr(f, "/", "magic")) bad = fail("%s: no root attribute magic%s", path, "");
  if (!bad && !cz_h5_is_group(f, "/report")) bad = fail("%s: no /report group%s", path, "");
  if (!bad) bad = check_h5(cz_h5_list(f, "/report", &pops, &n));
  if (!bad && n == 0) bad = fail("%s: /report is empty%s", path, "");
  for (size_t i = 0; i < n && !bad; i++) bad = check_layout_pop(f, pops[i], strict);
  cz_h5_free_names(pops, n);
  cz_h5_close(&f);
  return bad;
}

/* ---- closed form under a current clamp ------------------------------------------------------ */

typedef struct clamp_step {
  double amp, t0, t1; /* pA; the current reaches the neuron in (t0, t1] */
} clamp_step;

/* The closed form of E_L + R I(t) filtered by tau: each step's rise and decay, summed (the
 * membrane below threshold is linear). Sets *under when t is inside a step. */
static double clamp_closed_form(double E_L, double R, double tau, const clamp_step *s, size_t n, double t, bool *under) {
  double v = E_L;
  for (size_t k = 0; k < n; k++) {
    if (t > s[k].t0 && t <= s[k].t1 + 1e-9) v += s[k].amp * R * (1 - exp(-(t - s[k].t0) / tau)), *under = true;
    else if (t > s[k].t1) v += s[k].amp * R * (1 - exp(-(s[k].t1 - s[k].t0) / tau)) * exp(-(t - s[k].t1) / tau);
  }
  return v;
}

/* a: FILE POP NODE E_L C_M TAU_M DT, then n steps of AMP DELAY DURATION each. */
static int clamp(char **a, size_t n) {
  const char *path = a[0], *pop = a[1];
  const uint64_t node = strtoull(a[2], NULL, 10);
  const double E_L = atof(a[3]), C_m = atof(a[4]), tau = atof(a[5]), h = atof(a[6]);
  clamp_step steps[16];
  for (size_t k = 0; k < n; k++) {
    const double delay = atof(a[7 + 3 * k + 1]);
    steps[k] = (clamp_step){atof(a[7 + 3 * k]), delay + h, delay + atof(a[7 + 3 * k + 2]) + h};
  }
  cz_h5file *f = NULL;
  if (check_h5(cz_h5_open_read(path, &f))) return 1;
  trace_file t = {0};
  int bad = read_pop(f, pop, &t);
  cz_h5_close(&f);
  size_t col = t.nids;
  for (size_t i = 0; !bad && i < t.nids; i++)
    if (t.ids[i] == node) col = i;
  if (!bad && col == t.nids) bad = fail("%s: node %s is not recorded", path, a[2]);
  double worst = 0;
  size_t rows_in = 0;
  for (size_t r = 0; !bad && r < t.rows; r++) {
    bool under = false;
    const double v = clamp_closed_form(E_L, tau / C_m, tau, steps, n, t.time[0] + (double)r * t.time[2], &under);
    rows_in += under;
    const double d = fabs(t.data[r * t.cols + col] - v);
    if (d > worst) worst = d;
  }
  printf("report_check: node %s: %zu rows, %zu under the clamp, largest deviation from the closed form %.3g mV\n",
         a[2], t.rows, rows_in, worst);
  trace_free(&t);
  return bad || rows_in == 0 || worst > 1e-9;
}

/* ---- consistency with the spikes -------------------------------------------------------------- */

static int cmp_double(const void *x, const void *y) {
  const double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static int spikes(const char *path, const char *spath, double drop) {
  cz_h5file *f = NULL, *sf = NULL;
  if (check_h5(cz_h5_open_read(path, &f)) || check_h5(cz_h5_open_read(spath, &sf))) return 1;
  char **pops = NULL;
  size_t npops = 0, checked = 0, matched = 0;
  int bad = check_h5(cz_h5_list(f, "/report", &pops, &npops));
  for (size_t q = 0; q < npops && !bad; q++) {
    trace_file t = {0};
    bad = read_pop(f, pops[q], &t);
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "/spikes/%s/node_ids", pops[q]);
    snprintf(p2, sizeof p2, "/spikes/%s/timestamps", pops[q]);
    uint64_t *sid = NULL;
    double *st = NULL;
    size_t ns = 0, ns2 = 0;
    if (!bad && cz_h5_is_dataset(sf, p1))
      bad = check_h5(cz_h5_read_u64(sf, p1, &sid, &ns)) || check_h5(cz_h5_read_f64(sf, p2, &st, &ns2));
    const double step = t.time[2];
    for (size_t c = 0; !bad && c < t.nids; c++) {
      double *mine = calloc(ns + 1, sizeof *mine);
      size_t nm = 0, k = 0;
      for (size_t i = 0; i < ns; i++)
        if (sid[i] == t.ids[c]) mine[nm++] = st[i];
      qsort(mine, nm, sizeof *mine, cmp_double);
      for (size_t r = 1; r + 1 < t.rows && !bad; r++) {
        const double tr = t.time[0] + (double)r * step;
        const double v_prev = t.data[(r - 1) * t.cols + c], v = t.data[r * t.cols + c], v_next = t.data[(r + 1) * t.cols + c];
        while (k < nm && mine[k] < tr - step / 2) k++;
        const bool spiked = k < nm && fabs(mine[k] - tr) < step / 2;
        const bool fell = v < v_prev - drop;
        if (spiked) checked++;
        if (spiked != fell) {
          fprintf(stderr, "report_check: %s node %llu at %g ms: %s but the voltage went %g -> %g mV\n", pops[q],
                  (unsigned long long)t.ids[c], tr, spiked ? "a spike" : "no spike", v_prev, v);
          bad = 1;
        } else if (spiked && v_next != v) {
          fprintf(stderr, "report_check: %s node %llu: %g mV after the spike at %g ms, %g mV one step later\n",
                  pops[q], (unsigned long long)t.ids[c], v, tr, v_next);
          bad = 1;
        } else if (spiked) {
          matched++;
        }
      }
      free(mine);
    }
    free(sid);
    free(st);
    trace_free(&t);
  }
  cz_h5_free_names(pops, npops);
  cz_h5_close(&f);
  cz_h5_close(&sf);
  printf("report_check: %zu spikes of recorded nodes, each at a reset of the trace\n", matched);
  return bad || checked == 0;
}

/* ---- a killed run's file -------------------------------------------------------------------- */

static int prefix(const char *partial, const char *complete) {
  cz_h5file *fp = NULL, *fc = NULL;
  if (check_h5(cz_h5_open_read(partial, &fp)) || check_h5(cz_h5_open_read(complete, &fc))) return 1;
  char **pops = NULL;
  size_t npops = 0;
  int bad = check_h5(cz_h5_list(fc, "/report", &pops, &npops));
  for (size_t q = 0; q < npops && !bad; q++) {
    trace_file a = {0}, b = {0};
    bad = read_pop(fp, pops[q], &a) || read_pop(fc, pops[q], &b);
    if (!bad && (a.rows != b.rows || a.cols != b.cols || a.time[0] != b.time[0] || a.time[2] != b.time[2]))
      bad = fail("%s: %s has another shape or time base than the complete file", partial, pops[q]);
    const double done = nearbyint((a.time[1] - a.time[0]) / a.time[2]) + 1;
    if (!bad && (done < 0 || done > (double)a.rows)) bad = fail("%s: time[1] of %s is out of range", partial, pops[q]);
    if (!bad && memcmp(a.data, b.data, (size_t)done * a.cols * sizeof *a.data) != 0)
      bad = fail("%s: %s: a row declared complete differs from the complete run", partial, pops[q]);
    if (!bad) printf("report_check: %s: %s: %.0f of %zu rows complete, identical to the finished run\n", partial,
                     pops[q], done, a.rows);
    trace_free(&a);
    trace_free(&b);
  }
  cz_h5_free_names(pops, npops);
  cz_h5_close(&fp);
  cz_h5_close(&fc);
  return bad;
}

/* ---- match ------------------------------------------------------------------------------- */

static int same_u64(cz_h5file *fe, cz_h5file *fa, const char *pop, const char *name) {
  char p[512];
  snprintf(p, sizeof p, "/report/%s/mapping/%s", pop, name);
  uint64_t *x = NULL, *y = NULL;
  size_t nx = 0, ny = 0;
  int bad = check_h5(cz_h5_read_u64(fe, p, &x, &nx)) || check_h5(cz_h5_read_u64(fa, p, &y, &ny));
  if (!bad && (nx != ny || (nx && memcmp(x, y, nx * sizeof *x) != 0))) bad = fail("%s: %s differs", cz_h5_path(fa), p);
  free(x);
  free(y);
  return bad;
}

static int same_f64(cz_h5file *fe, cz_h5file *fa, const char *pop, const char *name) {
  char p[512];
  snprintf(p, sizeof p, "/report/%s/mapping/%s", pop, name);
  double *x = NULL, *y = NULL;
  size_t nx = 0, ny = 0;
  int bad = check_h5(cz_h5_read_f64(fe, p, &x, &nx)) || check_h5(cz_h5_read_f64(fa, p, &y, &ny));
  for (size_t i = 0; !bad && i < nx; i++)
    if (nx != ny || fabs(x[i] - y[i]) > 1e-9) bad = fail("%s: %s differs", cz_h5_path(fa), p);
  free(x);
  free(y);
  return bad;
}

static int match_pop(cz_h5file *fe, cz_h5file *fa, const char *pop, double rms_tol, double max_tol) {
  trace_file e = {0}, a = {0};
  int bad = read_pop(fe, pop, &e) || read_pop(fa, pop, &a);
  if (!bad && (e.rows != a.rows || e.cols != a.cols)) {
    fprintf(stderr, "report_check: %s: %s is %zu x %zu, expected %zu x %zu\n", cz_h5_path(fa), pop, a.rows, a.cols,
            e.rows, e.cols);
    bad = 1;
  }
  if (!bad) bad = same_u64(fe, fa, pop, "node_ids") || same_u64(fe, fa, pop, "element_ids") ||
                  same_f64(fe, fa, pop, "element_pos") || same_f64(fe, fa, pop, "time");
  double worst = 0, worst_rms = 0;
  size_t at = 0;
  for (size_t c = 0; !bad && c < e.cols; c++) {
    double sum = 0;
    for (size_t r = 0; r < e.rows; r++) {
      const size_t i = r * e.cols + c;
      const double d = fabs(e.data[i] - a.data[i]);
      sum += d * d;
      if (!(d <= worst)) {
        worst = d;
        at = i;
      }
    }
    const double rms = sqrt(sum / (double)(e.rows ? e.rows : 1));
    if (!(rms <= worst_rms)) worst_rms = rms;
  }
  if (!bad) {
    printf("report_check: %s: %s: %zu x %zu samples, largest difference %.3g (row %zu, column %zu), largest column "
           "RMS %.3g\n",
           cz_h5_path(fa), pop, e.rows, e.cols, worst, at / (e.cols ? e.cols : 1), at % (e.cols ? e.cols : 1), worst_rms);
    if (!(worst_rms <= rms_tol) || !(worst <= max_tol))
      bad = fail("%s: %s differs by more than the tolerance", cz_h5_path(fa), pop);
  }
  trace_free(&e);
  trace_free(&a);
  return bad;
}

static int match(const char *expected, const char *actual, double rms_tol, double max_tol) {
  cz_h5file *fe = NULL, *fa = NULL;
  if (check_h5(cz_h5_open_read(expected, &fe)) || check_h5(cz_h5_open_read(actual, &fa))) return 1;
  char **pops = NULL;
  size_t npops = 0;
  int bad = check_h5(cz_h5_list(fe, "/report", &pops, &npops));
  for (size_t i = 0; !bad && i < npops; i++) bad = match_pop(fe, fa, pops[i], rms_tol, max_tol);
  if (!bad && npops == 0) bad = fail("%s: no population in %s", expected, "/report");
  cz_h5_free_names(pops, npops);
  cz_h5_close(&fe);
  cz_h5_close(&fa);
  return bad;
}

/* ---- onset -------------------------------------------------------------------------------- */

static int onset_pop(cz_h5file *fb, cz_h5file *fa, const char *pop, size_t row, double min_diff) {
  trace_file b = {0}, a = {0};
  int bad = read_pop(fb, pop, &b) || read_pop(fa, pop, &a);
  if (!bad && (a.rows != b.rows || a.cols != b.cols || row >= a.rows))
    bad = fail("%s: %s has another shape than the base run, or too few rows", cz_h5_path(fa), pop);
  size_t first = a.rows;
  double worst = 0;
  for (size_t i = 0; !bad && i < a.rows * a.cols; i++) {
    const double d = fabs(a.data[i] - b.data[i]);
    if (a.data[i] != b.data[i] && i / a.cols < first) first = i / a.cols;
    if (i / a.cols >= row && d > worst) worst = d;
  }
  if (!bad) {
    printf("report_check: %s: %s: first differing row %zu, largest difference from row %zu on %.3g\n", cz_h5_path(fa),
           pop, first, row, worst);
    if (first != row) bad = fail("%s: %s does not start to differ in the expected row", cz_h5_path(fa), pop);
    else if (!(worst > min_diff)) bad = fail("%s: %s differs too little from the base run", cz_h5_path(fa), pop);
  }
  trace_free(&b);
  trace_free(&a);
  return bad;
}

static int onset(const char *base, const char *actual, size_t row, double min_diff) {
  cz_h5file *fb = NULL, *fa = NULL;
  if (check_h5(cz_h5_open_read(base, &fb)) || check_h5(cz_h5_open_read(actual, &fa))) return 1;
  char **pops = NULL;
  size_t npops = 0;
  int bad = check_h5(cz_h5_list(fb, "/report", &pops, &npops));
  for (size_t i = 0; !bad && i < npops; i++) bad = onset_pop(fb, fa, pops[i], row, min_diff);
  if (!bad && npops == 0) bad = fail("%s: no population in %s", base, "/report");
  cz_h5_free_names(pops, npops);
  cz_h5_close(&fb);
  cz_h5_close(&fa);
  return bad;
}

/* ---- rows_of ------------------------------------------------------------------------------ */

static int rows_of(const char *full, const char *part, size_t first, size_t every) {
  cz_h5file *ff = NULL, *fp = NULL;
  if (check_h5(cz_h5_open_read(full, &ff)) || check_h5(cz_h5_open_read(part, &fp))) return 1;
  char **pops = NULL;
  size_t npops = 0;
  int bad = check_h5(cz_h5_list(fp, "/report", &pops, &npops)) || npops == 0 || every == 0;
  for (size_t q = 0; q < npops && !bad; q++) {
    trace_file a = {0}, b = {0};
    bad = read_pop(ff, pops[q], &a) || read_pop(fp, pops[q], &b);
    if (!bad && (a.cols != b.cols || b.rows == 0 || first + (b.rows - 1) * every >= a.rows))
      bad = fail("%s: %s has other columns than the full report, or rows beyond it", part, pops[q]);
    for (size_t r = 0; !bad && r < b.rows; r++)
      if (memcmp(&b.data[r * b.cols], &a.data[(first + r * every) * a.cols], b.cols * sizeof *b.data) != 0)
        bad = fail("%s: %s: a row differs from the full report's", part, pops[q]);
    if (!bad) printf("report_check: %s: %s: %zu rows = full rows %zu + k x %zu\n", part, pops[q], b.rows, first, every);
    trace_free(&a);
    trace_free(&b);
  }
  cz_h5_free_names(pops, npops);
  cz_h5_close(&ff);
  cz_h5_close(&fp);
  return bad;
}

/* ---- table ------------------------------------------------------------------------------- */

static int table(const char *path, const char *pop, const char *table_path, double dt, double tol) {
  FILE *in = fopen(table_path, "r");
  if (!in) return fail("cannot open %s%s", table_path, "");
  cz_h5file *f = NULL;
  trace_file t = {0};
  int bad = check_h5(cz_h5_open_read(path, &f)) || read_pop(f, pop, &t) || t.cols == 0;
  char line[4096];
  double worst = 0;
  size_t lines = 0;
  while (!bad && fgets(line, sizeof line, in)) {
    char *end = NULL;
    const double at = strtod(line, &end);
    if (end == line) continue;
    const long long step = llround(at / dt);
    if (step == 0) continue;
    if (step < 0 || (size_t)(step - 1) >= t.rows) {
      fprintf(stderr, "report_check: %s: %s has no row for t = %g ms\n", path, pop, at);
      bad = 1;
      break;
    }
    const size_t row = (size_t)(step - 1);
    for (size_t c = 0; !bad && c < t.cols; c++) {
      const char *s = end;
      const double want = strtod(s, &end);
      const double got = t.data[row * t.cols + c], d = fabs(got - want);
      if (end == s || !(d <= tol)) {
        fprintf(stderr, "report_check: %s: %s row %zu column %zu is %.17g, %s's %.17g (t = %g ms)\n", path, pop, row, c,
                got, table_path, want, at);
        bad = 1;
      }
      if (d > worst) worst = d;
    }
    lines++;
  }
  if (!bad && lines == 0) bad = fail("%s: no lines to compare%s", table_path, "");
  if (!bad)
    printf("report_check: %s: %s: %zu rows of %s within %.3g (largest difference %.3g)\n", path, pop, lines,
           table_path, tol, worst);
  fclose(in);
  trace_free(&t);
  cz_h5_close(&f);
  return bad;
}

/* ---- at ----------------------------------------------------------------------------------- */

static int row_at(const char *path, size_t row, double value, double tol) {
  cz_h5file *f = NULL;
  if (check_h5(cz_h5_open_read(path, &f))) return 1;
  char **pops = NULL;
  size_t npops = 0;
  int bad = check_h5(cz_h5_list(f, "/report", &pops, &npops)) || npops == 0;
  for (size_t q = 0; q < npops && !bad; q++) {
    trace_file t = {0};
    bad = read_pop(f, pops[q], &t);
    if (!bad && (row >= t.rows || t.cols == 0)) bad = fail("%s: %s has no such row", path, pops[q]);
    for (size_t c = 0; !bad && c < t.cols; c++)
      if (!(fabs(t.data[row * t.cols + c] - value) <= tol)) {
        fprintf(stderr, "report_check: %s: %s row %zu column %zu is %.17g, want %.17g\n", path, pops[q], row, c,
                t.data[row * t.cols + c], value);
        bad = 1;
      }
    if (!bad) printf("report_check: %s: %s row %zu: %zu columns at %.10g\n", path, pops[q], row, t.cols, value);
    trace_free(&t);
  }
  cz_h5_free_names(pops, npops);
  cz_h5_close(&f);
  return bad;
}

/* ---- constant ----------------------------------------------------------------------------- */

static int constant(const char *path, double value, size_t columns) {
  cz_h5file *f = NULL;
  if (check_h5(cz_h5_open_read(path, &f))) return 1;
  char **pops = NULL;
  size_t npops = 0, cols = 0, samples = 0;
  int bad = check_h5(cz_h5_list(f, "/report", &pops, &npops));
  for (size_t q = 0; q < npops && !bad; q++) {
    trace_file t = {0};
    bad = read_pop(f, pops[q], &t);
    for (size_t i = 0; !bad && i < t.rows * t.cols; i++)
      if (t.data[i] != value) bad = fail("%s: %s holds a sample other than the constant", path, pops[q]);
    cols += t.cols;
    samples += t.rows * t.cols;
    trace_free(&t);
  }
  if (!bad && (cols != columns || samples == 0)) bad = fail("%s: %s columns or rows than expected", path, "other");
  if (!bad) printf("report_check: %s: %zu samples in %zu columns, all %g\n", path, samples, cols, value);
  cz_h5_free_names(pops, npops);
  cz_h5_close(&f);
  return bad;
}

/* ---- ecp ---------------------------------------------------------------------------------- */

static int ecp(const char *expected, const char *actual, size_t rows, double rel) {
  cz_h5file *fe = NULL, *fa = NULL;
  if (check_h5(cz_h5_open_read(expected, &fe)) || check_h5(cz_h5_open_read(actual, &fa))) return 1;
  double *de = NULL, *da = NULL;
  size_t re = 0, ce = 0, ra = 0, ca = 0;
  int64_t *ide = NULL, *ida = NULL;
  size_t nie = 0, nia = 0;
  char *units = NULL;
  int bad = check_h5(cz_h5_read_f64_2d(fe, "/ecp/data", &de, &re, &ce)) ||
            check_h5(cz_h5_read_f64_2d(fa, "/ecp/data", &da, &ra, &ca)) ||
            check_h5(cz_h5_read_i64(fe, "/ecp/channel_id", &ide, &nie)) ||
            check_h5(cz_h5_read_i64(fa, "/ecp/channel_id", &ida, &nia)) ||
            check_h5(cz_h5_read_attr_string(fa, "/ecp/data", "units", &units));
  if (!bad && (ce != ca || nie != nia || memcmp(ide, ida, nie * sizeof *ide) != 0))
    bad = fail("%s: other channels than %s", actual, expected);
  if (!bad && strcmp(units, "mV") != 0) bad = fail("%s: /ecp/data units are not %s", actual, "mV");
  if (!bad && (re < rows || ra < rows)) bad = fail("%s or %s has fewer rows than asked", expected, actual);
  double worst = 0;
  size_t worst_ch = 0;
  for (size_t c = 0; !bad && c < ce; c++) {
    double se = 0, sd = 0;
    for (size_t r = 0; r < rows; r++) {
      const double e = de[r * ce + c], a = da[r * ca + c];
      if (!isfinite(e) && a == e) continue; /* the same infinity */
      se += e * e;
      sd += (a - e) * (a - e);
    }
    const double ratio = se > 0 ? sqrt(sd / se) : (sd > 0 ? INFINITY : 0);
    if (!(ratio <= worst) && !isnan(worst)) { /* a NaN (an infinity in one file only) stays the worst */
      worst = ratio;
      worst_ch = c;
    }
  }
  if (!bad) {
    printf("report_check: %s: %zu channels x %zu rows: largest channel RMS error %.3g of the channel's RMS (channel %zu)\n",
           actual, ce, rows, worst, worst_ch);
    if (!(worst <= rel)) bad = fail("%s: the ECP differs from %s by more than the tolerance", actual, expected);
  }
  free(de);
  free(da);
  free(ide);
  free(ida);
  free(units);
  cz_h5_close(&fe);
  cz_h5_close(&fa);
  return bad;
}

static int ecp_sum(const char *total, char **parts, size_t nparts, double rel) {
  cz_h5file *f = NULL;
  double *t = NULL, *sum = NULL;
  size_t rows = 0, cols = 0;
  if (check_h5(cz_h5_open_read(total, &f)) || check_h5(cz_h5_read_f64_2d(f, "/ecp/data", &t, &rows, &cols))) return 1;
  cz_h5_close(&f);
  sum = calloc(rows * cols + 1, sizeof *sum);
  int bad = sum == NULL;
  for (size_t k = 0; !bad && k < nparts; k++) {
    double *p = NULL;
    size_t r = 0, c = 0;
    bad = check_h5(cz_h5_open_read(parts[k], &f)) || check_h5(cz_h5_read_f64_2d(f, "/ecp/data", &p, &r, &c));
    cz_h5_close(&f);
    if (!bad && (r != rows || c != cols)) bad = fail("%s: not the shape of %s", parts[k], total);
    for (size_t i = 0; !bad && i < rows * cols; i++) sum[i] += p[i];
    free(p);
  }
  double top = 0, worst = 0;
  for (size_t i = 0; !bad && i < rows * cols; i++) top = fmax(top, fabs(t[i]));
  for (size_t i = 0; !bad && i < rows * cols; i++) worst = fmax(worst, fabs(sum[i] - t[i]));
  if (!bad) {
    printf("report_check: %s: the %zu parts add up to it within %.3g mV (largest |sample| %.3g mV)\n", total, nparts,
           worst, top);
    if (!(worst <= rel * top) || top == 0) bad = fail("%s: the parts do not add up to %s", total, "it");
  }
  free(t);
  free(sum);
  return bad;
}

static int matrix(const char *expected, const char *actual, size_t rows, double max_abs) {
  cz_h5file *fe = NULL, *fa = NULL;
  double *e = NULL, *a = NULL;
  size_t re = 0, ce = 0, ra = 0, ca = 0;
  int bad = check_h5(cz_h5_open_read(expected, &fe)) || check_h5(cz_h5_open_read(actual, &fa)) ||
            check_h5(cz_h5_read_f64_2d(fe, "/data", &e, &re, &ce)) || check_h5(cz_h5_read_f64_2d(fa, "/data", &a, &ra, &ca));
  if (!bad && (re != ra || ce != ca || rows > re)) bad = fail("%s: not the shape of %s", actual, expected);
  double worst = 0;
  for (size_t i = 0; !bad && i < rows * ce; i++) worst = fmax(worst, fabs(e[i] - a[i]));
  if (!bad) {
    printf("report_check: %s: %zu x %zu, largest difference %.3g over the first %zu rows\n", actual, ra, ca, worst, rows);
    if (!(worst <= max_abs)) bad = fail("%s differs from %s by more than the tolerance", actual, expected);
  }
  free(e);
  free(a);
  cz_h5_close(&fe);
  cz_h5_close(&fa);
  return bad;
}

static int step_column(const char *path, size_t col, size_t first, double value) {
  cz_h5file *f = NULL;
  double *d = NULL;
  size_t rows = 0, cols = 0;
  int bad = check_h5(cz_h5_open_read(path, &f)) || check_h5(cz_h5_read_f64_2d(f, "/data", &d, &rows, &cols));
  if (!bad && (col >= cols || first > rows)) bad = fail("%s: no such column or row in %s", path, "/data");
  for (size_t r = 0; !bad && r < rows; r++)
    if (d[r * cols + col] != (r < first ? 0.0 : value)) {
      fprintf(stderr, "report_check: %s: row %zu is %.17g\n", path, r, d[r * cols + col]);
      bad = 1;
    }
  if (!bad) printf("report_check: %s: column %zu is 0 until row %zu and %g after\n", path, col, first, value);
  free(d);
  cz_h5_close(&f);
  return bad;
}

static int edges(const char *expected, const char *actual, const char *pop) {
  static const char *const u64[] = {"source_node_id", "target_node_id", "edge_type_id", "edge_group_id",
                                    "edge_group_index", "0/sec_id", NULL};
  static const char *const f64[] = {"0/syn_weight", "0/sec_x", NULL};
  static const char *const pairs[] = {"indices/target_to_source/node_id_to_range", "indices/target_to_source/range_to_edge_id",
                                      "indices/source_to_target/node_id_to_range", "indices/source_to_target/range_to_edge_id",
                                      NULL};
  cz_h5file *fe = NULL, *fa = NULL;
  int bad = check_h5(cz_h5_open_read(expected, &fe)) || check_h5(cz_h5_open_read(actual, &fa));
  size_t checked = 0;
  for (int k = 0; !bad && u64[k]; k++) {
    char p[512];
    snprintf(p, sizeof p, "/edges/%s/%s", pop, u64[k]);
    uint64_t *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    bad = check_h5(cz_h5_read_u64(fe, p, &x, &nx)) || check_h5(cz_h5_read_u64(fa, p, &y, &ny));
    if (!bad && (nx != ny || (nx && memcmp(x, y, nx * sizeof *x) != 0))) bad = fail("%s: %s differs", actual, p);
    checked += nx;
    free(x), free(y);
  }
  for (int k = 0; !bad && f64[k]; k++) {
    char p[512];
    snprintf(p, sizeof p, "/edges/%s/%s", pop, f64[k]);
    double *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    bad = check_h5(cz_h5_read_f64(fe, p, &x, &nx)) || check_h5(cz_h5_read_f64(fa, p, &y, &ny));
    if (!bad && (nx != ny || (nx && memcmp(x, y, nx * sizeof *x) != 0))) bad = fail("%s: %s differs", actual, p);
    free(x), free(y);
  }
  for (int k = 0; !bad && pairs[k]; k++) {
    char p[512];
    snprintf(p, sizeof p, "/edges/%s/%s", pop, pairs[k]);
    uint64_t *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    bad = check_h5(cz_h5_read_u64_pairs(fe, p, &x, &nx)) || check_h5(cz_h5_read_u64_pairs(fa, p, &y, &ny));
    if (!bad && (nx != ny || (nx && memcmp(x, y, 2 * nx * sizeof *x) != 0))) bad = fail("%s: %s differs", actual, p);
    free(x), free(y);
  }
  if (!bad) printf("report_check: %s: population %s equals %s's (%zu values)\n", actual, pop, expected, checked);
  cz_h5_close(&fe);
  cz_h5_close(&fa);
  return bad;
}

static int edge_weights(const char *path, const char *pop) {
  cz_h5file *f = NULL;
  if (check_h5(cz_h5_open_read(path, &f))) return 1;
  char ps[512], pt[512], pw[512];
  snprintf(ps, sizeof ps, "/edges/%s/source_node_id", pop);
  snprintf(pt, sizeof pt, "/edges/%s/target_node_id", pop);
  snprintf(pw, sizeof pw, "/edges/%s/0/syn_weight", pop);
  uint64_t *src = NULL, *tgt = NULL;
  double *w = NULL;
  size_t ns = 0, nt = 0, nw = 0;
  int bad = check_h5(cz_h5_read_u64(f, ps, &src, &ns)) || check_h5(cz_h5_read_u64(f, pt, &tgt, &nt)) ||
            check_h5(cz_h5_read_f64(f, pw, &w, &nw));
  if (!bad && (ns != nt || ns != nw)) bad = fail("%s: %s: edge datasets of different lengths", path, pop);
  for (size_t i = 0; !bad && i < ns; i++) printf("%llu %llu %.17g\n", (unsigned long long)src[i], (unsigned long long)tgt[i], w[i]);
  free(src), free(tgt), free(w);
  cz_h5_close(&f);
  return bad;
}

/* ---- rows ---------------------------------------------------------------------------------- */

static int rows(char **a) {
  cz_h5file *f = NULL;
  if (check_h5(cz_h5_open_read(a[0], &f))) return 1;
  trace_file t = {0};
  int bad = read_pop(f, a[1], &t);
  const size_t want = (size_t)strtoull(a[2], NULL, 10);
  const double time[3] = {strtod(a[3], NULL), strtod(a[4], NULL), strtod(a[5], NULL)};
  if (!bad && t.rows != want) {
    fprintf(stderr, "report_check: %s: %s has %zu rows, expected %zu\n", a[0], a[1], t.rows, want);
    bad = 1;
  }
  if (!bad && memcmp(t.time, time, sizeof time) != 0) {
    fprintf(stderr, "report_check: %s: %s time = [%.17g, %.17g, %.17g], expected [%s, %s, %s]\n", a[0], a[1],
            t.time[0], t.time[1], t.time[2], a[3], a[4], a[5]);
    bad = 1;
  }
  trace_free(&t);
  cz_h5_close(&f);
  return bad;
}

int main(int argc, char **argv) {
  cz_h5_quiet();
  if (argc >= 3 && strcmp(argv[1], "layout") == 0) return layout(argv[2], argc > 3 && strcmp(argv[3], "--strict") == 0);
  if (argc == 12 && strcmp(argv[1], "clamp") == 0) { /* one step: AMP DELAY DURATION DT */
    char *one[10] = {argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], argv[11], argv[8], argv[9], argv[10]};
    return clamp(one, 1);
  }
  if (argc >= 12 && (argc - 9) % 3 == 0 && (argc - 9) / 3 <= 16 && strcmp(argv[1], "clamps") == 0)
    return clamp(argv + 2, (size_t)(argc - 9) / 3);
  if (argc == 4 && strcmp(argv[1], "prefix") == 0) return prefix(argv[2], argv[3]);
  if (argc == 8 && strcmp(argv[1], "rows") == 0) return rows(argv + 2);
  if (argc == 7 && strcmp(argv[1], "table") == 0) return table(argv[2], argv[3], argv[4], atof(argv[5]), atof(argv[6]));
  if (argc >= 6 && strcmp(argv[1], "ecp_sum") == 0 && strcmp(argv[2], "--tolerance") == 0)
    return ecp_sum(argv[4], argv + 5, (size_t)(argc - 5), atof(argv[3]));
  if (argc >= 4 && strcmp(argv[1], "ecp_sum") == 0) return ecp_sum(argv[2], argv + 3, (size_t)(argc - 3), 1e-12);
  if (argc == 5 && strcmp(argv[1], "edges") == 0) return edges(argv[2], argv[3], argv[4]);
  if (argc == 6 && strcmp(argv[1], "step") == 0)
    return step_column(argv[2], (size_t)strtoull(argv[3], NULL, 10), (size_t)strtoull(argv[4], NULL, 10), atof(argv[5]));
  if (argc == 6 && strcmp(argv[1], "matrix") == 0)
    return matrix(argv[2], argv[3], (size_t)strtoull(argv[4], NULL, 10), atof(argv[5]));
  if (argc == 4 && strcmp(argv[1], "edge_weights") == 0) return edge_weights(argv[2], argv[3]);
  if (argc == 6 && strcmp(argv[1], "at") == 0)
    return row_at(argv[2], (size_t)strtoull(argv[3], NULL, 10), atof(argv[4]), atof(argv[5]));
  if (argc == 6 && strcmp(argv[1], "rows_of") == 0)
    return rows_of(argv[2], argv[3], (size_t)strtoull(argv[4], NULL, 10), (size_t)strtoull(argv[5], NULL, 10));
  if (argc == 5 && strcmp(argv[1], "constant") == 0)
    return constant(argv[2], atof(argv[3]), (size_t)strtoull(argv[4], NULL, 10));
  if (argc == 6 && strcmp(argv[1], "onset") == 0)
    return onset(argv[2], argv[3], (size_t)strtoull(argv[4], NULL, 10), atof(argv[5]));
  if (argc == 6 && strcmp(argv[1], "ecp") == 0) return ecp(argv[2], argv[3], (size_t)strtoull(argv[4], NULL, 10), atof(argv[5]));
  if ((argc == 5 || argc == 6) && strcmp(argv[1], "match") == 0)
    return match(argv[2], argv[3], atof(argv[4]), argc == 6 ? atof(argv[5]) : INFINITY);
  if ((argc == 4 || argc == 5) && strcmp(argv[1], "spikes") == 0) return spikes(argv[2], argv[3], argc == 5 ? atof(argv[4]) : 1.0);
  fprintf(stderr, "usage: report_check layout FILE [--strict] | table FILE POP TABLE DT TOL | clamp FILE POP NODE E_L C_M TAU_M AMP DELAY DURATION DT | "
                  "clamps FILE POP NODE E_L C_M TAU_M DT AMP DELAY DURATION [AMP DELAY DURATION ...] | "
                  "match EXPECTED ACTUAL RMS_TOL [MAX_TOL] | ecp EXPECTED ACTUAL ROWS REL | ecp_sum [--tolerance REL] TOTAL PART... | "
                  "prefix PARTIAL COMPLETE | rows FILE POP ROWS FIRST LAST STEP | spikes FILE SPIKES.h5 [DROP_MV]\n");
  return 2;
}
