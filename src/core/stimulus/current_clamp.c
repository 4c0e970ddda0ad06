#include "core/stimulus/current_clamp.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/sort.h"
#include "base/str.h"
#include "io/csv.h"
#include "io/nwb_sweep.h"
#include "io/node_sets.h"

typedef struct change {
  double t, amp;
} change;

typedef struct change_list {
  size_t n, cap;
  change *c;
} change_list;

static cz_status add_change(change_list *l, double t, double amp) {
  CZ_RESERVE(l->c, l->cap, l->n + 1);
  l->c[l->n].t = t;
  l->c[l->n].amp = amp;
  l->n++;
  return CZ_OK;
}

/* A number or a list of numbers under key; *n = 1 for a scalar. Owned (*out). */
static cz_status number_list(const cz_config *cfg, const cz_cfg_block *b, const char *key, double **out, size_t *n) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, key);
  CZ_CHECK(j, CZ_ERR_CONFIG, "%s: inputs.%s has no \"%s\"", cfg->path, b->name, key);
  if (cJSON_IsNumber(j)) {
    CZ_NEW(*out, 1);
    (*out)[0] = j->valuedouble;
    *n = 1;
  } else {
    CZ_CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) > 0, CZ_ERR_CONFIG,
             "%s: inputs.%s.%s must be a number or a non-empty list of numbers", cfg->path, b->name, key);
    *n = (size_t)cJSON_GetArraySize(j);
    CZ_NEW(*out, *n);
    size_t i = 0;
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, j) {
      if (!cJSON_IsNumber(e)) {
        free(*out);
        return CZ_ERROR(CZ_ERR_CONFIG, "%s: inputs.%s.%s[%zu] is not a number", cfg->path, b->name, key, i);
      }
      (*out)[i++] = e->valuedouble;
    }
  }
  for (size_t i = 0; i < *n; i++)
    if (!isfinite((*out)[i])) {
      free(*out);
      return CZ_ERROR(CZ_ERR_CONFIG, "%s: inputs.%s.%s holds a non-finite number", cfg->path, b->name, key);
    }
  return CZ_OK;
}

static cz_status pulses_changes(const cz_config *cfg, const cz_cfg_block *b, change_list *out) {
  double *amp = NULL, *delay = NULL, *dur = NULL;
  size_t na = 0, nd = 0, nu = 0;
  cz_status st = number_list(cfg, b, "amp", &amp, &na);
  if (st == CZ_OK) st = number_list(cfg, b, "delay", &delay, &nd);
  if (st == CZ_OK) st = number_list(cfg, b, "duration", &dur, &nu);
  if (st == CZ_OK && (na != nd || na != nu))
    st = CZ_ERROR(CZ_ERR_CONFIG, "%s: inputs.%s: amp, delay and duration have different lengths (%zu, %zu, %zu)",
                  cfg->path, b->name, na, nd, nu);
  for (size_t i = 0; st == CZ_OK && i < na; i++) {
    if (!(delay[i] >= 0) || !(dur[i] >= 0) || !cz_time_in_range(delay[i] + dur[i])) {
      st = CZ_ERROR(CZ_ERR_CONFIG, "%s: inputs.%s: delay and duration must be >= 0 and end by %g ms (pulse %zu)",
                    cfg->path, b->name, CZ_TIME_MAX_MS, i);
      break;
    }
    if (delay[i] <= cfg->dt) continue; /* BMTK skips pulses that would start at the first step */
    st = add_change(out, delay[i], amp[i]);
    bool last = i + 1 == na;
    if (st == CZ_OK && (last || delay[i] + dur[i] <= delay[i + 1])) st = add_change(out, delay[i] + dur[i], 0.0);
  }
  free(amp);
  free(delay);
  free(dur);
  return st;
}

static const char *string_field(const cz_cfg_block *b, const char *key, const char *dflt) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, key);
  return cJSON_IsString(j) ? j->valuestring : dflt;
}

