#include "bionet/report_elements.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"

enum { ION_CA = 1, ION_NA = 2, ION_K = 4 };

/* The ions each mechanism uses (USEION in its NMODL file). */
static const struct {
  const char *mech;
  uint8_t ions;
} ION_USE[] = {{"CaDynamics", ION_CA}, {"Ca_HVA", ION_CA}, {"Ca_LVA", ION_CA},  {"SK", ION_CA | ION_K},
               {"NaTs", ION_NA},       {"NaTa", ION_NA},   {"Nap", ION_NA},     {"NaV", ION_NA},
               {"hh", ION_NA | ION_K}, {"K_P", ION_K},     {"K_T", ION_K},      {"Kd", ION_K},
               {"Kv2like", ION_K},     {"Kv3_1", ION_K},   {"Im", ION_K},       {"Im_v2", ION_K}};

static uint8_t ions_of(const cz_mech_kind *k) {
  for (size_t i = 0; i < sizeof ION_USE / sizeof *ION_USE; i++)
    if (strcmp(ION_USE[i].mech, k->name) == 0) return ION_USE[i].ions;
  return 0;
}

cz_status cz_bio_var_parse(const char *name, const char *where, cz_bio_var *out) {
  static const struct {
    const char *name, *units;
    cz_bio_var_kind kind;
  } plain[] = {{"v", "mV", CZ_BVAR_V},          {"cai", "mM", CZ_BVAR_CAI},     {"ica", "mA/cm2", CZ_BVAR_ICA},
               {"ina", "mA/cm2", CZ_BVAR_INA},   {"ik", "mA/cm2", CZ_BVAR_IK},   {"eca", "mV", CZ_BVAR_ECA}};
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
    if (strcmp(name, plain[i].name) == 0) {
      out->kind = plain[i].kind;
      out->units = plain[i].units;
      return CZ_OK;
    }
  /* <state>_<mechanism>: the mechanism is the longest suffix after an underscore that names one. */
  for (const char *u = strchr(name, '_'); u; u = strchr(u + 1, '_')) {
    const cz_mech_kind *k = cz_mech_find(u + 1);
    if (!k) continue;
    char state[64];
    const size_t n = (size_t)(u - name);
    if (n == 0 || n >= sizeof state) break;
    memcpy(state, name, n);
    state[n] = '\0';
    const int s = cz_mech_state_index(k, state);
    if (s < 0) break;
    *out = (cz_bio_var){CZ_BVAR_STATE, k, s, "1"};
    return CZ_OK;
  }
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: variable_name \"%s\" is not a variable Cadenza records from detailed cells (v, cai, ica, ina, ik, "
                  "eca, or <state>_<mechanism> such as m_NaTs)",
                  where, name);
}

/* The SWC types a section name stands for (a bit mask; 0 for none). */
static uint32_t types_named(const char *name) {
  static const struct {
    const char *name;
    uint32_t bits;
  } names[] = {{"soma", 1u << 1},           {"somatic", 1u << 1},        {"axon", 1u << 2},
               {"axonal", 1u << 2},         {"dend", 1u << 3},           {"basal", 1u << 3},
               {"basal dendrite", 1u << 3}, {"(basal) dendrite", 1u << 3}, {"apic", 1u << 4},
               {"apical", 1u << 4},         {"apical denrite", 1u << 4},  {"custom", 1u},
               {"other", 1u},               {"all", 0x1fu}};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcasecmp(name, names[i].name) == 0) return names[i].bits;
  return 0;
}

cz_status cz_bio_sections_parse(const cJSON *j, const char *where, cz_bio_sections *out) {
  memset(out, 0, sizeof *out);
  if (!j || (cJSON_IsArray(j) && cJSON_GetArraySize(j) == 0)) {
    out->types = 0x1fu;
    return CZ_OK;
  }
  if (cJSON_IsString(j)) {
    out->soma_centre = strcmp(j->valuestring, "soma") == 0;
    out->types = types_named(j->valuestring);
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsArray(j), CZ_ERR_CONFIG, "%s.sections must be a name or a list of names", where);
  const cJSON *e = NULL;
  cJSON_ArrayForEach(e, j) {
    CZ_CHECK(cJSON_IsString(e), CZ_ERR_CONFIG, "%s.sections must be a name or a list of names", where);
    out->types |= types_named(e->valuestring);
  }
  return CZ_OK;
}

