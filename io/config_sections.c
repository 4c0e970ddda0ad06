/* The sections of the simulation config (io/config_sections.h). */
#include "io/config_sections.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/config_json.h"
#include "io/config_paths.h"

/* ------------------------------------------------------------------------------------------ */
/* run                                                                                         */

static bool override_set(double v) { return !isnan(v) && !(v < 0); }

static cz_status check_positive(double v, cz_status code, const char *file, const char *key) {
  if (!(isfinite(v) && v > 0)) return CZ_CFG_ERR(code, file, key, "must be a finite number > 0 (got %g)", v);
  if (!cz_time_in_range(v)) return CZ_CFG_ERR(code, file, key, "is %g ms, beyond the longest time simulated (%g ms)", v, CZ_TIME_MAX_MS);
  return CZ_OK;
}

static cz_status read_dt(cz_config *cfg, const cz_cfg_obj *run, const cz_cfg_overrides *ov) {
  if (ov && override_set(ov->dt)) {
    CZ_TRY(check_positive(ov->dt, CZ_ERR_ARG, cfg->path, "--dt (command-line override)"));
    cfg->dt = ov->dt;
    cfg->dt_overridden = true;
    return CZ_OK;
  }
  bool have;
  CZ_TRY(cz_cfg_number(run, "dt", &have, &cfg->dt));
  if (!have) return CZ_CFG_MISSING(run->file, "run.dt");
  CZ_TRY(cz_strdup(run->file, &cfg->run_file));
  return check_positive(cfg->dt, CZ_ERR_CONFIG, run->file, "run.dt");
}

/* run.duration wins over run.tstop, as BMTK reads them. */
static cz_status read_tstop(cz_config *cfg, const cz_cfg_obj *run, const cz_cfg_overrides *ov) {
  if (ov && override_set(ov->tstop)) {
    CZ_TRY(check_positive(ov->tstop, CZ_ERR_ARG, cfg->path, "--tstop (command-line override)"));
    cfg->tstop = ov->tstop;
    return CZ_OK;
  }
  bool have_tstop, have_duration;
  double tstop = 0, duration = 0;
  CZ_TRY(cz_cfg_number(run, "tstop", &have_tstop, &tstop));
  CZ_TRY(cz_cfg_number(run, "duration", &have_duration, &duration));
  if (have_duration) {
    cfg->tstop = duration;
    return check_positive(duration, CZ_ERR_CONFIG, run->file, "run.duration");
  }
  if (!have_tstop) {
    return cz_error_set(CZ_ERR_CONFIG, __FILE__, __LINE__, __func__,
                        "config: missing key \"run.tstop\" (or \"run.duration\") in %s", run->file);
  }
  cfg->tstop = tstop;
  return check_positive(tstop, CZ_ERR_CONFIG, run->file, "run.tstop");
}

/* Writes the overridden run values back so the dumped config shows what was run. */
static cz_status record_run_overrides(cz_config *cfg, const cz_cfg_overrides *ov) {
  if (!ov || (!override_set(ov->dt) && !override_set(ov->tstop))) return CZ_OK;
  cJSON *run = cJSON_GetObjectItemCaseSensitive(cfg->root, "run");
  if (!run) {
    run = cJSON_AddObjectToObject(cfg->root, "run");
    CZ_CHECK(run != NULL, CZ_ERR_NOMEM, "out of memory updating the config");
  }
  if (override_set(ov->dt)) {
    cJSON_DeleteItemFromObjectCaseSensitive(run, "dt");
    CZ_CHECK(cJSON_AddNumberToObject(run, "dt", cfg->dt), CZ_ERR_NOMEM, "out of memory updating the config");
  }
  if (override_set(ov->tstop)) {
    cJSON_DeleteItemFromObjectCaseSensitive(run, "duration");
    cJSON_DeleteItemFromObjectCaseSensitive(run, "tstop");
    CZ_CHECK(cJSON_AddNumberToObject(run, "tstop", cfg->tstop), CZ_ERR_NOMEM,
             "out of memory updating the config");
  }
  return CZ_OK;
}

