#include "pointnet/models/synapse.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include <cjson/cJSON.h>

static const char *const k_rule_names[] = {"static_synapse", "stdp_synapse", "tsodyks_synapse", "tsodyks2_synapse",
                                           "stdp_pl_synapse_hom"};

/* Names of the same rules: NEST's HPC variant stores its target compactly and is otherwise
 * stdp_pl_synapse_hom. */
static const struct {
  const char *name;
  cz_syn_rule rule;
} k_aliases[] = {{"stdp_pl_synapse_hom_hpc", CZ_SYN_STDP_PL}};

static const char *const k_static_keys[] = {"weight", "delay", "receptor_type", NULL};
static const char *const k_stdp_keys[] = {"weight", "delay", "receptor_type", "tau_plus", "lambda", "alpha",
                                          "mu_plus", "mu_minus", "Wmax", "Kplus", NULL};
static const char *const k_tsodyks_keys[] = {"weight", "delay", "receptor_type", "U", "tau_psc", "tau_fac",
                                             "tau_rec", "x", "y", "u", NULL};
static const char *const k_stdp_pl_keys[] = {"weight", "delay", "receptor_type", "tau_plus", "lambda",
                                             "alpha",  "mu",    "Kplus",         NULL};
static const char *const k_tsodyks2_keys[] = {"weight", "delay", "receptor_type", "U", "u", "x", "tau_rec",
                                              "tau_fac", NULL};

static const char *const *keys_of(cz_syn_rule r) {
  switch (r) {
  case CZ_SYN_STDP: return k_stdp_keys;
  case CZ_SYN_TSODYKS: return k_tsodyks_keys;
  case CZ_SYN_TSODYKS2: return k_tsodyks2_keys;
  case CZ_SYN_STDP_PL: return k_stdp_pl_keys;
  default: return k_static_keys;
  }
}

const char *cz_syn_rule_name(cz_syn_rule r) { return k_rule_names[r]; }

cz_status cz_syn_rule_of(const char *model, const char *where, cz_syn_rule *out) {
  for (int r = 0; r < CZ_SYN_NRULES; r++)
    if (model && strcmp(model, k_rule_names[r]) == 0) {
      *out = (cz_syn_rule)r;
      return CZ_OK;
    }
  for (size_t a = 0; a < sizeof k_aliases / sizeof k_aliases[0]; a++)
    if (model && strcmp(model, k_aliases[a].name) == 0) {
      *out = k_aliases[a].rule;
      return CZ_OK;
    }
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: model_template '%s' is not a supported synapse model (known: static_synapse, stdp_synapse, "
                  "stdp_pl_synapse_hom, stdp_pl_synapse_hom_hpc, tsodyks_synapse, tsodyks2_synapse, and the names "
                  "weight_recorder reports give them)",
                  where, model ? model : "(none)");
}

static void set_defaults(cz_syn_rule rule, cz_syn_params *p) {
  memset(p, 0, sizeof *p);
  p->rule = rule;
  p->tau_plus = 20.0;
  p->lambda = rule == CZ_SYN_STDP_PL ? 0.1 : 0.01;
  p->mu = 0.4;
  p->alpha = 1.0;
  p->mu_plus = 1.0;
  p->mu_minus = 1.0;
  p->Wmax = 100.0;
  p->Kplus = 0.0;
  p->U = 0.5;
  p->tau_psc = 3.0;
  p->tau_fac = 0.0;
  p->tau_rec = 800.0;
  p->x = 1.0;
  p->y = 0.0;
  p->u = rule == CZ_SYN_TSODYKS2 ? 0.5 : 0.0;
}

static bool is_key(const char *const *keys, const char *k) {
  for (; *keys; keys++)
    if (strcmp(*keys, k) == 0) return true;
  return false;
}

static double *field_of(cz_syn_params *p, const char *k) {
  static const struct {
    const char *name;
    size_t off;
  } fields[] = {
      {"tau_plus", offsetof(cz_syn_params, tau_plus)}, {"lambda", offsetof(cz_syn_params, lambda)},
      {"alpha", offsetof(cz_syn_params, alpha)},       {"mu_plus", offsetof(cz_syn_params, mu_plus)},
      {"mu_minus", offsetof(cz_syn_params, mu_minus)}, {"Wmax", offsetof(cz_syn_params, Wmax)},
      {"Kplus", offsetof(cz_syn_params, Kplus)},       {"U", offsetof(cz_syn_params, U)},
      {"tau_psc", offsetof(cz_syn_params, tau_psc)},   {"tau_fac", offsetof(cz_syn_params, tau_fac)},
      {"tau_rec", offsetof(cz_syn_params, tau_rec)},   {"x", offsetof(cz_syn_params, x)},
      {"y", offsetof(cz_syn_params, y)},               {"u", offsetof(cz_syn_params, u)},
      {"mu", offsetof(cz_syn_params, mu)},
  };
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (strcmp(fields[i].name, k) == 0) return (double *)((char *)p + fields[i].off);
  return NULL;
}

