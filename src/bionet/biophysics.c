#include "bionet/biophysics.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/nml.h"

#define NTYPES 4 /* soma, axon, dend, apic */

static cz_status add(cz_bio_recipe *r, cz_bio_setting s) {
  CZ_RESERVE(r->s, r->cap, r->n + 1);
  r->s[r->n++] = s;
  return CZ_OK;
}

bool cz_bio_split_param(const char *name, const cz_mech_kind **mech, int *param) {
  for (const char *u = strchr(name, '_'); u; u = strchr(u + 1, '_')) {
    const cz_mech_kind *k = cz_mech_find(u + 1);
    if (!k) continue;
    char p[64];
    const size_t len = (size_t)(u - name);
    if (len >= sizeof p) return false;
    memcpy(p, name, len);
    p[len] = '\0';
    const int i = cz_mech_param_index(k, p);
    if (i < 0) return false;
    *mech = k;
    *param = i;
    return true;
  }
  return false;
}

/* SWC type of a section-type name (soma, axon, dend, apic; any case), or 0. */
static int32_t type_of(const char *name) {
  static const char *const names[NTYPES] = {"soma", "axon", "dend", "apic"};
  for (int t = 0; t < NTYPES; t++)
    if (strcasecmp(name, names[t]) == 0) return t + 1;
  return 0;
}

/* Adds setting s for the sections a group names: one type, or every type for "all". */
static cz_status add_for_group(cz_bio_recipe *r, const char *group, cz_bio_setting s, const char *where) {
  if (strcasecmp(group, "all") == 0) {
    for (int32_t t = 1; t <= NTYPES; t++) {
      s.type = t;
      CZ_TRY(add(r, s));
    }
    return CZ_OK;
  }
  s.type = type_of(group);
  CZ_CHECK(s.type != 0, CZ_ERR_FORMAT, "%s: %s: segmentGroup '%s' is not soma, axon, dend, apic or all", r->source,
           where, group);
  return add(r, s);
}

/* The leading number of a NeuroML quantity ("0.98 S_per_cm2"), used as NEURON's units. */
static cz_status quantity(const cz_bio_recipe *r, const cz_nml_element *e, const char *attr, double *out) {
  const char *v = cz_nml_attr_value(e, attr);
  CZ_CHECK(v, CZ_ERR_FORMAT, "%s:%zu: <%s> has no %s", r->source, e->line, e->tag, attr);
  char *end = NULL;
  *out = strtod(v, &end);
  CZ_CHECK(end != v && isfinite(*out), CZ_ERR_FORMAT, "%s:%zu: <%s %s=\"%s\">: not a number", r->source, e->line,
           e->tag, attr, v);
  return CZ_OK;
}

static cz_status mech_named(const cz_bio_recipe *r, const cz_nml_element *e, const char *name,
                            const cz_mech_kind **out) {
  *out = cz_mech_find(name);
  CZ_CHECK(*out, CZ_ERR_FORMAT, "%s:%zu: mechanism %s is not one Cadenza has", r->source, e->line, name);
  return CZ_OK;
}

static const char *group_of(const cz_bio_recipe *r, const cz_nml_element *e) {
  (void)r;
  const char *g = cz_nml_attr_value(e, "segmentGroup");
  return g ? g : "all";
}

/* A channelDensity or channelDensityNernst element: pas with g and e, or a channel's density
 * and the reversal potential of its ion (na, k; others, such as Ih's hcn, keep their own). */
