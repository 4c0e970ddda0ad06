#include "filternet/cells.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"

/* The spontaneous rates BMTK derives from its cell metrics (spec Appendix B), by type and TF. */
static const struct {
  const char *type, *tf;
  double spont;
} SPONT[] = {
    {"sON", "TF1", 5.2},          {"sON", "TF2", 3.533333333333333},   {"sON", "TF4", 8.25},
    {"sON", "TF8", 1.7666666666666666}, {"sON", "TF15", 10.879999999999995}, {"sOFF", "TF1", 3.95},
    {"sOFF", "TF2", 4.5317777777777755}, {"sOFF", "TF4", 3.679074074074074}, {"sOFF", "TF8", 3.62},
    {"sOFF", "TF15", 5.075},      {"tON", "TF8", 2.6},                 {"tOFF", "TF1", 5.5},
    {"tOFF", "TF2", 3.4095238095238303}, {"tOFF", "TF4", 3.9445502645502764},
    {"tOFF", "TF8", 2.4377777777777867}, {"tOFF", "TF15", 1.050666666666664},
};

/* The two-subunit models: time to peak (ms) of the ON and OFF kernels, spontaneous rate, peak
 * rates and the balance factor. */
typedef struct two_subunit_model {
  double ttp_on, ttp_off, spont, max_roff, max_ron, factor;
} two_subunit_model;
static const two_subunit_model TWO[2] = {{121.0, 115.0, 4.0, 35.0, 21.0, 1.0}, {93.5, 64.8, 5.5, 46.0, 31.0, 0.7}};

/* ------------------------------------------------------------------ node values */

typedef struct node_ref {
  const cz_config *cfg;
  const cz_node_pop *np;
  size_t row;
  cz_fn_json_cache *cache;
  const cJSON *dyn, *nondom; /* the JSON files, or NULL */
  char where[256];           /* "node N of POP" */
} node_ref;

/* A number column of the node: true when its group (or node type) has the column, its value
 * then possibly NaN, as BMTK takes a group's column for all the group's nodes. */
static bool col_num(const node_ref *n, const char *key, double *v) {
  if (!cz_circuit_node_has_attr(n->np, n->row, key)) return false;
  const cz_value x = cz_circuit_node_attr(n->np, n->row, key);
  *v = x.kind == CZ_VAL_NUM ? x.num : NAN;
  if (x.kind == CZ_VAL_STR) {
    char *end = NULL;
    const double d = strtod(x.str, &end);
    if (end != x.str && *end == '\0') *v = d;
  }
  return x.kind != CZ_VAL_NULL;
}

/* "(a, b)" or "[a, b]" or "a" (then a, a). */
static bool parse_pair(const char *s, double out[2]) {
  while (*s == ' ' || *s == '(' || *s == '[' || *s == '"') s++;
  char *end = NULL;
  out[0] = strtod(s, &end);
  if (end == s) return false;
  s = end;
  while (*s == ' ' || *s == ',') s++;
  if (*s == ')' || *s == ']' || *s == '\0' || *s == '"') {
    out[1] = out[0];
    return true;
  }
  out[1] = strtod(s, &end);
  return end != s;
}

static bool col_pair_text(const node_ref *n, const char *key, double out[2]) {
  if (!cz_circuit_node_has_attr(n->np, n->row, key)) return false;
  const cz_value x = cz_circuit_node_attr(n->np, n->row, key);
  if (x.kind == CZ_VAL_STR) return parse_pair(x.str, out);
  if (x.kind == CZ_VAL_NUM) return out[0] = out[1] = x.num, true;
  return false;
}

static bool json_pair(const cJSON *j, const char *key, double out[2]) {
  const cJSON *v = j ? cJSON_GetObjectItemCaseSensitive(j, key) : NULL;
  if (cJSON_IsNumber(v)) return out[0] = out[1] = v->valuedouble, true;
  if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2) return false;
  const cJSON *a = v->child, *b = a->next;
  if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b)) return false;
  out[0] = a->valuedouble, out[1] = b->valuedouble;
  return true;
}