static cz_status read_key(cz_syn_params *p, const cJSON *item, const char *file) {
  const char *k = item->string ? item->string : "";
  const char *model = k_rule_names[p->rule];
  CZ_CHECK(is_key(keys_of(p->rule), k), CZ_ERR_CONFIG, "%s: %s has no parameter \"%s\"", file, model, k);
  if (strcmp(k, "weight") == 0 || strcmp(k, "delay") == 0) return CZ_OK; /* replaced by the edge's values */
  CZ_CHECK(cJSON_IsNumber(item) && isfinite(item->valuedouble), CZ_ERR_CONFIG,
           "%s: %s parameter \"%s\" must be a finite number", file, model, k);
  if (strcmp(k, "receptor_type") == 0) {
    CZ_CHECK(item->valuedouble >= 0 && item->valuedouble <= 255 && item->valuedouble == floor(item->valuedouble),
             CZ_ERR_CONFIG, "%s: receptor_type must be a whole number from 0 to 255", file);
    p->receptor = (int)item->valuedouble;
    return CZ_OK;
  }
  *field_of(p, k) = item->valuedouble;
  return CZ_OK;
}

/* The ranges NEST accepts, plus positive time constants (a zero or negative one has no
 * meaning and would produce infinities). */
static cz_status validate(const cz_syn_params *p, const char *file) {
  const char *model = k_rule_names[p->rule];
#define SYN_REQUIRE(cond, ...) CZ_CHECK(cond, CZ_ERR_CONFIG, "%s: %s: " __VA_ARGS__)
  switch (p->rule) {
  case CZ_SYN_STDP:
    SYN_REQUIRE(p->tau_plus > 0, "tau_plus must be > 0 ms (got %g)", file, model, p->tau_plus);
    SYN_REQUIRE(p->Kplus >= 0, "Kplus must be >= 0 (got %g)", file, model, p->Kplus);
    SYN_REQUIRE(p->Wmax != 0, "Wmax must not be 0", file, model);
    break;
  case CZ_SYN_STDP_PL:
    SYN_REQUIRE(p->tau_plus > 0, "tau_plus must be > 0 ms (got %g)", file, model, p->tau_plus);
    SYN_REQUIRE(p->Kplus >= 0, "Kplus must be >= 0 (got %g)", file, model, p->Kplus);
    break;
  case CZ_SYN_TSODYKS:
    SYN_REQUIRE(p->U >= 0 && p->U <= 1, "U must be in [0, 1] (got %g)", file, model, p->U);
    SYN_REQUIRE(p->tau_psc > 0, "tau_psc must be > 0 ms (got %g)", file, model, p->tau_psc);
    SYN_REQUIRE(p->tau_rec > 0, "tau_rec must be > 0 ms (got %g)", file, model, p->tau_rec);
    SYN_REQUIRE(p->tau_fac >= 0, "tau_fac must be >= 0 ms (got %g)", file, model, p->tau_fac);
    SYN_REQUIRE(p->tau_psc != p->tau_rec, "tau_psc and tau_rec must differ (both %g ms)", file, model, p->tau_rec);
    SYN_REQUIRE(p->x >= 0 && p->y >= 0 && p->x + p->y <= 1, "x, y must be >= 0 with x + y <= 1 (got %g, %g)", file,
                model, p->x, p->y);
    SYN_REQUIRE(p->u >= 0 && p->u <= 1, "u must be in [0, 1] (got %g)", file, model, p->u);
    break;
  case CZ_SYN_TSODYKS2:
    SYN_REQUIRE(p->U >= 0 && p->U <= 1, "U must be in [0, 1] (got %g)", file, model, p->U);
    SYN_REQUIRE(p->u >= 0 && p->u <= 1, "u must be in [0, 1] (got %g)", file, model, p->u);
    SYN_REQUIRE(p->tau_rec > 0, "tau_rec must be > 0 ms (got %g)", file, model, p->tau_rec);
    SYN_REQUIRE(p->tau_fac >= 0, "tau_fac must be >= 0 ms (got %g)", file, model, p->tau_fac);
    break;
  default: break;
  }
#undef SYN_REQUIRE
  return CZ_OK;
}

cz_status cz_syn_params_read(cz_syn_rule rule, const cJSON *params, const char *file, cz_syn_params *out) {
  set_defaults(rule, out);
  if (!params) return CZ_OK;
  CZ_CHECK(cJSON_IsObject(params), CZ_ERR_CONFIG, "%s: synapse parameters must be a JSON object", file);
  const cJSON *item = NULL;
  cJSON_ArrayForEach(item, params) CZ_TRY(read_key(out, item, file));
  return validate(out, file);
}

bool cz_syn_weight_ok(const cz_syn_params *p, double w) {
  if (!isfinite(w)) return false;
  if (p->rule == CZ_SYN_STDP_PL) return w >= 0; /* w^mu */
  if (p->rule != CZ_SYN_STDP) return true;
  return (w >= 0) == (p->Wmax >= 0);
}