/* Reads a CSV file with a separator other than a space by mapping it to spaces first. */
static cz_status read_table(const char *path, const char *sep, cz_csv **out) {
  if (strcmp(sep, " ") == 0) return cz_csv_read(path, out);
  CZ_CHECK(strlen(sep) == 1, CZ_ERR_CONFIG, "%s: separator '%s' must be a single character", path, sep);
  char *text = NULL;
  CZ_TRY(cz_read_file(path, &text, NULL));
  for (char *q = text; *q; q++)
    if (*q == sep[0]) *q = ' ';
  cz_status st = cz_csv_parse(text, path, out);
  free(text);
  return st;
}

static cz_status csv_changes(const cz_config *cfg, const cz_cfg_block *b, change_list *out) {
  const char *file = string_field(b, "file", NULL);
  CZ_CHECK(file, CZ_ERR_CONFIG, "%s: inputs.%s has no \"file\"", cfg->path, b->name);
  const char *tcol = string_field(b, "timestamps_column", "timestamps");
  const char *acol = string_field(b, "amplitudes_column", "amps");
  cz_csv *t = NULL;
  CZ_TRY(read_table(file, string_field(b, "separator", " "), &t));
  int ct = cz_csv_col(t, tcol), ca = cz_csv_col(t, acol);
  cz_status st = CZ_OK;
  if (ct < 0 || ca < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: missing column '%s' (inputs.%s)", file, ct < 0 ? tcol : acol, b->name);
  else if (t->nrows < 2)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: needs at least 2 rows of timestamps and amplitudes (inputs.%s)", file, b->name);
  for (size_t r = 0; st == CZ_OK && r < t->nrows; r++) {
    cz_value tv = cz_csv_value(t, r, (size_t)ct), av = cz_csv_value(t, r, (size_t)ca);
    if (tv.kind != CZ_VAL_NUM || av.kind != CZ_VAL_NUM || !isfinite(tv.num) || !isfinite(av.num) || tv.num < 0 ||
        !cz_time_in_range(tv.num))
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: row %zu: timestamp and amplitude must be finite numbers, times 0 to %g ms",
                    file, r + 2, CZ_TIME_MAX_MS);
    else if (tv.num > cfg->dt)
      st = add_change(out, tv.num, av.num);
  }
  cz_csv_destroy(&t);
  return st;
}

/* BMTK names a sweep by number ("Sweep_<n>" when sweep_id reads as an integer, as Python's
 * int() does: 55, "55", 55.0) or by its group name. */
static cz_status sweep_name(const cz_config *cfg, const cz_cfg_block *b, char *out, size_t n) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, "sweep_id");
  CZ_CHECK(cJSON_IsNumber(j) || (cJSON_IsString(j) && j->valuestring[0]), CZ_ERR_CONFIG,
           "%s: inputs.%s has no \"sweep_id\" (a sweep number or name)", cfg->path, b->name);
  if (cJSON_IsNumber(j)) {
    CZ_CHECK(isfinite(j->valuedouble), CZ_ERR_CONFIG, "%s: inputs.%s.sweep_id is not finite", cfg->path, b->name);
    snprintf(out, n, "Sweep_%lld", (long long)trunc(j->valuedouble));
    return CZ_OK;
  }
  char *end = NULL;
  const long long v = strtoll(j->valuestring, &end, 10);
  if (end != j->valuestring && *end == '\0') snprintf(out, n, "Sweep_%lld", v);
  else snprintf(out, n, "%s", j->valuestring);
  return CZ_OK;
}

static cz_status optional_number(const cz_config *cfg, const cz_cfg_block *b, const char *key, double dflt, double *v,
                                 bool *given) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, key);
  *given = j != NULL && !cJSON_IsNull(j);
  *v = dflt;
  if (!*given) return CZ_OK;
  CZ_CHECK(cJSON_IsNumber(j) && isfinite(j->valuedouble), CZ_ERR_CONFIG, "%s: inputs.%s.%s must be a number",
           cfg->path, b->name, key);
  *v = j->valuedouble;
  return CZ_OK;
}

