/* Path resolution in the config (io/config_paths.h). */
#include "io/config_paths.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "io/config_json.h"

/* ------------------------------------------------------------------------------------------ */
/* Per-file path resolution                                                                    */

/* Makes a relative path string absolute against dir; anything else is left for validation. */
static cz_status absolutise(cJSON *item, const char *dir) {
  if (!cJSON_IsString(item) || cz_path_is_absolute(item->valuestring)) return CZ_OK;
  char *abs = NULL;
  CZ_TRY(cz_path_join(dir, item->valuestring, &abs));
  cz_status st = cz_cfg_set_string(item, abs);
  free(abs);
  return st;
}

static cz_status absolutise_keys(cJSON *obj, const char *const *keys, const char *dir) {
  if (!cJSON_IsObject(obj)) return CZ_OK;
  for (const char *const *k = keys; *k; k++) {
    CZ_TRY(absolutise(cJSON_GetObjectItemCaseSensitive(obj, *k), dir));
  }
  return CZ_OK;
}

/* Applies absolutise_keys to each object of the list root[section][list]. */
static cz_status absolutise_list(cJSON *root, const char *section, const char *list, const char *const *keys,
                                 const char *dir) {
  cJSON *sec = cJSON_GetObjectItemCaseSensitive(root, section);
  cJSON *arr = cJSON_IsObject(sec) ? cJSON_GetObjectItemCaseSensitive(sec, list) : NULL;
  if (!cJSON_IsArray(arr)) return CZ_OK;
  for (cJSON *e = arr->child; e; e = e->next) CZ_TRY(absolutise_keys(e, keys, dir));
  return CZ_OK;
}

/* Resolves the path-valued keys of one file against its folder. output_dir and the output
 * files are handled later (read_output) because they need the text as written. Report paths
 * are relative to output_dir and stay as they are. */
cz_status cz_cfg_resolve_paths(cJSON *root, const char *dir) {
  static const char *const node_keys[] = {"nodes_file", "node_types_file", NULL};
  static const char *const edge_keys[] = {"edges_file", "edge_types_file", NULL};
  static const char *const gap_keys[] = {"gap_juncs_file", NULL};
  static const char *const input_keys[] = {"input_file",     "file",           "data_file", "comsol_file",
                                            "positions_file", "mesh_files_dir", "waveform",  NULL};

  cJSON *components = cJSON_GetObjectItemCaseSensitive(root, "components");
  if (cJSON_IsObject(components)) {
    for (cJSON *c = components->child; c; c = c->next) CZ_TRY(absolutise(c, dir));
  }
  CZ_TRY(absolutise_list(root, "networks", "nodes", node_keys, dir));
  CZ_TRY(absolutise_list(root, "networks", "edges", edge_keys, dir));
  CZ_TRY(absolutise_list(root, "networks", "gap_juncs", gap_keys, dir));
  CZ_TRY(absolutise(cJSON_GetObjectItemCaseSensitive(root, "node_sets_file"), dir));
  cJSON *inputs = cJSON_GetObjectItemCaseSensitive(root, "inputs");
  if (cJSON_IsObject(inputs)) {
    for (cJSON *b = inputs->child; b; b = b->next) CZ_TRY(absolutise_keys(b, input_keys, dir));
  }
  return CZ_OK;
}
/* ------------------------------------------------------------------------------------------ */
/* Output files                                                                                */

/* Whether path starts with prefix at a component boundary. BMTK uses a plain string prefix;
 * the boundary only differs for names like "output_log.txt" under "output", where BMTK's
 * result is an accident. */
static bool path_has_prefix(const char *path, const char *prefix) {
  size_t n = strlen(prefix);
  if (n == 0 || strncmp(path, prefix, n) != 0) return false;
  return path[n] == '\0' || path[n] == '/' || prefix[n - 1] == '/';
}

static const char *after_prefix(const char *path, const char *prefix) {
  const char *rest = path + strlen(prefix);
  while (*rest == '/') rest++;
  return rest;
}

