/* What every `cadenza generate` network shares: preparing the folder (an existing
 * config.json is replaced only when asked, and is removed first, so that a regeneration that
 * fails half-way leaves no complete-looking folder), writing its small text and JSON files, and
 * creating SONATA HDF5 files with their root attributes. The config.json is written last: its
 * presence marks a complete folder. */
#ifndef CZ_TOOLS_GEN_FOLDER_H
#define CZ_TOOLS_GEN_FOLDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/h5.h"

struct cJSON;

/* Checks and clears dir/config.json (CZ_ERR_OUTPUT unless overwrite) and creates dir's
 * subfolders network, components/cell_models, components/synaptic_models and inputs. */
cz_status cz_gen_prepare(const char *dir, bool overwrite);
/* Writes text to dir/rel, replacing it. */
cz_status cz_gen_write_text(const char *dir, const char *rel, const char *text);
/* Writes doc pretty-printed to dir/rel and frees it; atomic: through rel.part and a rename. */
cz_status cz_gen_write_json(const char *dir, const char *rel, struct cJSON *doc, bool atomic);
/* The SONATA root attributes (magic, version). */
cz_status cz_gen_root_attrs(cz_h5file *f);
/* Creates dir/rel with the root attributes; mpi_comm (NULL: this process) as in
 * cz_h5_create_parallel. Owned (*out). */
cz_status cz_gen_h5_create(const char *dir, const char *rel, const void *mpi_comm, cz_h5file **out);
/* Closes f, keeping the first failure: st when it already failed, else the close's. */
cz_status cz_gen_h5_finish(cz_h5file **f, cz_status st);
/* The ids of population pop's nodes file: node i has id i, type type_ids[i], group 0 at index
 * i (the group's columns are the caller's). */
cz_status cz_gen_write_node_ids(cz_h5file *f, const char *pop, const uint64_t *type_ids, size_t n);
/* The nodes file of population pop: its ids, and the per-node dynamics_params V_m v_m[i]. */
cz_status cz_gen_write_nodes(cz_h5file *f, const char *pop, const uint64_t *type_ids, const double *v_m, size_t n);
/* Shortest "%.Ng" text that reads back to v (0.1, -0.5, 1.5). */
void cz_gen_format_double(double v, char *buf, size_t n);

#endif
