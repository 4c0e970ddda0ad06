/* The circuit: node and edge populations read from SONATA files (sonata-spec section 1).
 *
 * Nodes. Each nodes file may hold several populations; each population row i has a node id
 * (the node_id dataset, or i when absent), a node type (looked up in the types CSV named next
 * to that file in the config, so type ids are per file) and a group (node_group_id /
 * node_group_index, or group 0 and row i when absent). An attribute of a node is taken from
 * its group's HDF5 dataset when there is one, else from its type row (h5 wins). model_type,
 * model_template and dynamics_params are resolved that way; a dynamics_params file name is
 * read as JSON from the components folder chosen by model_type (point_neuron_models_dir for
 * point_neuron/point_process/point_soma, ...), cached per file, and per-node HDF5
 * <group>/dynamics_params/<p> datasets override its keys (the SONATA rule).
 *
 * Edges. Per edge population: source and target node ids (checked against the populations
 * named by their node_population attributes), edge type (per file), and the synapse columns
 * resolved h5-over-CSV: syn_weight, nsyns and delay, each NAN where neither the edge's group
 * nor its type row has it (the engine decides what a missing value means), the synapse model
 * template and its dynamics_params JSON. A weight_function other than BMTK's built-ins (which
 * leave syn_weight as it is) is refused: it names Python code.
 *
 * Every dataset's dtype and length is checked before use; every error names the file and
 * the dataset or CSV column. Local (no MPI calls; cz_circuit_scan_edges reads through parallel
 * HDF5 when given a communicator); the loaded arrays are plain and public.
 *
 * The code: io/circuit.c (the handle), circuit_types (the types tables and the JSON they
 * name), circuit_nodes, circuit_edges (loading edges), edge_read (the reader of edge rows),
 * edge_index (target_to_source), edge_streams (reading on several threads) and edge_scan. */
#ifndef CZ_IO_CIRCUIT_H
#define CZ_IO_CIRCUIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/config.h"
#include "io/csv.h"
#include "io/node_sets.h"
#include "io/value.h"

struct cJSON;

/* A per-group HDF5 attribute column (1-D numeric or string dataset) of n entries. num holds
 * entries [first, first + held) of a numeric one: all of them for an attribute column; for a
 * dynamics_params column only those cz_circuit_load_params read (none until then). */
typedef struct cz_h5_column {
  char *name;
  size_t n;
  bool numeric;
  double *num;   /* numeric values, or NULL */
  size_t first, held;
  char **str;    /* string column, or NULL */
} cz_h5_column;

/* Per-node dynamics_params overrides of one group: dynamics_params/<name>[group index]. Their
 * numbers are read by cz_circuit_load_params, for the nodes a rank simulates only. */
typedef struct cz_node_group {
  size_t ncols;
  cz_h5_column *cols;
  size_t nparams;
  cz_h5_column *params;
  char *params_path; /* the h5 group of the params, or NULL */
} cz_node_group;

/* One node population. A per-node column whose values are implied by the row is not stored
 * (its pointer is NULL) and reads through the accessors below: every node of a network of n
 * nodes would otherwise cost 37 bytes on every rank. Read the columns through the accessors. */
