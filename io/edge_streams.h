/* Edge streams: the edge files of a circuit opened for reading by several threads at once.
 *
 * Opening (one thread) puts every enabled edge population's name, file and types into
 * c->edges (no edges: n = 0), reads each population's target_to_source index and checks that
 * its ranges cover the rows exactly once; with check_rows it also checks every row's target id
 * (an index this circuit checked before is trusted), and gives nslots slots of scratch.
 * Without check_rows the rows are checked in slices, by any number of threads and ranks
 * (cz_edge_streams_check_rows, thread-safe in distinct slots), and the parties' verdicts,
 * combined, set with cz_edge_streams_set_index_ok. Then cz_edge_streams_read reads, on the
 * calling thread and in slot `slot`, the edges onto the targets flt->keep_target keeps (keep
 * must be NULL and batch set): in file order, in batches handed to flt->batch with a view of
 * the population of the slot's own. Reads in different slots may run at the same time. Close
 * frees c->edges again. */
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
cz_status cz_edge_streams_open(struct cz_circuit *c, const struct cz_config *cfg, int nslots, bool check_rows,
                               cz_edge_streams **out);
/* The populations opened; whether population i's index holds for the rows of slice `part` of
 * nparts (*ok; also false without an index); whether it held so far; the verdict agreed. */
size_t cz_edge_streams_count(const cz_edge_streams *s);
cz_status cz_edge_streams_check_rows(cz_edge_streams *s, size_t i, int slot, int part, int nparts, bool *ok);
bool cz_edge_streams_index_ok(const cz_edge_streams *s, size_t i);
cz_status cz_edge_streams_set_index_ok(cz_edge_streams *s, size_t i, bool ok);
/* Whether every population has a checked index, which cz_edge_streams_read needs. */
bool cz_edge_streams_by_target(const cz_edge_streams *s);
/* Adds to count[row] the number of edges of population e onto each row of its target
 * population (from the index). */
cz_status cz_edge_streams_in_counts(const cz_edge_streams *s, size_t e, uint64_t *count);
cz_status cz_edge_streams_read(cz_edge_streams *s, int slot, const struct cz_edge_filter *flt);
void cz_edge_streams_close(cz_edge_streams **s);

#endif
