/* Any numeric column of an edge population, for the edges the population holds: the value of
 * an edge's group column where its group has one, else of its type's CSV column, NaN where
 * neither has it. The loaders read syn_weight, nsyns and delay as they stream; an engine that
 * needs more per edge (BioNet's afferent_section_id and afferent_section_pos, or sec_id and
 * sec_x) reads them here after loading.
 *
 * The reader holds the population's edge_group_id and edge_group_index whole and each group's
 * column whole: sized by the file, meant for the populations of detailed-cell networks, not for
 * streamed point networks. Errors name the file and dataset: a column of the wrong type, or a
 * group index beyond its group's column. */
#ifndef CZ_IO_EDGE_COLUMNS_H
#define CZ_IO_EDGE_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "io/circuit.h"

/* Whether any group of e's file, or e's edge types table, has the column. */
cz_status cz_edge_column_exists(const cz_edge_pop *e, const char *name, bool *exists);

/* out (owned, [e->n]): the column's value for each edge e holds. Local. */
cz_status cz_edge_column_read(const cz_edge_pop *e, const char *name, double **out);

#endif