/* The first of: whole-pair columns (text or number), split pairs, the JSON key. */
static cz_status find_pair(const node_ref *n, const char *const *pairs, const char *const *splits, const cJSON *json,
                           const char *json_key, const char *what, double out[2]) {
  for (size_t i = 0; pairs[i]; i++)
    if (col_pair_text(n, pairs[i], out)) return CZ_OK;
  for (size_t i = 0; splits[i]; i += 2) {
    double a = NAN, b = NAN;
    const bool ha = col_num(n, splits[i], &a), hb = col_num(n, splits[i + 1], &b);
    if (cz_circuit_node_has_attr(n->np, n->row, splits[i]) || cz_circuit_node_has_attr(n->np, n->row, splits[i + 1])) {
      CZ_CHECK(ha && hb && isfinite(a) && isfinite(b), CZ_ERR_FORMAT, "%s: %s: columns %s and %s must both hold numbers",
               n->np->file, n->where, splits[i], splits[i + 1]);
      out[0] = a, out[1] = b;
      return CZ_OK;
    }
  }
  if (json_key && json_pair(json, json_key, out)) return CZ_OK;
  return CZ_ERROR(CZ_ERR_CONFIG, "%s: %s has no %s (node columns or %s in its %s JSON)", n->np->file, n->where, what,
                  json_key ? json_key : "-", json == n->nondom ? "non_dom_params" : "dynamics_params");
}

static cz_status load_json(node_ref *n, const char *column, const cJSON **out) {
  *out = NULL;
  if (!cz_circuit_node_has_attr(n->np, n->row, column)) return CZ_OK;
  const cz_value v = cz_circuit_node_attr(n->np, n->row, column);
  if (v.kind != CZ_VAL_STR || !v.str[0]) return CZ_OK;
  const char *dir = cz_cfg_component(n->cfg, "filter_models_dir");
  char *path = NULL;
  CZ_TRY(cz_path_join(dir ? dir : n->cfg->dir, v.str, &path));
  cz_fn_json_cache *c = n->cache;
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->path[i], path) == 0) {
      free(path);
      *out = c->json[i];
      return CZ_OK;
    }
  char *text = NULL;
  size_t len = 0;
  cz_status st = cz_read_file(path, &text, &len);
  if (st != CZ_OK) {
    free(path);
    return cz_error_prefix(st, "%s: %s: %s (components.filter_models_dir)", n->np->file, n->where, column);
  }
  cJSON *j = cJSON_Parse(text);
  free(text);
  if (!j) st = CZ_ERROR(CZ_ERR_FORMAT, "%s: not valid JSON (the %s of %s)", path, column, n->where);
  char **np = st == CZ_OK ? realloc(c->path, (c->n + 1) * sizeof *np) : NULL;
  if (np) c->path = np;
  cJSON **nj = np ? realloc(c->json, (c->n + 1) * sizeof *nj) : NULL;
  if (nj) c->json = nj;
  if (st == CZ_OK && (!np || !nj)) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st != CZ_OK) {
    cJSON_Delete(j);
    free(path);
    return st;
  }
  c->path[c->n] = path;
  c->json[c->n++] = j;
  *out = j;
  return CZ_OK;
}