typedef struct cz_node_pop {
  char *name;
  char *file;              /* nodes h5 file */
  const cz_csv *types;     /* borrowed: the node types table of this file */
  size_t n;
  uint64_t *node_id;       /* [n], NULL when the ids are 0..n-1 (identity_ids) */
  /* Each node's row in types, in one of three forms (exactly one is set): runs of nodes of
   * one type, where the file has few such runs (a network's populations are usually written
   * type by type, so a per-node row would cost every rank 2 bytes per node of the network for
   * what a few runs say); else a row per node, 16 bits when types has at most 65536 rows. */
  size_t ntype_runs;
  uint64_t *type_run_first; /* [ntype_runs] the first node of each run, ascending, [0] = 0 */
  uint32_t *type_run_row;   /* [ntype_runs] the type row of each run's nodes */
  uint16_t *type_row16;     /* [n] */
  uint32_t *type_row32;     /* [n] */
  uint32_t *group;         /* [n] group id, NULL when every node is in group 0 */
  uint64_t *group_index;   /* [n], NULL when every node's index in its group is its row */
  size_t ngroups;          /* groups are indexed by id: 0..ngroups-1 (missing ids empty) */
  cz_node_group *groups;
  /* Each node's model: an index into cz_circuit.models, UINT32_MAX for a virtual node
   * (model_type "virtual"). Per node ([n]) when a group column can set model_type,
   * model_template or dynamics_params; else NULL, and type_model[type row] holds it. */
  uint32_t *model;
  uint32_t *type_model;    /* [rows of types] when model is NULL (UINT32_MAX also for unused types) */
  bool identity_ids;       /* node id i is i for all i */
  uint64_t *id_index;      /* when not identity: sorted (id, row) pairs, [2n] */
  size_t nvirtual;
} cz_node_pop;

/* The node id of a row. */
static inline uint64_t cz_node_id(const cz_node_pop *p, size_t row) { return p->node_id ? p->node_id[row] : row; }

/* The row of the node's type in p->types. */
static inline uint32_t cz_node_type_row(const cz_node_pop *p, size_t row) {
  if (p->type_row16) return p->type_row16[row];
  if (p->type_row32) return p->type_row32[row];
  size_t lo = 0, hi = p->ntype_runs; /* the last run whose first node is at most row */
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (p->type_run_first[mid] <= row) lo = mid;
    else hi = mid;
  }
  return p->type_run_row[lo];
}

/* The group of a node, and its index in the group's columns. */
static inline uint32_t cz_node_group_id(const cz_node_pop *p, size_t row) { return p->group ? p->group[row] : 0; }
static inline uint64_t cz_node_group_index(const cz_node_pop *p, size_t row) {
  return p->group_index ? p->group_index[row] : row;
}

/* The node's model (index into cz_circuit.models), UINT32_MAX for a virtual node. */
static inline uint32_t cz_node_model(const cz_node_pop *p, size_t row) {
  return p->model ? p->model[row] : p->type_model[cz_node_type_row(p, row)];
}

static inline bool cz_node_is_virtual(const cz_node_pop *p, size_t row) { return cz_node_model(p, row) == UINT32_MAX; }

/* A distinct (model template, dynamics_params) pair that nodes refer to. */
typedef struct cz_model_ref {
  char *template_str;        /* e.g. "nest:iaf_psc_alpha" */
  char *params_file;         /* dynamics_params file (absolute) or NULL */
  const struct cJSON *params; /* borrowed from the circuit's JSON cache; may be NULL ({} ) */
} cz_model_ref;

/* The synapse columns of SONATA edges, as the files give them (h5 edge group over edge types
 * CSV): NAN where there is no value. What they mean for a synapse (its weight, a default
 * delay) is the engine's rule, not the reader's. */
typedef struct cz_edge_columns {
  double syn_weight;
  double nsyns;
  double delay; /* ms */
} cz_edge_columns;

/* Per edge type of one edge population: what its CSV row says. */
typedef struct cz_edge_type {
  cz_edge_columns col; /* the row's syn_weight, nsyns and delay (NAN when absent) */
  uint32_t syn_model;  /* index into cz_circuit.syn_models */
  /* The engine's synapse weight and delay of the type, which the reader never sets (NAN): an
   * engine puts them into its own view of the population (see weight and delay below). */
  double weight, delay;
} cz_edge_type;

/* Edges are stored compactly: rows and the type of each edge, plus per-edge columns only
 * when an HDF5 edge group of the population has synapse columns. */
