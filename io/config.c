/* SONATA simulation config loader; the design is described at the top of config.h.
 *
 * Each file is processed on its own (parse, de-duplicate keys, manifest, substitution, path
 * resolution) before its "network"/"simulation" children are merged in, so every relative
 * path is resolved against the folder of the file that held it. Because the merge is
 * shallow, every top-level section comes from exactly one file; an "origins" object
 * (top-level key -> file) remembers which, so messages can name the right file. The stages
 * have files of their own: config_json (parsing, messages, typed access), config_manifest,
 * config_paths and config_sections.
 *
 * Everything extracted hangs off the cz_config as soon as it is allocated, so on any error
 * cz_cfg_destroy() frees the partial state and nothing leaks. */
#include "io/config.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/config_json.h"
#include "io/config_manifest.h"
#include "io/config_paths.h"
#include "io/config_sections.h"

enum { CFG_INCLUDE_DEPTH = 16 /* nested network/simulation configs */ };

/* ------------------------------------------------------------------------------------------ */
/* Files and child configs                                                                     */

typedef struct load_stack {
  const char *paths[CFG_INCLUDE_DEPTH];
  size_t depth;
} load_stack;

static cz_status load_tree(load_stack *stack, const char *path, const char *key, cJSON **tree,
                           cJSON **origins);

/* Moves every top-level member of src into dst, replacing members with the same key
 * (Python's dict.update). src is left empty. */
static cz_status merge_shallow(cJSON *dst, cJSON *src) {
  while (src->child) {
    cJSON *item = cJSON_DetachItemViaPointer(src, src->child);
    cJSON *old = cJSON_GetObjectItemCaseSensitive(dst, item->string);
    if (old) {
      cJSON_ReplaceItemViaPointer(dst, old, item);
    } else if (!cJSON_AddItemToObject(dst, item->string, item)) {
      cJSON_Delete(item);
      return CZ_ERROR(CZ_ERR_NOMEM, "out of memory merging configs");
    }
  }
  return CZ_OK;
}

static cz_status check_include_cycle(const load_stack *stack, const char *path, const char *key,
                                     const char *parent) {
  CZ_CHECK(stack->depth < CFG_INCLUDE_DEPTH, CZ_ERR_CONFIG,
           "config: %s: configs nested more than %d deep in %s", key, CFG_INCLUDE_DEPTH, parent);
  for (size_t i = 0; i < stack->depth; i++) {
    if (strcmp(stack->paths[i], path) == 0) {
      return CZ_CFG_ERR(CZ_ERR_CONFIG, parent, key, "include cycle: %s is already being loaded", path);
    }
  }
  return CZ_OK;
}

/* Loads the child config named by root[key] (when it is a string) and merges it in. */
static cz_status include_child(load_stack *stack, cJSON *root, cJSON *origins, const char *key,
                               const char *child_path, const char *parent) {
  CZ_TRY(check_include_cycle(stack, child_path, key, parent));
  cJSON *tree = NULL, *child_origins = NULL;
  CZ_TRY(load_tree(stack, child_path, key, &tree, &child_origins));
  cz_status st = merge_shallow(root, tree);
  if (st == CZ_OK) st = merge_shallow(origins, child_origins);
  cJSON_Delete(tree);
  cJSON_Delete(child_origins);
  CZ_TRY(st);
  return CZ_OK;
}

/* Paths of the "network" and "simulation" children, taken before merging either so that a
 * child cannot redirect its sibling. */
static cz_status child_paths(const cJSON *root, const char *dir, char *paths[2]) {
  static const char *const keys[2] = {"network", "simulation"};
  for (int i = 0; i < 2; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, keys[i]);
    if (cJSON_IsString(v)) CZ_TRY(cz_path_join(dir, v->valuestring, &paths[i]));
  }
  return CZ_OK;
}

static cz_status record_origins(const cJSON *root, const char *path, cJSON *origins) {
  for (const cJSON *c = root->child; c; c = c->next) {
    CZ_CHECK(cJSON_AddStringToObject(origins, c->string, path) != NULL, CZ_ERR_NOMEM,
             "out of memory reading the config");
  }
  return CZ_OK;
}

/* Parses one file, substitutes, resolves its paths and merges its children. */
static cz_status process_file(load_stack *stack, const char *path, cJSON *root, cJSON *origins) {
  CZ_CHECK(cJSON_IsObject(root), CZ_ERR_CONFIG, "config: %s: the top level must be a JSON object, not %s",
           path, cz_cfg_json_type(root));
  char *dir = NULL;
  char *children[2] = {NULL, NULL};
  cz_status st;
  CZ_TRY_GOTO(st, cz_path_dirname(path, &dir), done);
  CZ_TRY_GOTO(st, cz_cfg_manifest_apply(root, path, dir), done);
  CZ_TRY_GOTO(st, cz_cfg_resolve_paths(root, dir), done);
  CZ_TRY_GOTO(st, record_origins(root, path, origins), done);
  CZ_TRY_GOTO(st, child_paths(root, dir, children), done);
  stack->paths[stack->depth++] = path;
  if (children[0]) st = include_child(stack, root, origins, "network", children[0], path);
  if (st == CZ_OK && children[1]) st = include_child(stack, root, origins, "simulation", children[1], path);
  stack->depth--;
  if (st != CZ_OK) cz_error_trace(__FILE__, __LINE__, __func__);
done:
  free(children[0]);
  free(children[1]);
  free(dir);
  return st;
}