void cz_fn_json_cache_free(cz_fn_json_cache *c) {
  for (size_t i = 0; i < c->n; i++) free(c->path[i]), cJSON_Delete(c->json[i]);
  free(c->path);
  free(c->json);
  memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------------ the model's name */

static cz_status model_name(const node_ref *n, char *name, size_t size) {
  const cz_value t = cz_circuit_node_attr(n->np, n->row, "model_template");
  const cz_value p = cz_circuit_node_attr(n->np, n->row, "pop_name");
  const char *s = t.kind == CZ_VAL_STR ? t.str : p.kind == CZ_VAL_STR ? p.str : NULL;
  CZ_CHECK(s, CZ_ERR_CONFIG, "%s: %s has no model_template (lgnmodel:<model>) or pop_name", n->np->file, n->where);
  if (strncmp(s, "lgnmodel:", 9) == 0) s += 9;
  CZ_CHECK(strncmp(s, "audmodel:", 9) != 0, CZ_ERR_CONFIG, "%s: %s: audmodel templates (audio input) are not supported",
           n->np->file, n->where);
  snprintf(name, size, "%s", s);
  return CZ_OK;
}

static cz_status spont_of(const node_ref *n, const char *type, const char *tf, double *spont) {
  double v = NAN;
  if (col_num(n, "spont_fr", &v) && isfinite(v)) return *spont = v, CZ_OK;
  for (size_t i = 0; i < sizeof SPONT / sizeof *SPONT; i++)
    if (strcmp(SPONT[i].type, type) == 0 && strcmp(SPONT[i].tf, tf) == 0) return *spont = SPONT[i].spont, CZ_OK;
  return CZ_ERROR(CZ_ERR_CONFIG, "%s: %s: no spontaneous rate for %s_%s in BMTK's table; give the node a spont_fr",
                  n->np->file, n->where, type, tf);
}

/* ON or OFF unit: TYPE or TYPE_TF, TF8 by default. */
static cz_status single_unit(const node_ref *n, const char *name, cz_fn_params *p) {
  char type[128], tf[128] = "TF8";
  snprintf(type, sizeof type, "%s", name);
  char *us = strchr(type, '_');
  if (us) {
    *us = '\0';
    snprintf(tf, sizeof tf, "%s", us + 1);
  }
  const bool on = strstr(type, "ON") != NULL, off = !on && strstr(type, "OFF") != NULL;
  CZ_CHECK(on || off, CZ_ERR_CONFIG, "%s: %s: model \"%s\" is neither an ON nor an OFF unit", n->np->file, n->where, name);
  p->model = CZ_FN_SINGLE;
  p->amp = on ? 1.0 : -1.0;
  return spont_of(n, type, tf, &p->spont);
}

/* ------------------------------------------------------------------ parameters */

static const char *const DOM_W[] = {"weights", "opt_wts", "weights_dom", NULL};
static const char *const DOM_W2[] = {"weight_dom_0", "weight_dom_1", NULL};
static const char *const DOM_K[] = {"kpeaks", "opt_kpeaks", "kpeaks_dom", NULL};
static const char *const DOM_K2[] = {"kpeaks_dom_0", "kpeaks_dom_1", NULL};
static const char *const DOM_D[] = {"delays", "opt_delays", "delays_dom", NULL};
static const char *const DOM_D2[] = {"delays_dom_0", "delays_dom_1", "delay_dom_0", "delay_dom_1", NULL};
static const char *const ND_W[] = {"weights_non_dom", NULL};
static const char *const ND_W2[] = {"weight_non_dom_0", "weight_non_dom_1", NULL};
static const char *const ND_K[] = {"kpeaks_non_dom", NULL};
static const char *const ND_K2[] = {"kpeaks_non_dom_0", "kpeaks_non_dom_1", NULL};
static const char *const ND_D[] = {"delays_non_dom", NULL};
static const char *const ND_D2[] = {"delay_non_dom_0", "delay_non_dom_1", NULL};
static const char *const NONE[] = {NULL};

static cz_status spatial_size(const node_ref *n, cz_fn_params *p) {
  double s[2] = {1.0, 1.0};
  if (!col_pair_text(n, "spatial_size", s) && !col_pair_text(n, "sigma", s)) {
    CZ_CHECK(!(n->dyn && cJSON_GetObjectItemCaseSensitive(n->dyn, "sigma")), CZ_ERR_CONFIG,
             "%s: %s: a dynamics_params \"sigma\" makes BMTK fail; give spatial_size", n->np->file, n->where);
    if (!json_pair(n->dyn, "spatial_size", s)) s[0] = s[1] = 1.0;
  }
  CZ_CHECK(s[0] > 0 && s[1] > 0 && isfinite(s[0]) && isfinite(s[1]), CZ_ERR_CONFIG,
           "%s: %s: spatial_size (%g, %g) must be positive", n->np->file, n->where, s[0], s[1]);
  p->sigma[0] = s[0] / 3.0, p->sigma[1] = s[1] / 3.0;
  return CZ_OK;
}

static cz_status position(const node_ref *n, cz_fn_params *p) {
  CZ_CHECK(col_num(n, "x", &p->x) && col_num(n, "y", &p->y) && isfinite(p->x) && isfinite(p->y), CZ_ERR_CONFIG,
           "%s: %s: the receptive field's centre (columns x, y) is required", n->np->file, n->where);
  if (!col_num(n, "spatial_rotation", &p->rotation) || !isfinite(p->rotation)) p->rotation = 0;
  return CZ_OK;
}

/* numpy's uniform(x lower, x upper) for each value. */
static void jitter(cz_mt19937 *g, double lo, double hi, double *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const double a = v[i] * lo, b = v[i] * hi;
    v[i] = a + (b - a) * cz_mt_res53(g);
  }
}

