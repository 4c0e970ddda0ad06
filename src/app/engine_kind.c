#include "app/engine_kind.h"

#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "bionet/engine.h"
#include "filternet/engine.h"
#include "popnet/engine.h"
#include "pointnet/engine.h"

typedef struct named_engine {
  const char *name;
  cz_engine_id engine;
} named_engine;

static cz_engine_id lookup(const char *name, const named_engine *table) {
  for (; table->name; table++)
    if (strcasecmp(name, table->name) == 0) return table->engine;
  return CZ_ENGINE_UNSAID;
}

static const named_engine SIMULATORS[] = {{"NEST", CZ_ENGINE_POINT},        {"NEURON", CZ_ENGINE_BIONET},
                                          {"CORENEURON", CZ_ENGINE_BIONET}, {"LGNModel", CZ_ENGINE_FILTERNET},
                                          {"DiPDE", CZ_ENGINE_POPNET},      {NULL, CZ_ENGINE_UNSAID}};
static const named_engine MODEL_TYPES[] = {{"biophysical", CZ_ENGINE_BIONET},
                                           {"point_soma", CZ_ENGINE_BIONET},
                                           {"population", CZ_ENGINE_POPNET},
                                           {NULL, CZ_ENGINE_UNSAID}};
static const named_engine SCHEMAS[] = {{"nest", CZ_ENGINE_POINT},       {"ctdb", CZ_ENGINE_BIONET},
                                       {"nrn", CZ_ENGINE_BIONET},       {"hoc", CZ_ENGINE_BIONET},
                                       {"nml", CZ_ENGINE_BIONET},       {"lgnmodel", CZ_ENGINE_FILTERNET},
                                       {"dipde", CZ_ENGINE_POPNET},     {NULL, CZ_ENGINE_UNSAID}};

const char *cz_engine_name(cz_engine_id e) {
  switch (e) {
    case CZ_ENGINE_POINT: return "PointNet (NEST)";
    case CZ_ENGINE_BIONET: return "BioNet (NEURON)";
    case CZ_ENGINE_FILTERNET: return "FilterNet (LGNModel)";
    case CZ_ENGINE_POPNET: return "PopNet (DiPDE)";
    default: return "no engine";
  }
}

const cz_engine_kind *cz_engine_kind_of(cz_engine_id e) {
  switch (e) {
    case CZ_ENGINE_POINT: return &cz_point_engine_kind;
    case CZ_ENGINE_BIONET: return &cz_bionet_engine_kind;
    case CZ_ENGINE_POPNET: return &cz_popnet_engine_kind;
    case CZ_ENGINE_FILTERNET: return &cz_filternet_engine_kind;
    default: return NULL;
  }
}

/* The engine of a model_template's schema, the part before the first ':'. */
static cz_engine_id engine_of_template(const char *tmpl) {
  const char *colon = strchr(tmpl, ':');
  if (!colon) return CZ_ENGINE_UNSAID;
  char schema[32];
  const size_t n = (size_t)(colon - tmpl);
  if (n >= sizeof schema) return CZ_ENGINE_UNSAID;
  memcpy(schema, tmpl, n);
  schema[n] = '\0';
  return lookup(schema, SCHEMAS);
}

cz_engine_id cz_engine_of_clue(const cz_engine_clue *clue) {
  switch (clue->key) {
    case CZ_CLUE_TARGET_SIMULATOR: return lookup(clue->value, SIMULATORS);
    case CZ_CLUE_MODEL_TYPE: return lookup(clue->value, MODEL_TYPES);
    case CZ_CLUE_MODEL_TEMPLATE: return engine_of_template(clue->value);
  }
  return CZ_ENGINE_UNSAID;
}

/* BMTK runs whatever its script says; a target_simulator it does not list is noted, and the
 * nodes decide. */
static void note_unknown_simulator(const cz_engine_clue *c) {
  if (c->key == CZ_CLUE_TARGET_SIMULATOR && cz_engine_of_clue(c) == CZ_ENGINE_UNSAID)
    cz_log_warn("%s: target_simulator \"%s\" is none of NEST, NEURON, LGNModel, DiPDE; the nodes' models decide the "
                "engine",
                c->file, c->value);
}

cz_status cz_engine_require_point(const cz_config *cfg) {
  cz_engine_clues clues;
  CZ_TRY(cz_engine_clues_read(cfg, &clues));
  const cz_engine_clue *other = NULL;
  for (size_t i = 0; i < clues.n && !other; i++) {
    note_unknown_simulator(&clues.v[i]);
    const cz_engine_id e = cz_engine_of_clue(&clues.v[i]);
    if (e != CZ_ENGINE_UNSAID && e != CZ_ENGINE_POINT) other = &clues.v[i];
  }
  cz_status st = CZ_OK;
  if (other)
    st = CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: %s \"%s\" makes this a %s network; that engine is not available in Cadenza yet (it runs "
                  "point-neuron networks, BMTK's PointNet with NEST semantics)",
                  other->file, other->where, other->value, cz_engine_name(cz_engine_of_clue(other)));
  cz_engine_clues_free(&clues);
  return st;
}

cz_status cz_engine_detect(const cz_config *cfg, cz_engine_id *out) {
  cz_engine_clues clues;
  CZ_TRY(cz_engine_clues_read(cfg, &clues));
  const cz_engine_clue *first = NULL, *other = NULL;
  for (size_t i = 0; i < clues.n && !other; i++) {
    note_unknown_simulator(&clues.v[i]);
    const cz_engine_id e = cz_engine_of_clue(&clues.v[i]);
    if (e == CZ_ENGINE_UNSAID) continue;
    if (!first) first = &clues.v[i];
    else if (e != cz_engine_of_clue(first)) other = &clues.v[i];
  }
  const cz_engine_id e = first ? cz_engine_of_clue(first) : CZ_ENGINE_POINT;
  cz_status st = CZ_OK;
  if (other)
    st = CZ_ERROR(CZ_ERR_CONFIG, "%s: %s \"%s\" makes this a %s network, but %s: %s \"%s\" makes it a %s one", first->file,
                  first->where, first->value, cz_engine_name(e), other->file, other->where, other->value,
                  cz_engine_name(cz_engine_of_clue(other)));
  else if (!cz_engine_kind_of(e))
    st = CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: %s \"%s\" makes this a %s network; that engine is not available in Cadenza yet (it runs "
                  "PointNet, BioNet, PopNet and FilterNet networks)",
                  first->file, first->where, first->value, cz_engine_name(e));
  cz_engine_clues_free(&clues);
  *out = e;
  return st;
}

cz_status cz_engine_place_cost(const cz_engine_kind *k, const cz_config *cfg, const cz_circuit *c,
                               const cz_place_cost **cost, cz_place_cost **owned) {
  *owned = NULL;
  *cost = k->place_cost();
  if (!k->folder_place_cost) return CZ_OK;
  CZ_TRY(k->folder_place_cost(cfg, c, owned));
  *cost = *owned;
  return CZ_OK;
}

void cz_engine_place_cost_free(const cz_engine_kind *k, cz_place_cost **owned) {
  if (*owned && k->free_place_cost) k->free_place_cost(owned);
}