static cz_status read_run(cz_config *cfg, const cJSON *origins, const cz_cfg_overrides *ov) {
  cz_cfg_obj run;
  CZ_TRY(cz_cfg_section(cfg, origins, "run", false, &run));
  CZ_TRY(read_dt(cfg, &run, ov));
  CZ_TRY(read_tstop(cfg, &run, ov));
  bool have;
  cfg->tstart = 0;
  CZ_TRY(cz_cfg_number(&run, "tstart", &have, &cfg->tstart));
  double v;
  CZ_TRY(cz_cfg_whole(&run, "n_thread", 1, INT_MAX, &have, &v));
  cfg->n_thread = have ? (int)v : 0;
  CZ_TRY(cz_cfg_whole(&run, "nsteps_block", 0, 9.0e18, &have, &v));
  cfg->nsteps_block = have ? (long)v : 0;
  CZ_TRY(cz_cfg_bool(&run, "precise_times", true, &cfg->precise_times));
  CZ_TRY(cz_cfg_bool(&run, "allow_offgrid_spikes", false, &cfg->allow_offgrid_spikes));
  return record_run_overrides(cfg, ov);
}
static cz_status set_output_field(cz_config *cfg, const char *key, const char *path) {
  char **field = NULL;
  if (strcmp(key, "log_file") == 0) field = &cfg->log_file;
  else if (strcmp(key, "spikes_file") == 0) field = &cfg->spikes_file;
  else if (strcmp(key, "spikes_file_csv") == 0) field = &cfg->spikes_file_csv;
  else if (strcmp(key, "spikes_file_nwb") == 0) field = &cfg->spikes_file_nwb;
  if (!field) return CZ_OK;
  return cz_strdup(path, field);
}

/* Resolves log_file and spikes_file* in the tree and in cfg. */
static cz_status resolve_output_files(cz_config *cfg, const cz_cfg_obj *out, const cz_cfg_out_dirs *d) {
  if (!out->json) return CZ_OK;
  for (cJSON *c = out->json->child; c; c = c->next) {
    if (strcmp(c->string, "log_file") != 0 && !cz_str_starts_with(c->string, "spikes_file")) continue;
    const char *value;
    CZ_TRY(cz_cfg_string(out, c->string, false, &value));
    char key[CZ_CFG_KEY_MAX];
    cz_cfg_key_join(key, sizeof key, "output", c->string);
    CZ_TRY(cz_cfg_check_output_name(cfg, key, value));
    char *p = NULL;
    CZ_TRY(cz_cfg_output_path(d, value, &p));
    cz_status st = cz_cfg_set_string(c, p);
    if (st == CZ_OK) st = set_output_field(cfg, c->string, p);
    free(p);
    CZ_TRY(st);
  }
  if (cfg->spikes_file_nwb) {
    cz_log_warn("%s: output.spikes_file_nwb: NWB spike output is not supported; %s will not be written",
                out->file, cfg->spikes_file_nwb);
  }
  return CZ_OK;
}

static cz_status resolve_output_dir(cz_config *cfg, const cz_cfg_obj *out, const cz_cfg_overrides *ov,
                                    cz_cfg_out_dirs *d) {
  CZ_TRY(cz_cfg_string(out, "output_dir", false, &d->raw));
  if (!d->raw) d->raw = ".";
  CZ_TRY(cz_path_join(d->cfgdir, d->raw, &d->config_abs));
  if (ov && ov->output_dir) {
    CZ_TRY(cz_path_absolute(ov->output_dir, &d->final_abs));
  } else {
    CZ_TRY(cz_strdup(d->config_abs, &d->final_abs));
  }
  CZ_TRY(cz_strdup(d->final_abs, &cfg->output_dir));
  free(cfg->output_dir_config);
  CZ_TRY(cz_strdup(d->config_abs, &cfg->output_dir_config));
  return CZ_OK;
}

static cz_status write_output_dir(const cz_cfg_obj *out, const char *dir) {
  if (!out->json) return CZ_OK;
  cJSON *v = cJSON_GetObjectItemCaseSensitive(out->json, "output_dir");
  if (v) return cz_cfg_set_string(v, dir);
  CZ_CHECK(cJSON_AddStringToObject(out->json, "output_dir", dir) != NULL, CZ_ERR_NOMEM,
           "out of memory updating the config");
  return CZ_OK;
}

