#include "core/stimulus/replay_keys.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#include "base/str.h"

static cz_status path_key(const cJSON *j, const char *key, const char *where, char **out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
  CZ_CHECK(cJSON_IsString(v) && v->valuestring[0], CZ_ERR_CONFIG, "%s: missing key %s", where, key);
  return cz_strdup(v->valuestring, out);
}

cz_status cz_replay_keys_read(const cz_config *cfg, const cz_cfg_block *b, char **where, char **spikes_file,
                              cz_cfg_edges *edges) {
  CZ_TRY(cz_asprintf(where, "%s: inputs.%s", b->file ? b->file : cfg->path, b->name));
  CZ_TRY(path_key(b->json, "spikes_file", *where, spikes_file));
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(b->json, "edges");
  CZ_CHECK(cJSON_IsObject(e), CZ_ERR_CONFIG, "%s: missing key edges (edges_file, edge_types_file)", *where);
  char sub[1200];
  snprintf(sub, sizeof sub, "%s.edges", *where);
  CZ_TRY(path_key(e, "edges_file", sub, &edges->edges_file));
  CZ_TRY(path_key(e, "edge_types_file", sub, &edges->edge_types_file));
  edges->enabled = true;
  return CZ_OK;
}