static cz_status nml_channel(cz_bio_recipe *r, const cz_nml_element *e, size_t idx) {
  const char *chan = cz_nml_attr_value(e, "ionChannel"), *id = cz_nml_attr_value(e, "id");
  CZ_CHECK(chan && id, CZ_ERR_FORMAT, "%s:%zu: <%s> needs ionChannel and id", r->source, e->line, e->tag);
  const cz_mech_kind *k = NULL;
  CZ_TRY(mech_named(r, e, chan, &k));
  const char *group = group_of(r, e), *ion = cz_nml_attr_value(e, "ion");
  double g = 0, erev = 0;
  CZ_TRY(quantity(r, e, "condDensity", &g));
  const bool has_erev = cz_nml_attr_value(e, "erev") != NULL;
  if (has_erev) CZ_TRY(quantity(r, e, "erev", &erev));
  cz_bio_setting s = {.what = CZ_SET_PARAM, .mech = k, .element = idx};
  if (k == cz_mech_find("pas")) {
    CZ_CHECK(has_erev, CZ_ERR_FORMAT, "%s:%zu: pas needs erev", r->source, e->line);
    s.param = cz_mech_param_index(k, "g");
    s.value = g;
    CZ_TRY(add_for_group(r, group, s, id));
    s.param = cz_mech_param_index(k, "e");
    s.value = erev;
    return add_for_group(r, group, s, id);
  }
  const cz_mech_kind *named = NULL;
  CZ_CHECK(cz_bio_split_param(id, &named, &s.param) && named == k, CZ_ERR_FORMAT,
           "%s:%zu: id %s names no parameter of %s", r->source, e->line, id, chan);
  s.value = g;
  CZ_TRY(add_for_group(r, group, s, id));
  if (ion && has_erev && (strcmp(ion, "na") == 0 || strcmp(ion, "k") == 0)) {
    const cz_bio_setting rev = {.what = strcmp(ion, "na") == 0 ? CZ_SET_ENA : CZ_SET_EK, .value = erev, .element = idx};
    CZ_TRY(add_for_group(r, group, rev, id));
  }
  return CZ_OK;
}

/* A concentrationModel: the mechanism named by its id, with gamma and decay. */
static cz_status nml_concentration(cz_bio_recipe *r, const cz_nml_element *e, size_t idx) {
  const char *id = cz_nml_attr_value(e, "id");
  CZ_CHECK(id, CZ_ERR_FORMAT, "%s:%zu: <concentrationModel> needs an id", r->source, e->line);
  const cz_mech_kind *k = NULL;
  CZ_TRY(mech_named(r, e, id, &k));
  const char *group = group_of(r, e);
  cz_bio_setting s = {.what = CZ_SET_INSERT, .mech = k, .element = idx};
  CZ_TRY(add_for_group(r, group, s, id));
  static const char *const params[] = {"gamma", "decay"};
  for (int p = 0; p < 2; p++) {
    s.what = CZ_SET_PARAM;
    s.param = cz_mech_param_index(k, params[p]);
    CZ_CHECK(s.param >= 0, CZ_ERR_FORMAT, "%s:%zu: %s has no %s", r->source, e->line, id, params[p]);
    CZ_TRY(quantity(r, e, params[p], &s.value));
    CZ_TRY(add_for_group(r, group, s, id));
  }
  return CZ_OK;
}

static cz_status nml_value(cz_bio_recipe *r, const cz_nml_element *e, size_t idx, cz_bio_set_kind what) {
  cz_bio_setting s = {.what = what, .element = idx};
  CZ_TRY(quantity(r, e, "value", &s.value));
  return add_for_group(r, group_of(r, e), s, e->tag);
}

/* BMTK keeps a section's elements in a dictionary keyed by id: an element replaces an earlier
 * one of the same id. */
static void mark_superseded(cz_bio_recipe *r, const cz_nml *doc) {
  for (size_t i = 0; i < r->n; i++)
    for (size_t j = i + 1; j < r->n && !r->s[i].superseded; j++) {
      if (r->s[j].type != r->s[i].type || r->s[j].element == r->s[i].element) continue;
      const char *a = cz_nml_attr_value(&doc->el[r->s[i].element], "id");
      const char *b = cz_nml_attr_value(&doc->el[r->s[j].element], "id");
      if (a && b && strcmp(a, b) == 0) r->s[i].superseded = true;
    }
}

static cz_status nml_elements(cz_bio_recipe *r, const cz_nml *doc) {
  for (size_t i = 0; i < doc->n; i++) {
    const cz_nml_element *e = &doc->el[i];
    const char *tag = strchr(e->tag, ':') ? strchr(e->tag, ':') + 1 : e->tag;
    if (strcmp(tag, "channelDensity") == 0 || strcmp(tag, "channelDensityNernst") == 0) CZ_TRY(nml_channel(r, e, i));
    else if (strcmp(tag, "concentrationModel") == 0) CZ_TRY(nml_concentration(r, e, i));
    else if (strcmp(tag, "resistivity") == 0) CZ_TRY(nml_value(r, e, i, CZ_SET_RA));
    else if (strcmp(tag, "specificCapacitance") == 0) CZ_TRY(nml_value(r, e, i, CZ_SET_CM));
  }
  mark_superseded(r, doc);
  return CZ_OK;
}