static cz_status read_sort_order(cz_config *cfg, const cz_cfg_obj *out) {
  static const struct {
    const char *name;
    cz_sort_order order;
  } names[] = {{"time", CZ_SORT_BY_TIME}, {"by_time", CZ_SORT_BY_TIME}, {"id", CZ_SORT_BY_ID},
               {"by_id", CZ_SORT_BY_ID},  {"node_id", CZ_SORT_BY_ID},   {"gid", CZ_SORT_BY_ID},
               {"none", CZ_SORT_NONE},    {"na", CZ_SORT_NONE},         {"", CZ_SORT_NONE}};
  const char *key = cz_cfg_item(out, "spikes_sort_order") ? "spikes_sort_order" : "sort_by";
  const char *value;
  CZ_TRY(cz_cfg_string(out, key, false, &value));
  cfg->sort_order = CZ_SORT_NONE;
  if (!value) return CZ_OK;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcasecmp(value, names[i].name) == 0) {
      cfg->sort_order = names[i].order;
      return CZ_OK;
    }
  }
  char where[CZ_CFG_KEY_MAX];
  cz_cfg_key_join(where, sizeof where, out->path, key);
  return CZ_CFG_ERR(CZ_ERR_CONFIG, out->file, where,
                 "unknown sort order \"%s\" (valid: time, by_time, id, by_id, node_id, gid, none, na)", value);
}

static cz_status read_log_settings(cz_config *cfg, const cz_cfg_obj *out) {
  CZ_TRY(cz_cfg_string_copy(out, "log_level", false, &cfg->log_level));
  cz_log_level level;
  if (cfg->log_level && !cz_log_parse_level(cfg->log_level, &level)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, out->file, "output.log_level",
                   "unknown level \"%s\" (valid: DEBUG, INFO, WARNING, ERROR, CRITICAL, QUIET)", cfg->log_level);
  }
  CZ_TRY(cz_cfg_bool(out, "log_to_console", true, &cfg->log_to_console));
  CZ_TRY(cz_cfg_bool(out, "quiet_simulator", false, &cfg->quiet_simulator));
  return CZ_OK;
}

/* output.overwrite_output_dir, else run.overwrite_output_dir (BMTK reads both). */
static cz_status read_overwrite(cz_config *cfg, const cJSON *origins, const cz_cfg_obj *out) {
  if (cz_cfg_item(out, "overwrite_output_dir")) {
    return cz_cfg_bool(out, "overwrite_output_dir", false, &cfg->overwrite_output_dir);
  }
  cz_cfg_obj run;
  CZ_TRY(cz_cfg_section(cfg, origins, "run", false, &run));
  return cz_cfg_bool(&run, "overwrite_output_dir", false, &cfg->overwrite_output_dir);
}

/* The enabled spikes_report block of the reports section, or NULL; two are refused. */
static cz_status find_spikes_report(const cz_cfg_obj *reports, cz_cfg_obj *out, bool *found) {
  *found = false;
  for (cJSON *c = reports->json ? reports->json->child : NULL; c; c = c->next) {
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(c, "module"), *en = cJSON_GetObjectItemCaseSensitive(c, "enabled");
    if (!cJSON_IsObject(c) || !cJSON_IsString(m) || strcmp(m->valuestring, "spikes_report") != 0 || cJSON_IsFalse(en))
      continue;
    if (*found)
      return CZ_CFG_ERR(CZ_ERR_CONFIG, reports->file, out->path,
                        "a second spikes_report block (reports.%s): the spikes are written by one", c->string);
    CZ_TRY(cz_cfg_child(reports, c->string, out));
    *found = true;
  }
  return CZ_OK;
}

/* A reports block with "module": "spikes_report" replaces output's spike keys, as in BMTK: its
 * spikes_file, spikes_file_csv, spikes_file_nwb and spikes_sort_order, each without a default
 * (a file it does not name is not written), relative names under output_dir as output's are;
 * its tmp_dir defaults to output_dir, and cache_to_disk, compression and mode change nothing
 * Cadenza writes. */