static cz_status sweep_window(const cz_config *cfg, const cz_cfg_block *b, double *t0, double *t1, bool *given) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, "sweep_window");
  *given = j != NULL && !cJSON_IsNull(j);
  if (!*given) return CZ_OK;
  const cJSON *a = cJSON_GetArrayItem(j, 0), *z = cJSON_GetArrayItem(j, 1);
  CZ_CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) == 2 && cJSON_IsNumber(a) && cJSON_IsNumber(z) &&
               a->valuedouble >= 0 && a->valuedouble < z->valuedouble,
           CZ_ERR_CONFIG, "%s: inputs.%s.sweep_window must be [start_time, stop_time] with 0 <= start_time < stop_time",
           cfg->path, b->name);
  *t0 = a->valuedouble;
  *t1 = z->valuedouble;
  return CZ_OK;
}

cz_status cz_clamp_read_sweep(const cz_config *cfg, const cz_cfg_block *b, cz_clamp_sweep *out) {
  memset(out, 0, sizeof *out);
  const char *file = string_field(b, "file", NULL);
  CZ_CHECK(file, CZ_ERR_CONFIG, "%s: inputs.%s has no \"file\"", cfg->path, b->name);
  char sweep[256];
  double down = 0, w0 = 0, w1 = 0;
  bool has_down = false, has_offset = false, has_window = false;
  CZ_TRY(sweep_name(cfg, b, sweep, sizeof sweep));
  CZ_TRY(optional_number(cfg, b, "downsample", 0.0, &down, &has_down));
  CZ_TRY(optional_number(cfg, b, "delay", 0.0, &out->delay, &has_offset));
  CZ_TRY(sweep_window(cfg, b, &w0, &w1, &has_window));
  double *data = NULL, rate = 0;
  size_t n = 0;
  cz_status st = cz_nwb_read_sweep(file, sweep, &data, &n, &rate);
  if (st != CZ_OK) return cz_error_prefix(st, "inputs.%s", b->name);
  const double idt = 1000.0 / rate;
  size_t stride = 1;
  out->idt = idt;
  if (has_down && down > idt) {
    const double r = round(down / idt);
    stride = r >= 1 ? (size_t)r : 1;
    out->idt = down;
  }
  if (!(out->amps = cz_calloc(n / stride + 1, sizeof *out->amps)) || !(out->t = cz_calloc(n / stride + 1, sizeof *out->t)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < n; i += stride) {
    const double t = (double)i * idt;
    if (has_window && !(t >= w0 && t <= w1)) continue;
    out->t[out->n] = t;
    out->amps[out->n++] = data[i] * 1.0e9;
  }
  free(data);
  if (st != CZ_OK) cz_clamp_sweep_free(out);
  return st;
}

void cz_clamp_sweep_free(cz_clamp_sweep *s) {
  free(s->amps);
  free(s->t);
  memset(s, 0, sizeof *s);
}

/* PointNet plays a sweep's samples as step changes at their times shifted by "delay", the
 * ones at or before dt dropped. */
static cz_status nwb_changes(const cz_config *cfg, const cz_cfg_block *b, change_list *out) {
  cz_clamp_sweep sw;
  CZ_TRY(cz_clamp_read_sweep(cfg, b, &sw));
  cz_status st = CZ_OK;
  for (size_t i = 0; st == CZ_OK && i < sw.n; i++) {
    const double when = sw.t[i] + sw.delay;
    if (when > cfg->dt) st = add_change(out, when, sw.amps[i]);
  }
  cz_clamp_sweep_free(&sw);
  return st;
}

static cz_status clamp_changes(const cz_config *cfg, const cz_cfg_block *b, change_list *out) {
  const char *type = b->input_type ? b->input_type : "current_clamp";
  if (strcmp(type, "current_clamp") == 0) return pulses_changes(cfg, b, out);
  if (strcmp(type, "csv") == 0 || strcmp(type, "file") == 0) return csv_changes(cfg, b, out);
  if (strcmp(type, "nwb") == 0 || strcmp(type, "allen") == 0) return nwb_changes(cfg, b, out);
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: inputs.%s: IClamp input_type '%s' is not supported (supported: current_clamp, csv, file, nwb, "
                  "allen)",
                  cfg->path, b->name, type);
}

cz_status cz_clamp_block_changes(const cz_config *cfg, const cz_cfg_block *b, double **t, double **amp, size_t *n) {
  change_list l = {0, 0, NULL};
  *t = *amp = NULL;
  *n = 0;
  cz_status st = clamp_changes(cfg, b, &l);
  if (st == CZ_OK && !(*t = cz_calloc(l.n + 1, sizeof **t))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && !(*amp = cz_calloc(l.n + 1, sizeof **amp))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == CZ_OK && i < l.n; i++) {
    (*t)[i] = l.c[i].t;
    (*amp)[i] = l.c[i].amp;
  }
  if (st == CZ_OK) *n = l.n;
  else {
    free(*t);
    free(*amp);
    *t = *amp = NULL;
  }
  free(l.c);
  return st;
}

static bool is_clamp(const cz_cfg_block *b) { return b->module && strcmp(b->module, "IClamp") == 0; }

cz_status cz_clamp_check_block(const cz_config *cfg, const cz_cfg_block *b) {
  change_list l = {0, 0, NULL};
  cz_status st = clamp_changes(cfg, b, &l);
  free(l.c);
  return st;
}

typedef struct pending {
  size_t n, cap_c, cap_n;
  uint32_t *clamp, *nid; /* (clamp, neuron) pairs */
} pending;

static cz_status add_targets(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, const cz_gidmap *gm,
                             uint32_t clamp, pending *pd) {
  CZ_CHECK(b->node_set, CZ_ERR_CONFIG, "%s: inputs.%s has no \"node_set\"", cfg->path, b->name);
  char where[1024];
  snprintf(where, sizeof where, "%s: inputs.%s.node_set", cfg->path, b->name);
  cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
  cz_status st = CZ_OK;
  for (size_t p = 0; p < sel->npops && st == CZ_OK; p++)
    for (size_t k = 0; k < sel->n[p] && st == CZ_OK; k++) {
      uint32_t nid = cz_gidmap_lid(gm, gm->pop_offset[p] + sel->rows[p][k]);
      if (nid == CZ_GIDMAP_NONE) continue; /* a clamp on a virtual node has no effect */
      size_t need = pd->n + 1;
      void *a = pd->clamp, *bb = pd->nid;
      st = cz_grow(&a, &pd->cap_c, need, sizeof *pd->clamp);
      pd->clamp = a;
      if (st == CZ_OK) st = cz_grow(&bb, &pd->cap_n, need, sizeof *pd->nid);
      pd->nid = bb;
      if (st == CZ_OK) {
        pd->clamp[pd->n] = clamp;
        pd->nid[pd->n] = nid;
        pd->n++;
      }
    }
  cz_ns_selection_destroy(&sel);
  return st;
}

/* Neuron -> clamps CSR, and the sorted, de-duplicated (step, nid) change events. */
static cz_status index_clamps(cz_clamps *cl, const cz_gidmap *gm, const pending *pd) {
  CZ_NEW(cl->nrn_off, gm->nlocal + 1);
  CZ_NEW(cl->nrn_clamp, pd->n);
  for (size_t i = 0; i < pd->n; i++) cl->nrn_off[pd->nid[i] + 1]++;
  for (size_t i = 0; i < gm->nlocal; i++) cl->nrn_off[i + 1] += cl->nrn_off[i];
  size_t *fill = NULL;
  CZ_NEW(fill, gm->nlocal);
  for (size_t i = 0; i < pd->n; i++) cl->nrn_clamp[cl->nrn_off[pd->nid[i]] + fill[pd->nid[i]]++] = pd->clamp[i];
  free(fill);
  size_t nev = 0;
  for (size_t i = 0; i < pd->n; i++) nev += cl->chg_off[pd->clamp[i] + 1] - cl->chg_off[pd->clamp[i]];
  int64_t *ev = NULL;
  CZ_NEW(ev, 2 * nev);
  size_t k = 0;
  for (size_t i = 0; i < pd->n; i++)
    for (size_t j = cl->chg_off[pd->clamp[i]]; j < cl->chg_off[pd->clamp[i] + 1]; j++) {
      ev[2 * k] = cl->chg_step[j];
      ev[2 * k + 1] = pd->nid[i];
      k++;
    }
  cz_sort_i64_pairs(ev, nev);
  cl->ev_step = cz_calloc(nev, sizeof *cl->ev_step);
  cl->ev_nid = cz_calloc(nev, sizeof *cl->ev_nid);
  if (!cl->ev_step || !cl->ev_nid) {
    free(ev);
    return CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < nev; i++) {
    if (cl->nev && cl->ev_step[cl->nev - 1] == ev[2 * i] && cl->ev_nid[cl->nev - 1] == (uint32_t)ev[2 * i + 1]) continue;
    cl->ev_step[cl->nev] = ev[2 * i];
    cl->ev_nid[cl->nev] = (uint32_t)ev[2 * i + 1];
    cl->nev++;
  }
  free(ev);
  return CZ_OK;
}

static cz_status build(const cz_config *cfg, const cz_circuit *c, const cz_gidmap *gm, const cz_timegrid *tg,
                       cz_clamps *cl, pending *pd) {
  size_t cap_off = 0, cap_s = 0, cap_a = 0, nchg = 0;
  CZ_RESERVE(cl->chg_off, cap_off, 1);
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (!b->enabled || !is_clamp(b)) continue;
    change_list l = {0, 0, NULL};
    cz_status st = clamp_changes(cfg, b, &l);
    for (size_t j = 0; st == CZ_OK && j < l.n; j++) {
      int64_t a = llround(l.c[j].t / tg->h);
      if (j > 0 && a < cl->chg_step[nchg - 1])
        st = CZ_ERROR(CZ_ERR_CONFIG, "%s: inputs.%s: amplitude times must increase", cfg->path, b->name);
      if (st != CZ_OK) break;
      void *ps = cl->chg_step, *pa = cl->chg_amp;
      st = cz_grow(&ps, &cap_s, nchg + 1, sizeof *cl->chg_step);
      cl->chg_step = ps;
      if (st == CZ_OK) st = cz_grow(&pa, &cap_a, nchg + 1, sizeof *cl->chg_amp);
      cl->chg_amp = pa;
      if (st != CZ_OK) break;
      cl->chg_step[nchg] = a;
      cl->chg_amp[nchg] = l.c[j].amp;
      nchg++;
    }
    free(l.c);
    CZ_TRY(st);
    CZ_RESERVE(cl->chg_off, cap_off, cl->nclamps + 2);
    cl->chg_off[++cl->nclamps] = nchg;
    CZ_TRY(add_targets(cfg, b, c, gm, (uint32_t)(cl->nclamps - 1), pd));
  }
  return index_clamps(cl, gm, pd);
}