/* key: the config key that named this file ("network"/"simulation"), NULL for the top one. */
static cz_status load_tree(load_stack *stack, const char *path, const char *key, cJSON **tree,
                           cJSON **origins) {
  *tree = NULL;
  *origins = NULL;
  const char *referrer = stack->depth ? stack->paths[stack->depth - 1] : NULL;
  cJSON *root = NULL;
  CZ_TRY(cz_cfg_load_json_file(path, key, referrer, &root));
  cJSON *orig = cJSON_CreateObject();
  cz_status st = orig ? process_file(stack, path, root, orig)
                      : CZ_ERROR(CZ_ERR_NOMEM, "out of memory reading the config");
  if (st != CZ_OK) {
    cJSON_Delete(root);
    cJSON_Delete(orig);
    cz_error_trace(__FILE__, __LINE__, __func__);
    return st;
  }
  *tree = root;
  *origins = orig;
  return CZ_OK;
}

static cz_status load_into(cz_config *cfg, const char *path, const cz_cfg_overrides *ov) {
  CZ_TRY(cz_path_absolute(path, &cfg->path));
  CZ_TRY(cz_path_dirname(cfg->path, &cfg->dir));
  load_stack stack = {.depth = 0};
  cJSON *origins = NULL;
  CZ_TRY(load_tree(&stack, cfg->path, NULL, &cfg->root, &origins));
  cz_status st = cz_cfg_read_sections(cfg, origins, ov);
  cJSON_Delete(origins);
  CZ_TRY(st);
  return CZ_OK;
}

cz_status cz_cfg_load(const char *path, const cz_cfg_overrides *ov, cz_config **out) {
  CZ_CHECK(path && *path && out, CZ_ERR_ARG, "config: no config file given");
  *out = NULL;
  cz_config *cfg;
  CZ_NEW(cfg, 1);
  cz_status st = load_into(cfg, path, ov);
  if (st != CZ_OK) {
    cz_cfg_destroy(&cfg);
    cz_error_trace(__FILE__, __LINE__, __func__);
    return st;
  }
  *out = cfg;
  return CZ_OK;
}

static void free_blocks(cz_cfg_block *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(b[i].name);
    free(b[i].input_type);
    free(b[i].module);
    free(b[i].file);
  }
  free(b);
}

void cz_cfg_destroy(cz_config **pcfg) {
  if (!pcfg || !*pcfg) return;
  cz_config *cfg = *pcfg;
  free(cfg->path);
  free(cfg->dir);
  free(cfg->run_file);
  free(cfg->run_section.file);
  free(cfg->conditions.file);
  cJSON_Delete(cfg->root);
  free(cfg->target_simulator);
  free(cfg->target_simulator_file);
  free(cfg->output_dir);
  free(cfg->output_dir_config);
  free(cfg->log_file);
  free(cfg->log_level);
  free(cfg->spikes_file);
  free(cfg->spikes_file_csv);
  free(cfg->spikes_file_nwb);
  for (size_t i = 0; i < cfg->ncomponents; i++) {
    free(cfg->components[i].key);
    free(cfg->components[i].value);
  }
  free(cfg->components);
  for (size_t i = 0; i < cfg->nnodes; i++) {
    free(cfg->nodes[i].nodes_file);
    free(cfg->nodes[i].node_types_file);
  }
  free(cfg->nodes);
  for (size_t i = 0; i < cfg->nedges; i++) {
    free(cfg->edges[i].edges_file);
    free(cfg->edges[i].edge_types_file);
  }
  free(cfg->edges);
  cJSON_Delete(cfg->node_sets_owned);
  free(cfg->node_sets_file);
  free_blocks(cfg->inputs, cfg->ninputs);
  free_blocks(cfg->reports, cfg->nreports);
  free(cfg);
  *pcfg = NULL;
}

const char *cz_cfg_component(const cz_config *cfg, const char *key) {
  if (!cfg || !key) return NULL;
  for (size_t i = 0; i < cfg->ncomponents; i++) {
    if (strcmp(cfg->components[i].key, key) == 0) return cfg->components[i].value;
  }
  return NULL;
}

/* BMTK's copy also carries node_sets when they came from node_sets_file (it loads them into
 * the config dict). */
cz_status cz_cfg_dump(const cz_config *cfg, char **out) {
  CZ_CHECK(cfg && cfg->root && out, CZ_ERR_ARG, "config: nothing to dump");
  *out = NULL;
  cJSON *copy = cJSON_Duplicate(cfg->root, 1);
  CZ_CHECK(copy != NULL, CZ_ERR_NOMEM, "out of memory copying the config");
  cJSON_DeleteItemFromObjectCaseSensitive(copy, "manifest");
  if (cfg->node_sets_owned && !cJSON_GetObjectItemCaseSensitive(copy, "node_sets")) {
    cJSON *sets = cJSON_Duplicate(cfg->node_sets_owned, 1);
    if (!sets || !cJSON_AddItemToObject(copy, "node_sets", sets)) {
      cJSON_Delete(sets);
      cJSON_Delete(copy);
      return CZ_ERROR(CZ_ERR_NOMEM, "out of memory copying the config");
    }
  }
  char *text = cJSON_Print(copy);
  cJSON_Delete(copy);
  CZ_CHECK(text != NULL, CZ_ERR_NOMEM, "out of memory printing the config");
  cz_status st = cz_strdup(text, out);
  cJSON_free(text);
  return st;
}