static cz_status apply_spikes_report(cz_config *cfg, const cJSON *origins, const cz_cfg_obj *out,
                                     const cz_cfg_out_dirs *d) {
  cz_cfg_obj reports, blk;
  bool found = false;
  CZ_TRY(cz_cfg_section(cfg, origins, "reports", false, &reports));
  CZ_TRY(find_spikes_report(&reports, &blk, &found));
  if (!found) return CZ_OK;
  bool overridden = cz_cfg_item(out, "spikes_sort_order") || cz_cfg_item(out, "sort_by");
  for (cJSON *c = out->json ? out->json->child : NULL; c; c = c->next)
    overridden = overridden || cz_str_starts_with(c->string, "spikes_file");
  if (overridden)
    cz_log_warn("%s: %s replaces output's spike keys (spikes_file*, spikes_sort_order), as in BMTK", blk.file,
                blk.path);
  free(cfg->spikes_file), free(cfg->spikes_file_csv), free(cfg->spikes_file_nwb);
  cfg->spikes_file = cfg->spikes_file_csv = cfg->spikes_file_nwb = NULL;
  static const char *const files[] = {"spikes_file", "spikes_file_csv", "spikes_file_nwb"};
  for (size_t i = 0; i < 3; i++) {
    const char *value;
    CZ_TRY(cz_cfg_string(&blk, files[i], false, &value));
    if (!value) continue;
    char key[CZ_CFG_KEY_MAX], *p = NULL;
    cz_cfg_key_join(key, sizeof key, blk.path, files[i]);
    CZ_TRY(cz_cfg_check_output_name(cfg, key, value));
    CZ_TRY(cz_cfg_output_path(d, value, &p));
    cz_status st = set_output_field(cfg, files[i], p);
    free(p);
    CZ_TRY(st);
  }
  if (cfg->spikes_file_nwb)
    cz_log_warn("%s: %s.spikes_file_nwb: NWB spike output is not supported; %s will not be written", blk.file,
                blk.path, cfg->spikes_file_nwb);
  const char *tmp_dir;
  CZ_TRY(cz_cfg_string(&blk, "tmp_dir", false, &tmp_dir));
  return read_sort_order(cfg, &blk);
}

static cz_status read_output(cz_config *cfg, const cJSON *origins, const cz_cfg_overrides *ov) {
  cz_cfg_obj out;
  CZ_TRY(cz_cfg_section(cfg, origins, "output", false, &out));
  char *cfgdir = NULL;
  CZ_TRY(cz_path_dirname(out.file, &cfgdir));
  cz_cfg_out_dirs d = {.cfgdir = cfgdir};
  cz_status st;
  CZ_TRY_GOTO(st, resolve_output_dir(cfg, &out, ov, &d), done);
  CZ_TRY_GOTO(st, resolve_output_files(cfg, &out, &d), done);
  CZ_TRY_GOTO(st, write_output_dir(&out, d.final_abs), done);
  CZ_TRY_GOTO(st, read_sort_order(cfg, &out), done);
  CZ_TRY_GOTO(st, apply_spikes_report(cfg, origins, &out, &d), done);
  CZ_TRY_GOTO(st, read_log_settings(cfg, &out), done);
  CZ_TRY_GOTO(st, read_overwrite(cfg, origins, &out), done);
  CZ_TRY_GOTO(st, cz_cfg_check_outputs_apart(cfg), done);
done:
  free(d.config_abs);
  free(d.final_abs);
  free(cfgdir);
  return st;
}

/* ------------------------------------------------------------------------------------------ */
/* components, networks, node sets                                                             */

static cz_status read_components(cz_config *cfg, const cJSON *origins) {
  cz_cfg_obj comp;
  CZ_TRY(cz_cfg_section(cfg, origins, "components", false, &comp));
  if (!comp.json) return CZ_OK;
  size_t n = (size_t)cJSON_GetArraySize(comp.json);
  CZ_NEW(cfg->components, n);
  for (const cJSON *c = comp.json->child; c; c = c->next) {
    struct cz_cfg_component *dst = &cfg->components[cfg->ncomponents];
    CZ_TRY(cz_cfg_string_copy(&comp, c->string, true, &dst->value));
    cfg->ncomponents++;
    CZ_TRY(cz_strdup(c->string, &dst->key));
  }
  return CZ_OK;
}