typedef struct cz_edge_pop {
  char *name;
  char *file;
  uint32_t source_pop;     /* index into cz_circuit.nodes */
  uint32_t target_pop;
  size_t n;
  uint32_t *source_row;    /* [n] rows in the source population */
  uint32_t *target_row;    /* [n] rows in the target population */
  uint32_t *type;          /* [n] index into types */
  size_t ntypes;
  cz_edge_type *types;     /* one per row of the edge types CSV */
  const cz_csv *types_table; /* that CSV (borrowed from the circuit's tables), for messages */
  /* Per-edge columns, each value the edge's group's when its group has the column, else its
   * type's (NAN when neither has one). syn_weight and delay are [n] when any group of the
   * population has a synapse column, else NULL (every edge takes its type's columns); nsyns
   * is [n] only when a group has an nsyns column. */
  struct {
    double *syn_weight, *nsyns, *delay;
  } col;
  bool ids_only;           /* loaded by an ids_only filter: no columns were read (col all NULL) */
  /* The engine's per-edge weight and delay, which the reader never sets (NULL): an engine
   * fills them in its own view of the population, from the columns, by its own rule. */
  double *weight, *delay;
  bool via_index;          /* the rows were found through the target_to_source index */
  uint64_t *file_row;      /* [n] row of each kept edge in the file, when the filter asked for
                              them; NULL means edge i is row i */
} cz_edge_pop;

/* The row of edge i in its SONATA file. */
static inline uint64_t cz_edge_file_row(const cz_edge_pop *e, size_t i) { return e->file_row ? e->file_row[i] : i; }

static inline uint32_t cz_edge_syn_model(const cz_edge_pop *e, size_t i) { return e->types[e->type[i]].syn_model; }

/* Edge i's nsyns: its group's column, else its type's (NAN when neither has one). */
static inline double cz_edge_nsyns(const cz_edge_pop *e, size_t i) {
  return e->col.nsyns ? e->col.nsyns[i] : e->types[e->type[i]].col.nsyns;
}

typedef struct cz_syn_model {
  char *template_str;          /* the model_template column as written, NULL when absent */
  const struct cJSON *params;  /* borrowed; may be NULL */
  char *params_file;
  char *types_file;            /* the edge types CSV that first named it, for messages */
} cz_syn_model;

typedef struct cz_circuit {
  size_t nnodes;
  cz_node_pop *nodes;
  size_t nodes_disabled; /* networks.nodes entries skipped for "enabled": false */
  size_t nedges;
  cz_edge_pop *edges;
  size_t nmodels;
  cz_model_ref *models;
  size_t nsyn_models;
  cz_syn_model *syn_models;
  /* owned tables and JSON documents */
  size_t ntables;
  cz_csv **tables;
  /* "file:population" of the edge populations whose target_to_source index has been checked
   * against every edge; kept by cz_circuit_free_edges, so that loading a file again (by ranges
   * of targets) trusts its index without reading every target id again */
  size_t nverified;
  char **verified;
  /* the loader's chunk buffers, kept across loads: each load by ranges would otherwise map
   * fresh pages for them */
  struct cz_edge_scratch *scratch;
  size_t njson;
  struct cJSON **json;
  char **json_files;
} cz_circuit;

/* Which edges a process keeps: called for every edge with the rows of its two ends. */
typedef struct cz_edge_filter {
  bool (*keep)(const void *ctx, uint32_t source_pop, uint32_t source_row, uint32_t target_pop, uint32_t target_row);
  /* Optional: when keep depends on the target only, this answers for a target alone, and the
   * loader then reads only the rows of the kept targets through the population's
   * target_to_source index (when the file has a complete one). With keep NULL, keep_target
   * is the whole filter. */
  bool (*keep_target)(const void *ctx, uint32_t target_pop, uint32_t target_row);
  const void *ctx;
  bool file_rows; /* record each kept edge's row in its file (cz_edge_pop.file_row) */
  /* Optional: stream the kept edges instead of keeping them. batch(batch_ctx, c, e, edges) is
   * called with edges (c->edges[e] here, a view of its own in cz_edge_streams_read) holding
   * the next at most batch_edges (0: a default) kept edges of population e, in file order,
   * with file_row set; its arrays are reused once the call returns. After the load the populations hold no edges but keep names, files and types, so
   * the memory is that of one batch whatever the size of the files. A failing batch call
   * stops the load with its status. */
  cz_status (*batch)(void *batch_ctx, const struct cz_circuit *c, size_t e, const cz_edge_pop *edges);
  void *batch_ctx;
  size_t batch_edges;
  /* Ends and types only: the edge group columns (syn_weight, nsyns, delay) are neither read
   * nor checked, and the edges carry their types' columns (for a pass that needs no more,
   * after one that checked them); the loaded populations say so (cz_edge_pop.ids_only). */
  bool ids_only;
} cz_edge_filter;