cz_status cz_bio_recipe_from_nml(const char *path, cz_bio_recipe *r) {
  memset(r, 0, sizeof *r);
  CZ_TRY(cz_strdup(path, &r->source));
  cz_nml *doc = NULL;
  cz_status st = cz_nml_read(path, &doc);
  if (st == CZ_OK) st = nml_elements(r, doc);
  cz_nml_free(&doc);
  if (st != CZ_OK) cz_bio_recipe_free(r);
  return st;
}

/* ---- Allen fit JSON ---- */

static cz_status json_number(const cz_bio_recipe *r, const cJSON *o, const char *key, const char *where, double *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (cJSON_IsString(v)) { /* all-active files may write numbers as strings */
    char *end = NULL;
    *out = strtod(v->valuestring, &end);
    CZ_CHECK(end != v->valuestring && *end == '\0' && isfinite(*out), CZ_ERR_FORMAT,
             "%s: %s.%s = \"%s\" is not a number", r->source, where, key, v->valuestring);
    return CZ_OK;
  }
  CZ_CHECK(cJSON_IsNumber(v) && isfinite(v->valuedouble), CZ_ERR_FORMAT, "%s: %s.%s must be a number", r->source,
           where, key);
  *out = v->valuedouble;
  return CZ_OK;
}

static cz_status json_section_type(const cz_bio_recipe *r, const cJSON *o, const char *where, int32_t *type) {
  const cJSON *sec = cJSON_GetObjectItemCaseSensitive(o, "section");
  CZ_CHECK(cJSON_IsString(sec), CZ_ERR_FORMAT, "%s: %s.section must be a string", r->source, where);
  *type = type_of(sec->valuestring);
  CZ_CHECK(*type != 0, CZ_ERR_FORMAT, "%s: %s.section '%s' is not soma, axon, dend or apic", r->source, where,
           sec->valuestring);
  return CZ_OK;
}

static cz_status add_every_type(cz_bio_recipe *r, cz_bio_setting s) {
  for (int32_t t = 1; t <= NTYPES; t++) {
    s.type = t;
    CZ_TRY(add(r, s));
  }
  return CZ_OK;
}

/* passive[0]: Ra everywhere, cm per section type, pas everywhere with e_pas. */
static cz_status allen_passive(cz_bio_recipe *r, const cJSON *root, bool allactive) {
  const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "passive"), 0);
  CZ_CHECK(cJSON_IsObject(p), CZ_ERR_FORMAT, "%s: no passive[0] object", r->source);
  const cz_mech_kind *pas = cz_mech_find("pas");
  CZ_TRY(add_every_type(r, (cz_bio_setting){.what = CZ_SET_INSERT, .mech = pas}));
  if (!allactive || cJSON_GetObjectItemCaseSensitive(p, "e_pas")) {
    double e_pas = 0;
    CZ_TRY(json_number(r, p, "e_pas", "passive[0]", &e_pas));
    const cz_bio_setting s = {.what = CZ_SET_PARAM, .mech = pas, .param = cz_mech_param_index(pas, "e"), .value = e_pas};
    CZ_TRY(add_every_type(r, s));
  }
  if (!allactive || cJSON_GetObjectItemCaseSensitive(p, "ra")) {
    double ra = 0;
    CZ_TRY(json_number(r, p, "ra", "passive[0]", &ra));
    CZ_TRY(add_every_type(r, (cz_bio_setting){.what = CZ_SET_RA, .value = ra}));
  }
  const cJSON *cms = cJSON_GetObjectItemCaseSensitive(p, "cm"), *c = NULL;
  CZ_CHECK(allactive || cJSON_IsArray(cms), CZ_ERR_FORMAT, "%s: passive[0].cm must be a list", r->source);
  cJSON_ArrayForEach(c, cms) {
    cz_bio_setting s = {.what = CZ_SET_CM};
    CZ_TRY(json_section_type(r, c, "passive[0].cm[]", &s.type));
    CZ_TRY(json_number(r, c, "cm", "passive[0].cm[]", &s.value));
    CZ_TRY(add(r, s));
  }
  return CZ_OK;
}

