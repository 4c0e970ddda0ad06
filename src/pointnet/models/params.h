/* Where a neuron's parameters come from: its dynamics_params JSON object, overridden key by
 * key by per-node HDF5 dynamics_params values. */
#ifndef CZ_POINTNET_MODELS_PARAMS_H
#define CZ_POINTNET_MODELS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

struct cJSON;

typedef struct cz_param_src {
  const struct cJSON *dict;  /* may be NULL */
  /* Optional per-node override: returns true and sets *v when the node has its own value. */
  bool (*override)(const void *ctx, const char *key, double *v);
  const void *ctx;
  const char *file;          /* the dynamics_params file, for messages (may be NULL) */
} cz_param_src;

/* Reads a numeric parameter. Absent: *v = dflt and *given = false. Present but not a finite
 * number: CZ_ERR_CONFIG naming key, file and node (where). given may be NULL. */
cz_status cz_param_number(const cz_param_src *src, const char *key, double dflt, double *v, bool *given,
                          const char *where);
/* Reads a boolean parameter (JSON true/false or a number). */
cz_status cz_param_bool(const cz_param_src *src, const char *key, bool dflt, bool *v, const char *where);

/* Fails when the dict has a key that is not in names (NULL-terminated), naming the key, the
 * model and the accepted keys, as NEST refuses unused dictionary entries. */
cz_status cz_param_check_known(const cz_param_src *src, const char *const *names, const char *model,
                               const char *where);

#endif
