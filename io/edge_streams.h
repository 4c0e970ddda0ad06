/* Edge streams: the edge files of a circuit opened for reading by several threads at once.
 *
 * Opening (one thread) puts every enabled edge population's name, file and types into
 * c->edges (no edges: n = 0) and reads, from each population's target_to_source index, the
 * spans of the targets `keep` keeps (keep->keep_target: a rank's own targets), so that a rank
 * holds its share of the index, not all of it (io/edge_index.h). With check_rows it also checks
 * the index (an index this circuit checked before is trusted): against the kept rows when they
 * are all the rows, in full otherwise. Without check_rows the parties check it together: each
 * checks the rows of its kept spans in slices (cz_edge_streams_check_rows, thread-safe in
 * distinct slots), and the index holds when every slice held and the parties' kept rows
 * (cz_edge_streams_rows) add up to the population's rows; the verdict is set with
 * cz_edge_streams_set_index_ok. Then cz_edge_streams_read reads, on the calling thread and in
 * slot `slot`, the edges onto the kept targets flt->keep_target also keeps (keep must be NULL
 * and batch set): in file order, in batches handed to flt->batch with a view of the population
 * of the slot's own. Reads in different slots may run at the same time. Close frees c->edges
 * again. */
#ifndef CZ_IO_EDGE_STREAMS_H
#define CZ_IO_EDGE_STREAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

struct cz_circuit;
struct cz_config;
struct cz_edge_filter;

typedef struct cz_edge_streams cz_edge_streams;
cz_status cz_edge_streams_open(struct cz_circuit *c, const struct cz_config *cfg, int nslots,
                               const struct cz_edge_filter *keep, bool check_rows, cz_edge_streams **out);
/* The populations opened; whether population i's index holds for the kept rows of slice `part`
 * of nparts (*ok; also false without an index); the rows of its kept spans and all its rows;
 * whether it held so far; the verdict agreed. */
size_t cz_edge_streams_count(const cz_edge_streams *s);
cz_status cz_edge_streams_check_rows(cz_edge_streams *s, size_t i, int slot, int part, int nparts, bool *ok);
void cz_edge_streams_rows(const cz_edge_streams *s, size_t i, uint64_t *kept, uint64_t *total);
bool cz_edge_streams_index_ok(const cz_edge_streams *s, size_t i);
cz_status cz_edge_streams_set_index_ok(cz_edge_streams *s, size_t i, bool ok);
/* Whether every population has a checked index, which cz_edge_streams_read needs. */
bool cz_edge_streams_by_target(const cz_edge_streams *s);
/* Calls add(ctx, row, n) with the number n of edges of population e onto each kept row of its
 * target population (from the index; a row may come several times). */
typedef void (*cz_edge_count_fn)(void *ctx, uint32_t row, uint64_t n);
cz_status cz_edge_streams_in_counts(const cz_edge_streams *s, size_t e, cz_edge_count_fn add, void *ctx);
cz_status cz_edge_streams_read(cz_edge_streams *s, int slot, const struct cz_edge_filter *flt);
void cz_edge_streams_close(cz_edge_streams **s);

#endif