/* The i-th entry of networks.<list> as an object with its key path. */
static cz_status list_entry(const cz_cfg_obj *networks, const char *list, size_t i, const cJSON *e,
                            cz_cfg_obj *out) {
  out->json = (cJSON *)e;
  cz_cfg_key_fmt(out->path, sizeof out->path, "%s.%s[%zu]", networks->path, list, i);
  out->file = networks->file;
  if (!cJSON_IsObject(e)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, out->file, out->path, "must be an object, not %s", cz_cfg_json_type(e));
  }
  return CZ_OK;
}

/* networks.<list>, which must be a list when present. */
static cz_status network_list(const cz_cfg_obj *networks, const char *list, const cJSON **out) {
  *out = cz_cfg_item(networks, list);
  if (*out && !cJSON_IsArray(*out)) {
    char where[CZ_CFG_KEY_MAX];
    cz_cfg_key_join(where, sizeof where, networks->path, list);
    return CZ_CFG_ERR(CZ_ERR_CONFIG, networks->file, where, "must be a list, not %s", cz_cfg_json_type(*out));
  }
  return CZ_OK;
}

static cz_status read_node_files(cz_config *cfg, const cz_cfg_obj *networks) {
  const cJSON *list;
  CZ_TRY(network_list(networks, "nodes", &list));
  if (!list) return CZ_CFG_MISSING(networks->file, "networks.nodes");
  size_t n = (size_t)cJSON_GetArraySize(list);
  if (n == 0) return CZ_CFG_ERR(CZ_ERR_CONFIG, networks->file, "networks.nodes", "lists no node files");
  CZ_NEW(cfg->nodes, n);
  size_t i = 0;
  for (const cJSON *e = list->child; e; e = e->next, i++) {
    cz_cfg_obj entry;
    CZ_TRY(list_entry(networks, "nodes", i, e, &entry));
    cz_cfg_nodes *dst = &cfg->nodes[cfg->nnodes++];
    CZ_TRY(cz_cfg_string_copy(&entry, "nodes_file", true, &dst->nodes_file));
    CZ_TRY(cz_cfg_string_copy(&entry, "node_types_file", true, &dst->node_types_file));
    CZ_TRY(cz_cfg_bool(&entry, "enabled", true, &dst->enabled));
    for (size_t j = 0; j < i; j++) {
      if (strcmp(cfg->nodes[j].nodes_file, dst->nodes_file) == 0) {
        return CZ_CFG_ERR(CZ_ERR_CONFIG, networks->file, entry.path,
                       "nodes file %s is already listed as networks.nodes[%zu]", dst->nodes_file, j);
      }
    }
  }
  return CZ_OK;
}

static cz_status read_edge_files(cz_config *cfg, const cz_cfg_obj *networks) {
  const cJSON *list;
  CZ_TRY(network_list(networks, "edges", &list));
  if (!list) return CZ_OK;
  CZ_NEW(cfg->edges, (size_t)cJSON_GetArraySize(list));
  size_t i = 0;
  for (const cJSON *e = list->child; e; e = e->next, i++) {
    cz_cfg_obj entry;
    CZ_TRY(list_entry(networks, "edges", i, e, &entry));
    cz_cfg_edges *dst = &cfg->edges[cfg->nedges++];
    CZ_TRY(cz_cfg_string_copy(&entry, "edges_file", true, &dst->edges_file));
    CZ_TRY(cz_cfg_string_copy(&entry, "edge_types_file", true, &dst->edge_types_file));
    CZ_TRY(cz_cfg_bool(&entry, "enabled", true, &dst->enabled));
    for (size_t j = 0; j < i; j++) {
      if (strcmp(cfg->edges[j].edges_file, dst->edges_file) == 0) {
        return CZ_CFG_ERR(CZ_ERR_CONFIG, networks->file, entry.path,
                       "edges file %s is already listed as networks.edges[%zu]", dst->edges_file, j);
      }
    }
  }
  return CZ_OK;
}

static cz_status read_networks(cz_config *cfg, const cJSON *origins) {
  cz_cfg_obj networks;
  CZ_TRY(cz_cfg_section(cfg, origins, "networks", true, &networks));
  CZ_TRY(read_node_files(cfg, &networks));
  CZ_TRY(read_edge_files(cfg, &networks));
  return CZ_OK;
}

