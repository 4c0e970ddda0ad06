/* The SONATA simulation config, read as BMTK reads it (sonata-spec section 2).
 *
 * Loading steps: parse the JSON (a syntax error names file:line:col); build the manifest and
 * substitute its variables (io/config_manifest.h); follow "network" then "simulation" when
 * they are strings (child config paths relative to the parent config's folder), parse each
 * child the same way with its own folder and manifest, and shallow-merge it into the parent
 * (child top-level keys replace the parent's). Relative paths are resolved per file
 * (io/config_paths.h). node_sets_file is loaded when there is no inline node_sets. Then the
 * sections are read (io/config_sections.h).
 *
 * Validation: wrong JSON types, missing run.dt, missing tstop/duration, dt <= 0, tstop <= 0,
 * non-finite numbers, networks entries without their files, unknown spikes_sort_order:
 * CZ_ERR_CONFIG naming the key and the file. Unknown keys are ignored; a report module that
 * no BMTK engine knows is an error. The reader knows formats, not engines: whether an engine
 * can run the config (its time grid, its start time, the input and report modules it has) is
 * that engine's check, made once the folder's engine is known (app/engine_kind.h). */
#ifndef CZ_IO_CONFIG_H
#define CZ_IO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

struct cJSON;

/* The longest time, in ms, any time or delay of a simulation may be: its count of
 * microseconds and of steps then fits in an int64_t, so no time converts with overflow. */
#define CZ_TIME_MAX_MS 1e15

/* Whether t_ms is a finite time no longer than CZ_TIME_MAX_MS either way. */
static inline bool cz_time_in_range(double t_ms) { return t_ms >= -CZ_TIME_MAX_MS && t_ms <= CZ_TIME_MAX_MS; }

typedef struct cz_cfg_nodes {
  char *nodes_file;      /* absolute */
  char *node_types_file; /* absolute */
  bool enabled;          /* "enabled", default true (BMTK's extension for edges, honoured here too) */
} cz_cfg_nodes;

typedef struct cz_cfg_edges {
  char *edges_file;      /* absolute */
  char *edge_types_file; /* absolute */
  bool enabled;          /* BMTK extension, default true */
} cz_cfg_edges;

typedef struct cz_cfg_block {
  char *name;                /* key under "inputs" or "reports" */
  bool enabled;              /* "enabled", default true */
  char *input_type;          /* inputs: "input_type" (may be NULL) */
  char *module;              /* "module" (may be NULL for reports without one) */
  const struct cJSON *json;  /* the whole block (borrowed from the config tree), after
                                substitution and path resolution */
  const struct cJSON *node_set; /* inputs: "node_set"; reports: "cells"; NULL when absent */
  char *file;                /* the config file that held the block (absolute; owned) */
} cz_cfg_block;

typedef enum cz_sort_order { CZ_SORT_NONE = 0, CZ_SORT_BY_ID, CZ_SORT_BY_TIME } cz_sort_order;

/* No typedef: the name cz_cfg_component belongs to the lookup function below, and C keeps
 * typedef and function names in one namespace. */
struct cz_cfg_component {
  char *key;   /* e.g. "point_neuron_models_dir" */
  char *value; /* absolute path */
};

/* Command-line overrides applied after loading (a NaN / NULL / negative field means unset). */
typedef struct cz_cfg_overrides {
  double tstop;
  double dt;
  const char *output_dir;
} cz_cfg_overrides;

/* A config section as the file that gave it wrote it, for engine settings the generic reader
 * does not interpret (e.g. "conditions" and BioNet's run.dL): json borrowed from the config
 * tree (NULL when absent), file the config file it came from (absolute; owned). */
typedef struct cz_cfg_section_ref {
  const struct cJSON *json;
  char *file;
} cz_cfg_section_ref;

typedef struct cz_config {
  char *path;              /* absolute path of the top-level config file */
  char *dir;               /* its folder */
  struct cJSON *root;      /* the merged, substituted tree (owned) */

  /* run */
  double tstart;           /* run.tstart, 0 when absent */
  double tstop;            /* run.duration wins over run.tstop */
  double dt;
  bool dt_overridden;      /* dt came from the command line (cz_cfg_overrides.dt) */
  char *run_file;          /* the config file that gave run.dt (absolute), NULL when overridden */
  int n_thread;            /* run.n_thread, 0 when absent */
  bool precise_times;      /* run.precise_times, default true */
  bool allow_offgrid_spikes; /* run.allow_offgrid_spikes, default false */
  long nsteps_block;       /* run.nsteps_block, 0 when absent */
  char *target_simulator;  /* may be NULL */
  char *target_simulator_file; /* the config file that set it (absolute), or NULL */

  /* output */
  char *output_dir;        /* absolute */
  char *output_dir_config; /* absolute: the config's own output_dir, before a command-line override */
  bool overwrite_output_dir; /* output.overwrite_output_dir or run.overwrite_output_dir */
  char *log_file;          /* absolute or NULL */
  char *log_level;         /* may be NULL (INFO) */
  bool log_to_console;     /* default true */
  bool quiet_simulator;    /* default false */
  char *spikes_file;       /* absolute or NULL (BMTK writes none unless given) */
  char *spikes_file_csv;   /* absolute or NULL */
  char *spikes_file_nwb;   /* absolute or NULL (not written; warned) */
  cz_sort_order sort_order; /* output.spikes_sort_order / sort_by */

  /* components */
  size_t ncomponents;
  struct cz_cfg_component *components;

  /* networks */
  size_t nnodes;
  cz_cfg_nodes *nodes;
  size_t nedges;
  cz_cfg_edges *edges;

  /* node sets: an object name -> expression, or NULL (borrowed from root or owned below) */
  const struct cJSON *node_sets;
  struct cJSON *node_sets_owned; /* set when loaded from node_sets_file */
  char *node_sets_file;          /* absolute or NULL */

  /* the run and conditions sections as written (engine settings) */
  cz_cfg_section_ref run_section;
  cz_cfg_section_ref conditions;

  size_t ninputs;
  cz_cfg_block *inputs;
  size_t nreports;
  cz_cfg_block *reports;
} cz_config;

/* Loads and validates path. ov may be NULL. Owned (*out). Local (no MPI). */
cz_status cz_cfg_load(const char *path, const cz_cfg_overrides *ov, cz_config **out);
void cz_cfg_destroy(cz_config **cfg);

/* Value of components.<key> (borrowed) or NULL. */
const char *cz_cfg_component(const cz_config *cfg, const char *key);

/* The resolved config as JSON text without "manifest", as BMTK copies it into output_dir.
 * Owned (*out, free()). */
cz_status cz_cfg_dump(const cz_config *cfg, char **out);

/* Warns once per key of block b (under section, "inputs" or "reports") that is not in known
 * (NULL-terminated): what (e.g. "the comsol input") does not read it, so it is ignored. */
void cz_cfg_warn_unknown_keys(const cz_config *cfg, const cz_cfg_block *b, const char *section,
                              const char *const *known, const char *what);

/* Refuses a relative output file name that leaves output_dir through "..": an absolute name
 * is the user's explicit choice, a relative one stays inside the output folder. key names the
 * setting (e.g. "reports.v.file_name") in the message. */
cz_status cz_cfg_check_output_name(const cz_config *cfg, const char *key, const char *name);

/* Refuses an output file (key, path: e.g. a report) that one of the run's own outputs also
 * writes: the spikes files, the log, the copy of the config, timers.json. */
cz_status cz_cfg_check_output_file(const cz_config *cfg, const char *key, const char *path);

#endif