cz_syn_state cz_syn_initial_state(const cz_syn_params *p, double w) {
  cz_syn_state s = {w, 0, 0, 0, 0.0};
  switch (p->rule) {
  case CZ_SYN_STDP:
  case CZ_SYN_STDP_PL: s.a = p->Kplus; break;
  case CZ_SYN_TSODYKS:
    s.a = p->x;
    s.b = p->y;
    s.c = p->u;
    break;
  case CZ_SYN_TSODYKS2:
    s.a = p->x;
    s.c = p->u;
    s.t_last = -1.0; /* no spike yet: the first one uses the initial x and u */
    break;
  default: break;
  }
  return s;
}

double cz_stdp_facilitate(const cz_syn_params *p, double w, double kplus) {
  const double norm_w = (w / p->Wmax) + (p->lambda * pow(1.0 - (w / p->Wmax), p->mu_plus) * kplus);
  return norm_w < 1.0 ? norm_w * p->Wmax : p->Wmax;
}

double cz_stdp_depress(const cz_syn_params *p, double w, double kminus) {
  const double norm_w = (w / p->Wmax) - (p->alpha * p->lambda * pow(w / p->Wmax, p->mu_minus) * kminus);
  return norm_w > 0.0 ? norm_w * p->Wmax : 0.0;
}

static double stdp_send(const cz_syn_params *p, cz_syn_state *s, double t, double d, cz_post_archive *post) {
  size_t i0, i1;
  cz_post_archive_window(post, s->t_last - d, t - d, &i0, &i1);
  for (size_t i = i0; i < i1; i++) {
    const double minus_dt = s->t_last - (post->e[i].t + d);
    s->w = cz_stdp_facilitate(p, s->w, s->a * exp(minus_dt / p->tau_plus));
  }
  s->w = cz_stdp_depress(p, s->w, cz_post_archive_kminus(post, t - d));
  s->a = s->a * exp((s->t_last - t) / p->tau_plus) + 1.0;
  s->t_last = t;
  return s->w;
}

double cz_stdp_pl_facilitate(const cz_syn_params *p, double w, double kplus) {
  return w + (p->lambda * pow(w, p->mu) * kplus);
}

double cz_stdp_pl_depress(const cz_syn_params *p, double w, double kminus) {
  const double new_w = w - (p->lambda * p->alpha * w * kminus);
  return new_w > 0.0 ? new_w : 0.0;
}

static double stdp_pl_send(const cz_syn_params *p, cz_syn_state *s, double t, double d, cz_post_archive *post) {
  const double tau_plus_inv = 1.0 / p->tau_plus;
  size_t i0, i1;
  cz_post_archive_window(post, s->t_last - d, t - d, &i0, &i1);
  for (size_t i = i0; i < i1; i++) {
    const double minus_dt = s->t_last - (post->e[i].t + d);
    s->w = cz_stdp_pl_facilitate(p, s->w, s->a * exp(minus_dt * tau_plus_inv));
  }
  s->w = cz_stdp_pl_depress(p, s->w, cz_post_archive_kminus(post, t - d));
  s->a = s->a * exp((s->t_last - t) * tau_plus_inv) + 1.0;
  s->t_last = t;
  return s->w;
}

static double tsodyks_send(const cz_syn_params *p, cz_syn_state *s, double t) {
  const double h = t - s->t_last;
  const double Puu = p->tau_fac == 0.0 ? 0.0 : exp(-h / p->tau_fac);
  const double Pyy = exp(-h / p->tau_psc);
  const double Pzz = expm1(-h / p->tau_rec);
  const double Pxy = (Pzz * p->tau_rec - (Pyy - 1.0) * p->tau_psc) / (p->tau_psc - p->tau_rec);
  double x = s->a, y = s->b, u = s->c;
  const double z = 1.0 - x - y;
  u *= Puu; /* the order of these three matters: each uses the values before the others */
  x += Pxy * y - Pzz * z;
  y *= Pyy;
  u += p->U * (1.0 - u);
  const double released = u * x;
  x -= released;
  y += released;
  s->a = x;
  s->b = y;
  s->c = u;
  s->t_last = t;
  return released * s->w;
}

static double tsodyks2_send(const cz_syn_params *p, cz_syn_state *s, double t) {
  if (s->t_last >= 0.0) {
    const double h = t - s->t_last;
    const double x_decay = exp(-h / p->tau_rec);
    const double u_decay = p->tau_fac == 0.0 ? 0.0 : exp(-h / p->tau_fac);
    s->a = 1.0 + (s->a - s->a * s->c - 1.0) * x_decay;
    s->c = p->U + s->c * (1.0 - p->U) * u_decay;
  }
  s->t_last = t;
  return s->a * s->c * s->w;
}

double cz_syn_send(const cz_syn_params *p, cz_syn_state *s, double t_ms, double delay_ms, cz_post_archive *post) {
  switch (p->rule) {
  case CZ_SYN_STDP: return stdp_send(p, s, t_ms, delay_ms, post);
  case CZ_SYN_STDP_PL: return stdp_pl_send(p, s, t_ms, delay_ms, post);
  case CZ_SYN_TSODYKS: return tsodyks_send(p, s, t_ms);
  case CZ_SYN_TSODYKS2: return tsodyks2_send(p, s, t_ms);
  default: return s->w;
  }
}