cz_status cz_clamps_build(const cz_config *cfg, const cz_circuit *c, const cz_gidmap *gm, const cz_timegrid *tg,
                          cz_clamps *out) {
  memset(out, 0, sizeof *out);
  pending pd = {0, 0, 0, NULL, NULL};
  cz_status st = build(cfg, c, gm, tg, out, &pd);
  free(pd.clamp);
  free(pd.nid);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_clamps_free(out);
  }
  return st;
}

void cz_clamps_free(cz_clamps *cl) {
  free(cl->chg_off);
  free(cl->chg_step);
  free(cl->chg_amp);
  free(cl->nrn_off);
  free(cl->nrn_clamp);
  free(cl->ev_step);
  free(cl->ev_nid);
  memset(cl, 0, sizeof *cl);
}

/* Amplitude of clamp c at step u: its last change at a step <= u (binary search, since long
 * waveforms have many changes). Changes at steps < 1 never reach the neuron: the generator
 * sends one step ahead, so the first it can deliver is the one for step 1. */
static double clamp_amplitude(const cz_clamps *cl, uint32_t c, int64_t u) {
  size_t lo = cl->chg_off[c], hi = cl->chg_off[c + 1];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cl->chg_step[mid] <= u) lo = mid + 1;
    else hi = mid;
  }
  return (lo > cl->chg_off[c] && cl->chg_step[lo - 1] >= 1) ? cl->chg_amp[lo - 1] : 0.0;
}

double cz_clamps_current(const cz_clamps *cl, uint32_t nid, int64_t u) {
  double sum = 0.0;
  for (size_t k = cl->nrn_off[nid]; k < cl->nrn_off[nid + 1]; k++) sum += clamp_amplitude(cl, cl->nrn_clamp[k], u);
  return sum;
}