/* One genome entry: insert its mechanism, set its range parameter (or cm, Ra) in its type. */
static cz_status allen_gene(cz_bio_recipe *r, const cJSON *g) {
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(g, "name"), *mech = cJSON_GetObjectItemCaseSensitive(g, "mechanism");
  CZ_CHECK(cJSON_IsString(name), CZ_ERR_FORMAT, "%s: a genome entry has no name", r->source);
  const cJSON *sec = cJSON_GetObjectItemCaseSensitive(g, "section");
  if (cJSON_IsString(sec) && strcmp(sec->valuestring, "glob") == 0) return CZ_OK; /* BMTK skips these */
  cz_bio_setting s = {0};
  CZ_TRY(json_section_type(r, g, name->valuestring, &s.type));
  CZ_TRY(json_number(r, g, "value", name->valuestring, &s.value));
  if (cJSON_IsString(mech) && mech->valuestring[0]) {
    const cz_mech_kind *k = cz_mech_find(mech->valuestring);
    CZ_CHECK(k, CZ_ERR_FORMAT, "%s: genome: mechanism %s is not one Cadenza has", r->source, mech->valuestring);
    CZ_TRY(add(r, (cz_bio_setting){.what = CZ_SET_INSERT, .type = s.type, .mech = k}));
  }
  if (strcmp(name->valuestring, "cm") == 0) s.what = CZ_SET_CM;
  else if (strcmp(name->valuestring, "Ra") == 0) s.what = CZ_SET_RA;
  else {
    s.what = CZ_SET_PARAM;
    CZ_CHECK(cz_bio_split_param(name->valuestring, &s.mech, &s.param), CZ_ERR_FORMAT,
             "%s: genome: %s is no parameter of a mechanism Cadenza has", r->source, name->valuestring);
  }
  return add(r, s);
}

static cz_status allen_erev(cz_bio_recipe *r, const cJSON *root) {
  const cJSON *cond = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "conditions"), 0), *e = NULL;
  cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(cond, "erev")) {
    int32_t type = 0;
    CZ_TRY(json_section_type(r, e, "conditions[0].erev[]", &type));
    static const char *const keys[2] = {"ena", "ek"};
    for (int k = 0; k < 2; k++) {
      if (!cJSON_GetObjectItemCaseSensitive(e, keys[k])) continue;
      cz_bio_setting s = {.what = k == 0 ? CZ_SET_ENA : CZ_SET_EK, .type = type};
      CZ_TRY(json_number(r, e, keys[k], "conditions[0].erev[]", &s.value));
      CZ_TRY(add(r, s));
    }
  }
  return CZ_OK;
}

static cz_status allen_settings(cz_bio_recipe *r, const cJSON *root, bool allactive) {
  CZ_TRY(allen_passive(r, root, allactive));
  const cJSON *g = NULL;
  cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(root, "genome")) CZ_TRY(allen_gene(r, g));
  return allen_erev(r, root);
}

cz_status cz_bio_recipe_from_allen(const char *path, bool allactive, cz_bio_recipe *r) {
  memset(r, 0, sizeof *r);
  CZ_TRY(cz_strdup(path, &r->source));
  char *text = NULL;
  size_t len = 0;
  cz_status st = cz_read_file(path, &text, &len);
  cJSON *root = st == CZ_OK ? cJSON_Parse(text) : NULL;
  if (st == CZ_OK && !root) st = CZ_ERROR(CZ_ERR_FORMAT, "%s: not valid JSON", path);
  if (st == CZ_OK) st = allen_settings(r, root, allactive);
  cJSON_Delete(root);
  free(text);
  if (st != CZ_OK) cz_bio_recipe_free(r);
  return st;
}

void cz_bio_recipe_free(cz_bio_recipe *r) {
  free(r->source);
  free(r->s);
  memset(r, 0, sizeof *r);
}

void cz_bio_recipe_apply(const cz_bio_recipe *r, int32_t type, cz_bio_section_props *out) {
  memset(out, 0, sizeof *out);
  *out = (cz_bio_section_props){.Ra = 35.4, .cm = 1.0, .ena = 50.0, .ek = -77.0};
  for (int o = 0; o < cz_mech_nkinds(); o++) {
    const cz_mech_kind *k = cz_mech_kind_at(o);
    for (size_t p = 0; p < k->nparam; p++) out->param[o][p] = k->param_default[p];
  }
  for (size_t i = 0; i < r->n; i++) {
    const cz_bio_setting *s = &r->s[i];
    if (s->type != type || s->superseded) continue;
    switch (s->what) {
    case CZ_SET_RA: out->Ra = s->value; break;
    case CZ_SET_CM: out->cm = s->value; break;
    case CZ_SET_ENA: out->ena = s->value; break;
    case CZ_SET_EK: out->ek = s->value; break;
    case CZ_SET_INSERT: out->inserted[cz_mech_order(s->mech)] = true; break;
    case CZ_SET_PARAM:
      out->inserted[cz_mech_order(s->mech)] = true;
      out->param[cz_mech_order(s->mech)][s->param] = s->value;
      break;
    }
  }
}
