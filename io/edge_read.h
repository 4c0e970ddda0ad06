/* Reading the rows of SONATA edge populations: the per-edge datasets a chunk at a time, the
 * synapse columns of the edge groups, the checks of every kept edge, and where the kept edges
 * go (the population, or streamed batches). Shared by the loaders of io/circuit_edges.c,
 * io/edge_streams.c and io/edge_scan.c; internal to io/. Reads in distinct chunk scratches
 * may run on several threads at once (they only read ranges, io/h5.h); the rest is Local. */
#ifndef CZ_IO_EDGE_READ_H
#define CZ_IO_EDGE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/circuit_types.h"
#include "io/edge_index.h"
#include "io/h5.h"

/* One synapse column of an edge group (syn_weight, nsyns or delay): its dataset and length,
 * and the window of values the current chunk's rows index ([lo, lo + cnt)), read chunk by
 * chunk so that memory does not grow with the file. */
typedef struct cz_edge_col {
  char *path; /* NULL: the group has no such column */
  const char *name;
  size_t n;
  double *win;
  size_t lo, cnt, cap;
} cz_edge_col;

typedef struct cz_edge_group {
  cz_edge_col syn_weight, nsyns, delay;
  bool any;
  bool exists; /* the file has this group */
} cz_edge_group;

typedef struct cz_edge_groups {
  size_t n;
  cz_edge_group *g;
} cz_edge_groups;

/* Bounded scratch for reading per-edge datasets a chunk at a time: memory stays flat
 * however large the population, and a chunk's arrays (about 60 bytes an edge read and
 * written) stay in cache while its edges are converted, which makes 2^17 rows several times
 * faster than 2^20; smaller chunks lose to the cost of each HDF5 read. */
enum { CZ_EDGE_CHUNK = 1 << 17 };

typedef struct cz_edge_scratch {
  size_t cap;
  uint64_t *src, *tgt, *type_id, *group, *index;
  /* the arrays of a streamed batch (cz_edge_filter.batch) */
  size_t bcap;
  bool bvalues, bnsyns; /* bw and bd, bn allocated */
  uint32_t *bsrc, *btgt, *btype;
  double *bw, *bd, *bn; /* syn_weight, delay, nsyns columns */
  uint64_t *brow;
} cz_edge_chunk;

/* The kept edges of a population, growing as chunks are read. */
typedef struct cz_edge_sink {
  cz_edge_pop *e;
  bool per_edge; /* the syn_weight and delay columns stored per edge */
  size_t cap;
  bool file_rows; /* file_row kept per edge */
  bool nsyns;     /* the nsyns column stored per edge too */
} cz_edge_sink;

/* Paths of the per-edge datasets of a population, and which optional ones the file has (asked
 * once: reads may then run on any thread). */
typedef struct cz_edge_paths {
  char src[1024], tgt[1024], type[1024], group[1024], index[1024];
  bool has_group, has_index;
} cz_edge_paths;

/* What reading rows of a population needs: its file and datasets, types and groups (with this
 * reader's windows), the filter, and where the kept edges go (e, through sink: the population
 * itself, or a batch handed to flt->batch). */
typedef struct cz_row_reader {
  const cz_circuit *c;
  cz_h5file *f;
  cz_edge_pop *e;
  size_t e_index;
  const cz_edge_paths *p;
  bool need_index, ids_only, batching;
  cz_edge_groups *eg;
  const cz_type_index *ti;
  const cz_edge_type_info *info;
  const cz_csv *types;
  const cz_edge_filter *flt;
  cz_edge_sink *sink;
  cz_edge_chunk *ch;
  size_t cap;      /* rows per read */
  bool in_ranges;  /* the ranges come from the index: skip rows of targets the filter drops */
  size_t seen;     /* rows of kept targets read (in_ranges) */
  /* spans (io/edge_index.h) of a checked index: the target ids of rows they cover need no reading */
  const uint64_t *spans;
  size_t nspans;
  size_t streamed; /* edges handed over in full batches */
  bool batch_failed; /* the error being returned is flt->batch's */
} cz_row_reader;

/* Column k (0 syn_weight, 1 nsyns, 2 delay) of group g. */
cz_edge_col *cz_edge_group_col(cz_edge_group *g, int k);
/* The synapse columns of each numbered group under pop_path (shapes and types only). */
cz_status cz_edge_groups_load(cz_h5file *f, const char *pop_path, cz_edge_groups *eg);
void cz_edge_groups_free(cz_edge_groups *eg);
/* Whether any group has a synapse column (the columns are then stored per edge); an nsyns one. */
bool cz_edge_groups_any(const cz_edge_groups *eg);
bool cz_edge_groups_nsyns(const cz_edge_groups *eg);

/* e's type table from the types CSV's rows (info, table borrowed). */
cz_status cz_edge_types_of(cz_edge_pop *e, const cz_edge_type_info *info, const cz_csv *table);

/* A chunk scratch of cap rows (on failure *out holds what was allocated, for
 * cz_edge_chunk_free); the circuit's own, kept across loads (at least cap rows). */
cz_status cz_edge_chunk_new(size_t cap, cz_edge_chunk **out);
cz_status cz_edge_chunk_get(cz_circuit *c, size_t cap, cz_edge_chunk **out);
void cz_edge_chunk_free(cz_edge_chunk *ch);
/* Points e's per-edge arrays at ch's batch arrays (cap edges; the syn_weight and delay
 * columns when per_edge, nsyns too when nsyns); gives them back (e then holds no edges). */
cz_status cz_edge_batch_lend(cz_edge_chunk *ch, size_t cap, bool per_edge, bool nsyns, cz_edge_pop *e);
void cz_edge_batch_return(cz_edge_pop *e);
/* Room for need edges in the sink's population; the slack of the growth given back. */
cz_status cz_edge_sink_reserve(cz_edge_sink *k, size_t need);
void cz_edge_sink_shrink(cz_edge_sink *k);

/* CZ_ERR_FORMAT unless dataset path holds n entries (absent is allowed unless required). */
cz_status cz_edge_check_length(cz_h5file *f, const char *path, size_t n, bool required);
/* The dataset paths of population name (f NULL: the optional ones are not looked up). */
void cz_edge_paths_of(cz_h5file *f, const char *name, cz_edge_paths *p);
/* Row of node id in population p, or an error naming dataset and the file row i. */
cz_status cz_edge_endpoint_row(const cz_node_pop *p, uint64_t id, const char *file, const char *dataset, size_t i,
                               uint32_t *row);
/* Reads the rows of ranges chunk by chunk, checks each kept edge and adds it to r's sink.
 * When the files break their format at an edge of a stream, the kept edges before it go to
 * the batch first, so that the consumer's checks of earlier edges are reported first. */
cz_status cz_edge_read_rows(cz_row_reader *r, const cz_row_ranges *ranges);

/* The node populations at the two ends of edge population name and its number of edges,
 * checked (both exist, the target is not virtual, the id datasets agree). */
cz_status cz_edge_pop_ends(const cz_circuit *c, cz_h5file *f, const char *file, const char *name,
                           uint32_t *source_pop, uint32_t *target_pop, size_t *n_file);
/* A new, empty population at the end of c->edges; a name already there is an error. Borrowed (*out). */
cz_status cz_edge_pop_append(cz_circuit *c, const char *file, const char *name, cz_edge_pop **out);
/* Frees e's per-edge arrays. */
void cz_edge_arrays_free(cz_edge_pop *e);
/* First row of part `part` when n rows are split into nparts nearly equal slices. */
size_t cz_slice_start(size_t n, int part, int nparts);

#endif
