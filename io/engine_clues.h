/* What a simulation folder says about the simulator it was written for (sonata-spec 1.2, 2.3):
 * the config's target_simulator, and the model_type and model_template of its nodes, each with
 * the file and key that say it. app/engine_kind.h turns these into a verdict.
 *
 * Node values are read from the node types CSV of every networks.nodes entry (one clue per
 * distinct value of a column, naming the first node type that has it) and from the
 * model_type / model_template datasets of node groups that have them (which win over the CSV
 * for their nodes). Files that are missing or malformed give no clues: reading them is the
 * circuit loader's job, and its messages are the ones to show. Local (no MPI). */
#ifndef CZ_IO_ENGINE_CLUES_H
#define CZ_IO_ENGINE_CLUES_H

#include <stddef.h>

#include "base/status.h"
#include "io/config.h"

typedef enum cz_clue_key { CZ_CLUE_TARGET_SIMULATOR, CZ_CLUE_MODEL_TYPE, CZ_CLUE_MODEL_TEMPLATE } cz_clue_key;

typedef struct cz_engine_clue {
  cz_clue_key key;
  char *value; /* as written */
  char *file;  /* the config, node types CSV or nodes file that holds it */
  char *where; /* the key within that file: "target_simulator", "node type 100, column
                  model_template", "/nodes/v1/0/model_template" */
} cz_engine_clue;

typedef struct cz_engine_clues {
  size_t n;
  cz_engine_clue *v; /* the config's first, then the nodes' in networks.nodes order */
} cz_engine_clues;

/* The clues of cfg. Owned (out->v: cz_engine_clues_free). */
cz_status cz_engine_clues_read(const cz_config *cfg, cz_engine_clues *out);
void cz_engine_clues_free(cz_engine_clues *clues);

#endif