/* Loads every node population and every enabled edge population of cfg. Owned (*out). */
cz_status cz_circuit_load(const cz_config *cfg, cz_circuit **out);
/* Loads the node populations only. Owned (*out). */
cz_status cz_circuit_load_nodes(const cz_config *cfg, cz_circuit **out);
/* Loads the enabled edge populations, keeping the edges flt accepts (all when flt is NULL).
 * Files are read in bounded chunks, so memory grows with the kept edges only. Both ends of
 * every edge are checked; kept edges are checked completely. */
cz_status cz_circuit_load_edges(cz_circuit *c, const cz_config *cfg, const cz_edge_filter *flt);

/* Loads the populations of one more edges file e (not one of cfg's networks.edges: a replay
 * input's), appended after those loaded; `where` names the config key for messages. */
cz_status cz_circuit_load_more_edges(cz_circuit *c, const cz_config *cfg, const cz_cfg_edges *e, const char *where,
                                     const cz_edge_filter *flt);

/* Frees the edge populations (to load them again with another filter). */
void cz_circuit_free_edges(cz_circuit *c);
void cz_circuit_destroy(cz_circuit **c);

/* Frees the per-edge arrays (after the engine has built its own synapse tables) to halve
 * the memory a run holds; population names and counts stay. Local. */
void cz_circuit_drop_edge_arrays(cz_circuit *c);

/* Population index by name, or -1. */
int cz_circuit_find_pop(const cz_circuit *c, const char *name);
/* Row of node id `id` in population p, or false when the population has no such node. */
bool cz_circuit_row_of(const cz_node_pop *p, uint64_t id, size_t *row);

/* Attribute value of a node (h5 group column first, then the type row). */
cz_value cz_circuit_node_attr(const cz_node_pop *p, size_t row, const char *key);
bool cz_circuit_has_attr(const cz_node_pop *p, const char *key);
/* Whether the node's own h5 group has the column (whatever its value there, NaN included), or
 * its node type a non-null value in that column. */
bool cz_circuit_node_has_attr(const cz_node_pop *p, size_t row, const char *key);

/* The node-set view of the circuit (ctx = c). */
cz_ns_view cz_circuit_ns_view(const cz_circuit *c);

/* Per-node dynamics_params override of key in population p (false when none); for a node
 * cz_circuit_load_params read. */
bool cz_circuit_param_override(const cz_node_pop *p, size_t row, const char *key, double *value);
/* Reads the numeric dynamics_params of the nodes keep(ctx, population, row) accepts, for every
 * population and group (each group's params from the least to the greatest group index kept:
 * one read per column, and a rank of a block placement holds its share). Replaces what an
 * earlier call read. cz_circuit_param_override answers for these nodes only. Local. */
typedef bool (*cz_node_keep)(const void *ctx, uint32_t pop, uint32_t row);
cz_status cz_circuit_load_params(cz_circuit *c, cz_node_keep keep, const void *ctx);

/* The concept headers of the edge readers that work beside the loader. */
#include "io/edge_scan.h"    /* IWYU pragma: export */
#include "io/edge_streams.h" /* IWYU pragma: export */

#endif
