/* Replayed spikes (input module replay; inputs-spec.md §2): the synapses of an edges file that
 * is not in networks.edges, rebuilt for the cells of target_node_set from the sources of
 * source_node_set, and driven by the spike times a previous run recorded (spikes_file, its
 * default population) instead of live spikes. Placement, weights and delays are those of any
 * edge onto a detailed cell, the placement drawing from the target cell's stream in the
 * order of the inputs (bionet/edge_order.h). Membership is by node id within each population
 * (BMTK 1.0.8 compares node ids with gids, which differs once a population has a non-zero gid
 * offset; Cadenza warns there).
 *
 * Keys: spikes_file, edges (edges_file, edge_types_file) required; source_node_set and
 * target_node_set ("all" when absent). input_type is not checked, node_set is ignored, as in
 * BMTK. */
#ifndef CZ_BIONET_REPLAY_H
#define CZ_BIONET_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/config.h"

typedef struct cz_bio_replay {
  size_t input;          /* its index in cfg->inputs */
  char *where;           /* "<config>: inputs.<name>" */
  cz_cfg_edges edges;    /* the edges file and its types (absolute) */
  char *spikes_file;
  size_t npops;
  uint8_t **source, **target; /* [npops][rows] node set membership */
  bool *has_source, *has_target; /* [npops] the population has a selected node */
  uint64_t **ids;        /* [npops] each source population's spike node ids, ascending (read on demand) */
  double **times;        /* [npops] their times, ascending within a node */
  size_t *nspikes;       /* [npops] */
  bool *read;            /* [npops] */
} cz_bio_replay;

typedef struct cz_bio_replays {
  size_t n;
  cz_bio_replay *r;
} cz_bio_replays;

/* The enabled replay inputs of cfg, their node sets resolved against c. Errors name the block
 * and key. Owned (cz_bio_replays_free). Local. */
cz_status cz_bio_replays_read(const cz_config *cfg, const cz_circuit *c, cz_bio_replays *out);
void cz_bio_replays_free(cz_bio_replays *r);

/* Counts the loaded edges of population edge_pop (one of r's) that BMTK 1.0.8 would select
 * otherwise: it tests the edges' node ids against the node sets' gids (pop_offset[p] + node
 * id, [npops + 1]), which matches the node-id rule only where the population's offset is 0.
 * Adds to *differ. Local. */
cz_status cz_bio_replay_gid_rule(const cz_bio_replay *r, const cz_circuit *c, size_t edge_pop, const size_t *pop_offset,
                                 uint64_t *differ);

/* The times (ascending, [*n]) a replay plays for node row of source population pop (reading
 * its spikes on first use). Local. */
cz_status cz_bio_replay_times(cz_bio_replay *r, const cz_circuit *c, size_t pop, size_t row, const double **times,
                              size_t *n);

#endif