cz_status cz_bio_var_index_build(const cz_bio_cells *g, cz_bio_var_index *out) {
  memset(out, 0, sizeof *out);
  out->g = g;
  CZ_NEW(out->ions, g->cable.n + 1);
  for (int o = 0; o < cz_mech_nkinds(); o++) {
    const cz_mech *m = &g->mech[o];
    const uint8_t ions = m->n ? ions_of(m->kind) : 0;
    for (size_t i = 0; ions && i < m->n; i++) out->ions[m->node[i]] |= ions;
  }
  return CZ_OK;
}

void cz_bio_var_index_free(cz_bio_var_index *x) {
  free(x->ions);
  for (int o = 0; o < CZ_MECH_MAX_KINDS; o++) free(x->inst[o]);
  memset(x, 0, sizeof *x);
}

/* The instance of the variable's mechanism at every node (UINT32_MAX where it is not). */
static cz_status instances(cz_bio_var_index *x, int o, const uint32_t **out) {
  if (!x->inst[o]) {
    const cz_mech *m = &x->g->mech[o];
    CZ_NEW(x->inst[o], x->g->cable.n + 1);
    for (size_t i = 0; i < x->g->cable.n; i++) x->inst[o][i] = UINT32_MAX;
    for (size_t i = 0; i < m->n; i++) x->inst[o][m->node[i]] = (uint32_t)i;
  }
  *out = x->inst[o];
  return CZ_OK;
}

/* Where the variable lies at node i (NULL: it does not exist there). */
static const double *source(cz_bio_var_index *x, const cz_bio_var *var, uint32_t i, const uint32_t *inst) {
  const cz_bio_cells *g = x->g;
  switch (var->kind) {
    case CZ_BVAR_V: return &g->cable.v[i];
    case CZ_BVAR_CAI: return x->ions[i] & ION_CA ? &g->ions.cai[i] : NULL;
    case CZ_BVAR_ICA: return x->ions[i] & ION_CA ? &g->ions.ica[i] : NULL;
    case CZ_BVAR_ECA: return x->ions[i] & ION_CA ? &g->ions.eca[i] : NULL;
    case CZ_BVAR_INA: return x->ions[i] & ION_NA ? &g->ions.ina[i] : NULL;
    case CZ_BVAR_IK: return x->ions[i] & ION_K ? &g->ions.ik[i] : NULL;
    case CZ_BVAR_STATE: {
      const int o = cz_mech_order(var->mech);
      return inst[i] == UINT32_MAX ? NULL : &g->mech[o].s[var->state][inst[i]];
    }
  }
  return NULL;
}

static bool selected(const cz_bio_sections *sec, int32_t type) {
  const uint32_t bit = type >= 1 && type <= 4 ? 1u << type : 1u;
  return (sec->types & bit) != 0;
}

cz_status cz_bio_cell_elements(cz_bio_var_index *x, size_t cell, const cz_bio_sections *sec, const cz_bio_var *var,
                               const char *where, cz_bio_element **out, size_t *n) {
  const cz_cell_nodes *map = &x->g->map[cell];
  const uint32_t *inst = NULL;
  if (var->kind == CZ_BVAR_STATE) CZ_TRY(instances(x, cz_mech_order(var->mech), &inst));
  size_t count = 0;
  if (sec->soma_centre) count = 1;
  else
    for (size_t s = 0; s < map->nsec; s++) count += selected(sec, map->type[s]) ? map->nseg[s] : 0;
  CZ_NEW(*out, count + 1);
  size_t k = 0;
  for (size_t s = 0; s < map->nsec && k < count; s++) {
    if (!sec->soma_centre && !selected(sec, map->type[s])) continue;
    const uint32_t nseg = sec->soma_centre ? 1 : map->nseg[s];
    for (uint32_t q = 0; q < nseg; q++, k++) {
      const uint32_t node = sec->soma_centre ? x->g->soma[cell] : (uint32_t)cz_cell_centre(map, s, q);
      const double *src = source(x, var, node, inst);
      if (!src) {
        char type[32];
        cz_morph_type_name(map->type[s], type, sizeof type);
        free(*out);
        *out = NULL;
        return CZ_ERROR(CZ_ERR_CONFIG, "%s: section %s[%u] has no such variable (no mechanism there makes it)", where, type,
                        map->index[s]);
      }
      (*out)[k] = (cz_bio_element){(uint32_t)s, sec->soma_centre ? 0.5 : (q + 0.5) / nseg, map->type[s], src};
    }
  }
  *n = count;
  return CZ_OK;
}