static cz_status jitter_bounds(const node_ref *n, bool *on, double *lo, double *hi) {
  const bool hl = cz_circuit_node_has_attr(n->np, n->row, "jitter_lower"), hu = cz_circuit_node_has_attr(n->np, n->row, "jitter_upper");
  CZ_CHECK(hl == hu, CZ_ERR_CONFIG, "%s: %s has %s without %s", n->np->file, n->where,
           hl ? "jitter_lower" : "jitter_upper", hl ? "jitter_upper" : "jitter_lower");
  *on = hl;
  if (hl && !(col_num(n, "jitter_lower", lo) && col_num(n, "jitter_upper", hi)))
    return CZ_ERROR(CZ_ERR_CONFIG, "%s: %s: jitter_lower and jitter_upper must be numbers", n->np->file, n->where);
  return CZ_OK;
}

static cz_status dominant(const node_ref *n, cz_fn_params *p) {
  CZ_TRY(find_pair(n, DOM_W, DOM_W2, n->dyn, "opt_wts", "weights", p->w));
  CZ_TRY(find_pair(n, DOM_K, DOM_K2, n->dyn, "opt_kpeaks", "kpeaks", p->kpeaks));
  return find_pair(n, DOM_D, DOM_D2, n->dyn, "opt_delays", "delays", p->delays);
}

static cz_status non_dominant(const node_ref *n, cz_fn_params *p) {
  CZ_TRY(find_pair(n, ND_W, ND_W2, n->nondom, "opt_wts", "non-dominant weights", p->nd_w));
  CZ_TRY(find_pair(n, ND_K, ND_K2, n->nondom, "opt_kpeaks", "non-dominant kpeaks", p->nd_kpeaks));
  return find_pair(n, ND_D, ND_D2, n->nondom, "opt_delays", "non-dominant delays", p->nd_delays);
}

static cz_status on_off_cell(const node_ref *n, cz_fn_params *p) {
  p->model = CZ_FN_ON_OFF;
  static const char *const W[] = {"weight_dom_0", "weight_dom_1", NULL}, *const K[] = {"kpeaks_dom_0", "kpeaks_dom_1", NULL},
                           *const D[] = {"delay_dom_0", "delay_dom_1", NULL};
  CZ_TRY(find_pair(n, NONE, W, NULL, NULL, "weight_dom_0/1", p->w));
  CZ_TRY(find_pair(n, NONE, K, NULL, NULL, "kpeaks_dom_0/1", p->kpeaks));
  CZ_TRY(find_pair(n, NONE, D, NULL, NULL, "delay_dom_0/1", p->delays));
  CZ_CHECK(col_pair_text(n, "sigma_on", p->sigma_on) && col_pair_text(n, "sigma_off", p->sigma_off), CZ_ERR_CONFIG,
           "%s: %s: an LGNOnOFFCell needs sigma_on and sigma_off (\"(sx, sy)\", degrees)", n->np->file, n->where);
  return CZ_OK;
}

static cz_status check_processing(const node_ref *n) {
  const cz_value mp = cz_circuit_node_attr(n->np, n->row, "model_processing");
  CZ_CHECK(mp.kind != CZ_VAL_STR || !mp.str[0] || strcmp(mp.str, "default") == 0 || strcmp(mp.str, "preset_params") == 0,
           CZ_ERR_CONFIG, "%s: %s: model_processing \"%s\" is a Python function of the user's; Cadenza runs default and "
           "preset_params", n->np->file, n->where, mp.str);
  return CZ_OK;
}

