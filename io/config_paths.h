/* Paths in a SONATA config: which keys hold paths and what they are relative to.
 *
 * Relative paths in path-valued keys (components, networks files, node_sets_file, inputs'
 * files) are made absolute against the folder of the config file that held them, which is
 * what BMTK does when run from the config folder, as every example is. Output files
 * (output.log_file, output.spikes_file*) go under output_dir unless absolute; an output_dir
 * given on the command line takes along whatever lay under the config's. Report file names
 * stay relative to output_dir. A run's own outputs must not share a file. */
#ifndef CZ_IO_CONFIG_PATHS_H
#define CZ_IO_CONFIG_PATHS_H

#include "base/status.h"
#include "io/config.h"

struct cJSON;

/* Resolves the path-valued keys of one file's tree (root) against its folder dir, in place.
 * Local. */
cz_status cz_cfg_resolve_paths(struct cJSON *root, const char *dir);

/* The output folder as the config writes it and as the run uses it. */
typedef struct cz_cfg_out_dirs {
  const char *raw;    /* output_dir as written (after substitution) */
  const char *cfgdir; /* folder of the file holding "output" */
  char *config_abs;   /* output_dir from the config, absolute (owned) */
  char *final_abs;    /* output_dir used, the override when given (owned) */
} cz_cfg_out_dirs;

/* Where the output file named value ends up (absolute). Owned (*out). */
cz_status cz_cfg_output_path(const cz_cfg_out_dirs *d, const char *value, char **out);

/* CZ_ERR_CONFIG when two of the run's own outputs (spikes files, log, the copy of the config,
 * timers.json) name the same file. */
cz_status cz_cfg_check_outputs_apart(const cz_config *cfg);

#endif
