/* Which BMTK engine a simulation folder was written for, and the refusal of the ones Cadenza
 * does not have yet (sonata-spec 1.2, 2.3, section 5).
 *
 * The config's target_simulator says it (NEST: PointNet; NEURON or CORENEURON: BioNet;
 * LGNModel: FilterNet; DiPDE: PopNet), and so do the nodes: model_type biophysical or
 * point_soma is BioNet, population is PopNet; a model_template schema nest: is PointNet,
 * ctdb:, nrn:, hoc: or nml: is BioNet, lgnmodel: is FilterNet, dipde: is PopNet. virtual,
 * point_process and point_neuron nodes, other schemas and other target_simulator values say
 * nothing (the circuit loader judges unknown templates). A folder is a point network when no
 * clue names another engine; the first clue that does (the config's before the nodes') is the
 * one the refusal names. */
#ifndef CZ_APP_ENGINE_KIND_H
#define CZ_APP_ENGINE_KIND_H

#include "base/status.h"
#include "core/engine.h"
#include "io/config.h"
#include "io/engine_clues.h"

typedef enum cz_engine_id {
  CZ_ENGINE_UNSAID = 0, /* the clue names no engine */
  CZ_ENGINE_POINT,
  CZ_ENGINE_BIONET,
  CZ_ENGINE_FILTERNET,
  CZ_ENGINE_POPNET
} cz_engine_id;

/* "PointNet (NEST)", "BioNet (NEURON)", ... */
const char *cz_engine_name(cz_engine_id e);

/* The engine one clue names. */
cz_engine_id cz_engine_of_clue(const cz_engine_clue *clue);

/* The engine of that id that Cadenza has (a new engine is one line of its registry), or NULL
 * when it has none yet. */
const cz_engine_kind *cz_engine_kind_of(cz_engine_id e);

/* The engine that runs cfg (*out): the one its clues name (a point network when none does).
 * CZ_ERR_CONFIG, one line naming the file and the key, when two clues name different engines
 * or the engine is one Cadenza does not have yet. Reads the node types files. Local. */
cz_status cz_engine_detect(const cz_config *cfg, cz_engine_id *out);

/* The cost the placement weighs cfg's nodes by: the engine's folder cost when it has one
 * (*owned then holds it: cz_engine_place_cost_free), else its fixed one. Local. */
cz_status cz_engine_place_cost(const cz_engine_kind *k, const cz_config *cfg, const cz_circuit *c,
                               const cz_place_cost **cost, cz_place_cost **owned);
void cz_engine_place_cost_free(const cz_engine_kind *k, cz_place_cost **owned);

/* CZ_OK for a point network; otherwise CZ_ERR_CONFIG, one line naming the engine, the file and
 * the key that gave it away, and that the engine is not available yet. Reads the node types
 * files (io/engine_clues.h). Local. */
cz_status cz_engine_require_point(const cz_config *cfg);

#endif