cz_status cz_fn_params_read(const cz_config *cfg, const cz_node_pop *np, size_t row, cz_mt19937 *g,
                            cz_fn_json_cache *cache, cz_fn_params *out) {
  memset(out, 0, sizeof *out);
  node_ref n = {cfg, np, row, cache, NULL, NULL, ""};
  snprintf(n.where, sizeof n.where, "node %llu of %s", (unsigned long long)cz_node_id(np, row), np->name);
  CZ_TRY(check_processing(&n));
  CZ_TRY(load_json(&n, "dynamics_params", &n.dyn));
  CZ_TRY(load_json(&n, "non_dom_params", &n.nondom));
  char name[128];
  CZ_TRY(model_name(&n, name, sizeof name));
  CZ_TRY(position(&n, out));
  bool jit = false;
  double lo = 1, hi = 1;
  CZ_TRY(jitter_bounds(&n, &jit, &lo, &hi));
  const bool two = strcmp(name, "sONsOFF_001") == 0 || strcmp(name, "sONsOFF") == 0 ||
                   strcmp(name, "sONtOFF_001") == 0 || strcmp(name, "sONtOFF") == 0;
  if (strcmp(name, "LGNOnOFFCell") == 0) {
    CZ_TRY(on_off_cell(&n, out));
  } else {
    CZ_TRY(dominant(&n, out));
    CZ_TRY(spatial_size(&n, out));
    if (two) {
      out->model = CZ_FN_TWO_SUBUNIT;
      out->two_kind = strncmp(name, "sONtOFF", 7) == 0;
      out->spont = TWO[out->two_kind].spont;
      CZ_TRY(non_dominant(&n, out));
      CZ_CHECK(col_num(&n, "sf_sep", &out->sf_sep) && isfinite(out->sf_sep), CZ_ERR_CONFIG,
               "%s: %s: a two-subunit unit needs sf_sep (degrees)", np->file, n.where);
    } else {
      CZ_TRY(single_unit(&n, name, out));
    }
  }
  if (jit) { /* BMTK's draws: the dominant set (for every unit), the non-dominant set, sf_sep */
    double dom[6] = {out->w[0], out->w[1], out->kpeaks[0], out->kpeaks[1], out->delays[0], out->delays[1]};
    jitter(g, lo, hi, dom, 6);
    if (out->model != CZ_FN_ON_OFF)
      out->w[0] = dom[0], out->w[1] = dom[1], out->kpeaks[0] = dom[2], out->kpeaks[1] = dom[3], out->delays[0] = dom[4],
      out->delays[1] = dom[5];
    if (two) {
      double nd[6] = {out->nd_w[0], out->nd_w[1], out->nd_kpeaks[0], out->nd_kpeaks[1], out->nd_delays[0], out->nd_delays[1]};
      jitter(g, lo, hi, nd, 6);
      out->nd_w[0] = nd[0], out->nd_w[1] = nd[1], out->nd_kpeaks[0] = nd[2], out->nd_kpeaks[1] = nd[3];
      out->nd_delays[0] = nd[4], out->nd_delays[1] = nd[5];
      jitter(g, lo, hi, &out->sf_sep, 1);
    }
  }
  if (two && !(col_num(&n, "tuning_angle", &out->tuning_angle) && isfinite(out->tuning_angle)))
    out->tuning_angle = 0.0 + (360.0 - 0.0) * cz_mt_res53(g); /* BMTK's random angle when the group has none */
  return CZ_OK;
}

/* ------------------------------------------------------------------ models */

/* BMTK's time-to-zero-crossing t_c and the area before it, of a kernel's first 600 lags. */
static cz_status crossing(const double *k, size_t n, size_t *tc, double *area) {
  const size_t m = n < 600 ? n : 600;
  size_t jmax = 0, jmin = 0;
  for (size_t j = 1; j < m; j++) {
    if (k[j] > k[jmax]) jmax = j;
    if (k[j] < k[jmin]) jmin = j;
  }
  size_t i = 0; /* the first i with k[jmax + i] >= 0 > k[jmax + i + 1], within [jmax, jmin) */
  while (jmax + i + 1 < jmin && !(k[jmax + i] >= 0 && k[jmax + i + 1] < 0)) i++;
  CZ_CHECK(jmax + i + 1 < jmin, CZ_ERR_CONFIG,
           "the kernel does not cross zero between its peak (lag %zu) and trough (lag %zu)", jmax, jmin);
  *tc = jmax + 1 + i;
  double s = 0;
  for (size_t j = 0; j < *tc; j++) s += k[j];
  *area = s;
  return CZ_OK;
}