/* Where an output file ends up: relative names go under output_dir (BMTK joins them unless
 * they already start with output_dir); with an output-dir override, whatever lay under the
 * config's output_dir moves with it. */
cz_status cz_cfg_output_path(const cz_cfg_out_dirs *d, const char *value, char **out) {
  char *p = NULL;
  if (cz_path_is_absolute(value)) {
    CZ_TRY(cz_path_join(NULL, value, &p));
  } else if (!cz_path_is_absolute(d->raw) && path_has_prefix(value, d->raw)) {
    CZ_TRY(cz_path_join(d->cfgdir, value, &p));
  } else {
    CZ_TRY(cz_path_join(d->config_abs, value, &p));
  }
  if (strcmp(d->final_abs, d->config_abs) == 0 || !path_has_prefix(p, d->config_abs)) {
    *out = p;
    return CZ_OK;
  }
  cz_status st = cz_path_join(d->final_abs, after_prefix(p, d->config_abs), out);
  free(p);
  return st;
}

/* Whether a path holds ".." as one of its components. */
static bool climbs_up(const char *path) {
  for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
    if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/')) return true;
  return false;
}

cz_status cz_cfg_check_output_name(const cz_config *cfg, const char *key, const char *name) {
  if (cz_path_is_absolute(name) || !climbs_up(name)) return CZ_OK;
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: %s = \"%s\" leaves output.output_dir through \"..\"; name a file inside it, or give an "
                  "absolute path",
                  cfg->path, key, name);
}

/* The files a run writes besides reports, with the keys that name them (path NULL: none). */
typedef struct run_output {
  const char *key;
  char *path;
} run_output;

enum { N_RUN_OUTPUTS = 5 };

static cz_status run_outputs_of(const cz_config *cfg, run_output out[N_RUN_OUTPUTS]) {
  out[0] = (run_output){"output.spikes_file", NULL};
  out[1] = (run_output){"output.spikes_file_csv", NULL};
  out[2] = (run_output){"output.log_file", NULL};
  out[3] = (run_output){"the copy of the config", NULL};
  out[4] = (run_output){"timers.json", NULL};
  const char *given[3] = {cfg->spikes_file, cfg->spikes_file_csv, cfg->log_file};
  for (int i = 0; i < 3; i++)
    if (given[i]) CZ_TRY(cz_strdup(given[i], &out[i].path));
  CZ_TRY(cz_path_join(cfg->output_dir, cz_path_basename(cfg->path), &out[3].path));
  return cz_path_join(cfg->output_dir, "timers.json", &out[4].path);
}

static void run_outputs_free(run_output out[N_RUN_OUTPUTS]) {
  for (int i = 0; i < N_RUN_OUTPUTS; i++) free(out[i].path);
}

cz_status cz_cfg_check_output_file(const cz_config *cfg, const char *key, const char *path) {
  run_output out[N_RUN_OUTPUTS] = {{0}};
  cz_status st = run_outputs_of(cfg, out);
  for (int i = 0; st == CZ_OK && i < N_RUN_OUTPUTS; i++)
    if (out[i].path && strcmp(out[i].path, path) == 0)
      st = CZ_ERROR(CZ_ERR_CONFIG, "%s: %s and %s name the same file %s; give each output its own file", cfg->path,
                    key, out[i].key, path);
  run_outputs_free(out);
  return st;
}

/* No two of the run's own outputs may share a file (a spikes file over the log, say). */
cz_status cz_cfg_check_outputs_apart(const cz_config *cfg) {
  run_output out[N_RUN_OUTPUTS] = {{0}};
  cz_status st = run_outputs_of(cfg, out);
  for (int i = 0; st == CZ_OK && i < N_RUN_OUTPUTS; i++)
    for (int j = 0; st == CZ_OK && j < i; j++)
      if (out[i].path && out[j].path && strcmp(out[i].path, out[j].path) == 0)
        st = CZ_ERROR(CZ_ERR_CONFIG, "%s: %s and %s name the same file %s; give each output its own file", cfg->path,
                      out[j].key, out[i].key, out[i].path);
  run_outputs_free(out);
  return st;
}
