/* The sections of a merged simulation config, read into the cz_config fields: run, output,
 * components, networks, node sets, inputs, reports and target_simulator.
 *
 * Each value is checked for its JSON type (a message names the key and the file that held
 * its section); numbers must be finite; run.dt, run.tstop or run.duration must be times > 0.
 * What a particular engine accepts beyond that (its time grid, its input and report modules)
 * is the engine's check, not this reader's: inputs and reports load whatever their module,
 * except a report module that no BMTK engine knows. */
#ifndef CZ_IO_CONFIG_SECTIONS_H
#define CZ_IO_CONFIG_SECTIONS_H

#include "base/status.h"
#include "io/config.h"

struct cJSON;

/* Reads every section of cfg->root into cfg; origins maps each top-level key to the file
 * that held it. ov may be NULL. On failure cfg holds what was read, for cz_cfg_destroy. */
cz_status cz_cfg_read_sections(cz_config *cfg, const struct cJSON *origins, const cz_cfg_overrides *ov);

#endif
