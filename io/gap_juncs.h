/* A gap junction file (networks.gap_juncs[].gap_juncs_file; sonata-spec.md, inputs-spec.md §6.1):
 * the datasets source_ids, target_ids, src_gap_ids and trg_gap_ids at the file's root, one row
 * per junction between node source_ids[i] and node target_ids[i] of one node population (the
 * network, named by the file name up to "_gap_juncs.h5"). The gap ids are the ids under which
 * the two ends exchange their voltages.
 *
 * Checked on reading, each error naming the file and the dataset: integer datasets of one
 * length; no junction of a node with itself; no (source, target) pair twice (an edge would not
 * know which junction it is); no gap id twice among both id columns (two ends would publish
 * under one id). Local; not thread-safe (io/h5.h). */
#ifndef CZ_IO_GAP_JUNCS_H
#define CZ_IO_GAP_JUNCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_gap_juncs {
  char *path;
  char *network;       /* the file name up to "_gap_juncs.h5" */
  size_t n;
  uint64_t *source_ids, *target_ids, *src_gap_ids, *trg_gap_ids; /* [n], file order */
  uint64_t *by_pair;   /* [n] rows sorted by (source, target), for cz_gap_juncs_find */
} cz_gap_juncs;

/* Reads and checks path. A file name that does not end in "_gap_juncs.h5" is CZ_ERR_CONFIG
 * (BMTK names the network after it). Owned (cz_gap_juncs_free). */
cz_status cz_gap_juncs_read(const char *path, cz_gap_juncs *out);
void cz_gap_juncs_free(cz_gap_juncs *g);

/* The row of the junction from node source to node target, if the file has one. */
bool cz_gap_juncs_find(const cz_gap_juncs *g, uint64_t source, uint64_t target, size_t *row);

#endif
