/* The types tables of a circuit: the node and edge *_types.csv files, the index from type id
 * to table row, the dynamics_params JSON documents they name (parsed once per file and kept by
 * the circuit), and what an edge types row says about its synapse (its columns and its model).
 * Internal to io/circuit*.c. All Local. */
#ifndef CZ_IO_CIRCUIT_TYPES_H
#define CZ_IO_CIRCUIT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"

struct cJSON;

/* Takes t into the circuit's tables (freed with it; t is freed on failure too). */
cz_status cz_circuit_keep_table(cz_circuit *c, cz_csv *t);
/* A dynamics_params that names a folder is a mistake whatever its name (what: for the message). */
cz_status cz_circuit_check_params_file(const char *path, const char *what);
/* The dynamics_params JSON object of path, parsed once and kept by c. Borrowed (*out). */
cz_status cz_circuit_params_json(cz_circuit *c, const char *path, const char *what, const struct cJSON **out);

/* Maps type ids (first column named id_col) to table rows; sorted pairs for bsearch, and a
 * direct table when the ids are small (the usual case), since every edge looks its type up. */
typedef struct cz_type_index {
  size_t n;
  uint64_t *ids;
  uint32_t *rows;
  size_t ndense;
  uint32_t *dense; /* [ndense] row of id, UINT32_MAX for none; NULL when ids are large */
} cz_type_index;

/* Builds the index of table t over its column id_col (non-negative, distinct ids). */
cz_status cz_type_index_build(const cz_csv *t, const char *id_col, cz_type_index *ti);
/* The row of type id (false when the table has no such id). */
bool cz_type_index_row(const cz_type_index *ti, uint64_t id, uint32_t *row);
void cz_type_index_free(cz_type_index *ti);
/* qsort order of (key, value) uint64 pairs by key. */
int cz_cmp_u64_pair(const void *a, const void *b);

/* Per edge type: what the CSV row says about the synapse. */
typedef struct cz_edge_type_info {
  cz_edge_columns col; /* NAN when absent */
  uint32_t syn_model;
} cz_edge_type_info;

/* What each row of the edge types table t says (refusing weight functions that name Python
 * code), its synapse models added to c. Owned (*out, [t->nrows]). */
cz_status cz_edge_type_infos(cz_circuit *c, const cz_config *cfg, const cz_csv *t, cz_edge_type_info **out);

#endif