/* One subunit's kernel shifted to time-to-peak ttp: its delays moved by ttp - t_c. */
static cz_status shifted(const double w[2], const double kp[2], const double d[2], double ttp, double *delays,
                         double *area) {
  double *k = NULL;
  size_t n = 0, tc = 0;
  CZ_TRY(cz_fn_temporal_kernel(w, kp, d, &k, &n));
  const cz_status st = crossing(k, n, &tc, area);
  free(k);
  CZ_TRY(st);
  const double shift = ttp - (double)tc;
  CZ_CHECK(shift >= 0, CZ_ERR_CONFIG, "the kernel crosses zero at %zu ms, after the model's time to peak %g ms", tc, ttp);
  delays[0] = (double)(int)(d[0] + shift), delays[1] = (double)(int)(d[1] + shift);
  return CZ_OK;
}

static cz_status unit(const cz_fn_movie *m, const double w[2], const double kp[2], const double d[2], const double sigma[2],
                      double x, double y, double rot, double amp, cz_fn_unit *u) {
  double *k = NULL;
  size_t n = 0;
  u->amp = amp;
  CZ_TRY(cz_fn_temporal_kernel(w, kp, d, &k, &n));
  cz_status st = cz_fn_temporal_resample(k, n, m->fr, m->T, &u->tk, &u->ntk);
  free(k);
  CZ_TRY(st);
  return cz_fn_spatial_kernel(m, sigma[0], sigma[1], x, y, rot, &u->s);
}

static cz_status two_subunit(const cz_fn_params *p, const cz_fn_movie *m, cz_fn_cell *c) {
  const two_subunit_model *t = &TWO[p->two_kind];
  double don[2], doff[2], son = 0, soff = 0;
  CZ_TRY(shifted(p->nd_w, p->nd_kpeaks, p->nd_delays, t->ttp_on, don, &son));
  CZ_TRY(shifted(p->w, p->kpeaks, p->delays, t->ttp_off, doff, &soff));
  const double a_on = 1.0;
  const double a_off = -t->factor * (t->max_roff / t->max_ron) * (son / soff) * a_on -
                       t->spont * (t->max_roff - t->max_ron) / (t->max_ron * soff);
  const double phi = p->tuning_angle * M_PI / 180.0;
  c->nu = 2;
  CZ_TRY(unit(m, p->w, p->kpeaks, doff, p->sigma, p->x, p->y, p->rotation, a_off, &c->u[0]));
  return unit(m, p->nd_w, p->nd_kpeaks, don, p->sigma, p->x + p->sf_sep * cos(phi), p->y + p->sf_sep * sin(phi),
              p->rotation, a_on, &c->u[1]);
}

cz_status cz_fn_cell_build(const cz_fn_params *p, const cz_fn_movie *m, cz_fn_cell *c) {
  memset(c, 0, sizeof *c);
  c->model = p->model;
  c->spont = p->spont;
  cz_status st = CZ_OK;
  if (p->model == CZ_FN_SINGLE) {
    c->nu = 1;
    st = unit(m, p->w, p->kpeaks, p->delays, p->sigma, p->x, p->y, p->rotation, p->amp, &c->u[0]);
  } else if (p->model == CZ_FN_TWO_SUBUNIT) {
    st = two_subunit(p, m, c);
  } else {
    c->nu = 2;
    st = unit(m, p->w, p->kpeaks, p->delays, p->sigma_on, p->x, p->y, 0.0, 20.0, &c->u[0]);
    if (st == CZ_OK) st = unit(m, p->w, p->kpeaks, p->delays, p->sigma_off, p->x, p->y, 0.0, -20.0, &c->u[1]);
  }
  if (st != CZ_OK) cz_fn_cell_free(c);
  return st;
}

void cz_fn_cell_free(cz_fn_cell *c) {
  for (size_t i = 0; i < 2; i++) {
    free(c->u[i].tk);
    cz_fn_spatial_free(&c->u[i].s);
  }
  memset(c, 0, sizeof *c);
}

/* H(z) z with BMTK's Heaviside (H(0) = 1/2): -0.0 below zero. */
static double relu(double z) { return z > 0 ? z : z < 0 ? -0.0 : 0.5 * z; }

double cz_fn_rate(const cz_fn_cell *c, const double *y) {
  switch (c->model) {
    case CZ_FN_SINGLE: return relu(y[0] + c->spont);
    case CZ_FN_TWO_SUBUNIT: return relu(y[0] + c->spont / 2) + relu(y[1] + c->spont / 2);
    default: return relu(y[0]) + relu(y[1]);
  }
}
