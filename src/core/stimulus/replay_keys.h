/* The keys of a replay input block (inputs-spec.md §2.1) that every engine reads alike:
 * spikes_file and edges (edges_file, edge_types_file), paths already made absolute by the
 * config reader. Node sets are the engine's to resolve. */
#ifndef CZ_CORE_STIMULUS_REPLAY_KEYS_H
#define CZ_CORE_STIMULUS_REPLAY_KEYS_H

#include "base/status.h"
#include "io/config.h"

/* *where becomes "<config>: inputs.<name>" (for every later message of the block), then the
 * keys are read; a missing one is CZ_ERR_CONFIG naming the block and key. Owned (*where,
 * *spikes_file, edges' paths; free() them also on failure). Local. */
cz_status cz_replay_keys_read(const cz_config *cfg, const cz_cfg_block *b, char **where, char **spikes_file,
                              cz_cfg_edges *edges);

#endif
