/* The gap junction files of a BioNet run (networks.gap_juncs, inputs-spec.md §6.1) and the
 * global numbering of their junctions: junction j of file f is first[f] + its row, the same on
 * every rank, so that both ends of a junction, wherever they are built, name it alike (the
 * slots of bionet/gap.h). A gap edge between nodes s and t of node population P is the junction
 * of row (s, t) of the file whose network is P. Every rank reads the whole files. */
#ifndef CZ_BIONET_GAP_TABLE_H
#define CZ_BIONET_GAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/config.h"
#include "io/gap_juncs.h"

typedef struct cz_bio_gap_table {
  size_t n;
  cz_gap_juncs *files; /* [n] in networks.gap_juncs order */
  uint64_t *first;     /* [n + 1] the global index of each file's row 0; first[n] junctions in all */
} cz_bio_gap_table;

/* Every networks.gap_juncs entry of cfg; an entry without gap_juncs_file, a file twice for one
 * network, or a bad file is CZ_ERR_CONFIG / CZ_ERR_FORMAT naming the config key or the file.
 * Owned (cz_bio_gap_table_free). Local. */
cz_status cz_bio_gap_table_read(const cz_config *cfg, cz_bio_gap_table *out);
void cz_bio_gap_table_free(cz_bio_gap_table *t);

/* Whether some file joins nodes of the node population named network. */
bool cz_bio_gap_table_has(const cz_bio_gap_table *t, const char *network);

/* The global index of the junction from node source to node target of network (BMTK's rule:
 * one row of that network's file); none is CZ_ERR_FORMAT, with `where` (the edge) and the
 * file in the message. */
cz_status cz_bio_gap_table_junction(const cz_bio_gap_table *t, const char *network, uint64_t source, uint64_t target,
                                    const char *where, uint64_t *j);

/* The file and row of junction j, for messages. */
const char *cz_bio_gap_table_row(const cz_bio_gap_table *t, uint64_t j, size_t *row);

#endif