/* Inline "node_sets" wins; otherwise node_sets_file is loaded (BMTK's post-processing). */
static cz_status read_node_sets(cz_config *cfg, const cJSON *origins) {
  const cJSON *file_item = cJSON_GetObjectItemCaseSensitive(cfg->root, "node_sets_file");
  const char *file_origin = cz_cfg_origin_of(origins, "node_sets_file", cfg->path);
  if (file_item) {
    if (!cJSON_IsString(file_item)) {
      return CZ_CFG_ERR(CZ_ERR_CONFIG, file_origin, "node_sets_file", "must be a string, not %s",
                     cz_cfg_json_type(file_item));
    }
    CZ_TRY(cz_strdup(file_item->valuestring, &cfg->node_sets_file));
  }
  const cJSON *inline_sets = cJSON_GetObjectItemCaseSensitive(cfg->root, "node_sets");
  if (inline_sets) {
    if (!cJSON_IsObject(inline_sets)) {
      return CZ_CFG_ERR(CZ_ERR_CONFIG, cz_cfg_origin_of(origins, "node_sets", cfg->path), "node_sets",
                     "must be an object, not %s", cz_cfg_json_type(inline_sets));
    }
    cfg->node_sets = inline_sets;
    return CZ_OK;
  }
  if (!cfg->node_sets_file) return CZ_OK;
  CZ_TRY(cz_cfg_load_json_file(cfg->node_sets_file, "node_sets_file", file_origin, &cfg->node_sets_owned));
  if (!cJSON_IsObject(cfg->node_sets_owned)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, cfg->node_sets_file, "node_sets_file",
                   "the node sets file must hold a JSON object, not %s", cz_cfg_json_type(cfg->node_sets_owned));
  }
  cfg->node_sets = cfg->node_sets_owned;
  return CZ_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* inputs and reports                                                                          */

static bool name_in(const char *name, const char *const *list) {
  for (; *list; list++) {
    if (strcmp(name, *list) == 0) return true;
  }
  return false;
}

/* The report modules of BMTK's engines, together. */
static const char *const BMTK_REPORT_MODULES[] = {
    "membrane_report", "multimeter_report", "multimeter",    "weight_recorder", "spikes_report",
    "netcon_report",   "syn_report",        "syn_weight",    "extracellular",   "ecp",
    "clamp_report",    "save_synapses",     NULL};

/* A spikes input names its file, unless it is a function's (which every engine refuses with its
 * own message) or an ecephys_probe's, whose input_file may be a list (checked where it is read,
 * src/core/stimulus/ecephys.h). Which modules an engine runs is the engine's to say. */
static cz_status check_input(const cz_cfg_obj *b, const cz_cfg_block *blk) {
  if (!blk->enabled) return CZ_OK;
  const bool function = blk->module && strcmp(blk->module, "function") == 0;
  const bool ecephys = blk->module && strcmp(blk->module, "ecephys_probe") == 0;
  if (blk->input_type && strcmp(blk->input_type, "spikes") == 0 && !function && !ecephys) {
    const char *file;
    CZ_TRY(cz_cfg_string(b, "input_file", true, &file));
  }
  return CZ_OK;
}

/* A report module no BMTK engine knows is an error (BMTK raises on it); which of them an
 * engine writes is the engine's to say. */
static cz_status check_report(const cz_cfg_obj *b, const cz_cfg_block *blk) {
  if (!blk->enabled) return CZ_OK;
  char where[CZ_CFG_KEY_MAX];
  cz_cfg_key_join(where, sizeof where, b->path, "module");
  if (!blk->module) return CZ_CFG_MISSING(b->file, where);
  if (name_in(blk->module, BMTK_REPORT_MODULES)) return CZ_OK;
  return CZ_CFG_ERR(CZ_ERR_CONFIG, b->file, where,
                    "unknown report module \"%s\" (BMTK's are membrane_report, multimeter_report, multimeter, "
                    "weight_recorder, spikes_report, netcon_report, syn_report, syn_weight, extracellular, ecp, "
                    "clamp_report, save_synapses)",
                    blk->module);
}

static cz_status read_block(const cz_cfg_obj *sec, cJSON *item, bool reports, cz_cfg_block *blk) {
  cz_cfg_obj b;
  CZ_TRY(cz_cfg_child(sec, item->string, &b));
  CZ_TRY(cz_strdup(item->string, &blk->name));
  CZ_TRY(cz_strdup(b.file, &blk->file));
  blk->json = item;
  CZ_TRY(cz_cfg_bool(&b, "enabled", true, &blk->enabled));
  CZ_TRY(cz_cfg_string_copy(&b, "module", false, &blk->module));
  if (reports) {
    blk->node_set = cz_cfg_item(&b, "cells");
    return check_report(&b, blk);
  }
  CZ_TRY(cz_cfg_string_copy(&b, "input_type", false, &blk->input_type));
  blk->node_set = cz_cfg_item(&b, "node_set");
  return check_input(&b, blk);
}

static cz_status read_blocks(cz_config *cfg, const cJSON *origins, const char *key, cz_cfg_block **out,
                             size_t *n) {
  cz_cfg_obj sec;
  CZ_TRY(cz_cfg_section(cfg, origins, key, false, &sec));
  if (!sec.json) return CZ_OK;
  CZ_NEW(*out, (size_t)cJSON_GetArraySize(sec.json));
  bool reports = strcmp(key, "reports") == 0;
  for (cJSON *c = sec.json->child; c; c = c->next) {
    cz_cfg_block *blk = &(*out)[(*n)++];
    CZ_TRY(read_block(&sec, c, reports, blk));
  }
  return CZ_OK;
}

/* Which engine it names is app/engine_kind.h's to decide, from this and the nodes. */
static cz_status read_target_simulator(cz_config *cfg, const cJSON *origins) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg->root, "target_simulator");
  if (!v) return CZ_OK;
  const char *file = cz_cfg_origin_of(origins, "target_simulator", cfg->path);
  if (!cJSON_IsString(v)) {
    return CZ_CFG_ERR(CZ_ERR_CONFIG, file, "target_simulator", "must be a string, not %s", cz_cfg_json_type(v));
  }
  CZ_TRY(cz_strdup(file, &cfg->target_simulator_file));
  return cz_strdup(v->valuestring, &cfg->target_simulator);
}

/* ------------------------------------------------------------------------------------------ */
/* All sections                                                                                */

/* Keeps a section for the engines: an object or absent. */
static cz_status keep_section(cz_config *cfg, const cJSON *origins, const char *key, cz_cfg_section_ref *out) {
  cz_cfg_obj sec;
  CZ_TRY(cz_cfg_section(cfg, origins, key, false, &sec));
  out->json = sec.json;
  return cz_strdup(sec.file, &out->file);
}

cz_status cz_cfg_read_sections(cz_config *cfg, const cJSON *origins, const cz_cfg_overrides *ov) {
  CZ_TRY(keep_section(cfg, origins, "run", &cfg->run_section));
  CZ_TRY(keep_section(cfg, origins, "conditions", &cfg->conditions));
  CZ_TRY(read_target_simulator(cfg, origins));
  CZ_TRY(read_run(cfg, origins, ov));
  CZ_TRY(read_output(cfg, origins, ov));
  CZ_TRY(read_components(cfg, origins));
  CZ_TRY(read_networks(cfg, origins));
  CZ_TRY(read_node_sets(cfg, origins));
  CZ_TRY(read_blocks(cfg, origins, "inputs", &cfg->inputs, &cfg->ninputs));
  CZ_TRY(read_blocks(cfg, origins, "reports", &cfg->reports, &cfg->nreports));
  return CZ_OK;
}

void cz_cfg_warn_unknown_keys(const cz_config *cfg, const cz_cfg_block *b, const char *section,
                              const char *const *known, const char *what) {
  for (const cJSON *j = b->json ? b->json->child : NULL; j; j = j->next) {
    bool ok = false;
    for (size_t i = 0; known[i] && !ok; i++) ok = strcmp(j->string, known[i]) == 0;
    if (!ok)
      cz_log_warn("%s: %s.%s: key %s is not one %s reads; ignored", b->file ? b->file : cfg->path, section, b->name,
                  j->string, what);
  }
}
