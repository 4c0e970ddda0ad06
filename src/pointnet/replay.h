/* Replayed spikes on PointNet (input module replay; inputs-spec.md §2), a Cadenza extension:
 * BMTK 1.0.8's PointNet ignores replay with a warning, so no BMTK reference exists.
 *
 * A replay rebuilds the synapses of an edges file that is not in networks.edges, for the edges
 * whose source is in source_node_set and whose target is in target_node_set (membership by
 * node id within each population), exactly as the network's edges are built (synapse models,
 * weight nsyns * syn_weight, delays, receptor ports), and drives them with the spike times a
 * previous run recorded (spikes_file: the population named like the source population, or the
 * file's only one) instead of live spikes. Keys as on BioNet (bionet/replay.h): spikes_file,
 * edges (edges_file, edge_types_file) required; source_node_set and target_node_set "all"
 * when absent; input_type is not checked, node_set is ignored.
 *
 * Design: phantom sources. A replayed edge's source is no live neuron but a spike generator
 * that plays the recorded times of its source node (NEST's spike_generator rules, as for
 * virtual nodes: core/stimulus/spike_train.h). Each such generator is a gid of its own after
 * the circuit's, one per (source population, row), shared by every replay block that names
 * it (network.h, cz_net_build_phantoms), so that:
 *  - the live neuron's spikes never pass the replay synapses, and the generators never drive
 *    the neuron's own outgoing edges (they are different gids);
 *  - the replay edges stream through the same passes as the network's (scan, count, fill), each
 *    rank reading its own targets' rows, so the tables cost what the rank's synapses cost;
 *  - the generators' spikes join the virtual nodes' spike list, which the time loop merges in
 *    (step, gid) order on every rank: each rank keeps only the spikes of generators it has
 *    synapses from, so that list too grows with the rank's share, and the sums are the same
 *    for any ranks, threads or partitioner.
 * A generator plays the times of the first replay block (inputs order) whose source_node_set
 * holds its node (BMTK's BioNet caches VecStims the same way; it keys on the first block that
 * connects the node, which differs only for a block that selects a node it has no edge from);
 * a warning says when two blocks name different spikes files. */
#ifndef CZ_POINTNET_REPLAY_H
#define CZ_POINTNET_REPLAY_H

#include "base/status.h"
#include "core/placement_map.h"
#include "core/stimulus/spike_train.h"
#include "io/circuit.h"
#include "io/config.h"
#include "pointnet/network.h"

typedef struct cz_pn_replays cz_pn_replays;

/* Whether an input block is an enabled replay. */
bool cz_pn_is_replay(const cz_cfg_block *b);

/* The enabled replay blocks of cfg with their node sets resolved against c (nodes loaded);
 * *out is NULL when there are none. Logs (rank 0) once that replay on PointNet is a Cadenza
 * extension. Errors name the config file, inputs.<name> and the key. Owned (*out). Local. */
cz_status cz_pn_replays_read(const cz_config *cfg, const cz_circuit *c, cz_pn_replays **out);
void cz_pn_replays_destroy(cz_pn_replays **rp);

/* cz_net_build_streamed with the replays' edges too, their sources the phantom generators.
 * Leaves c without edges. Owned (*out). Local. */
cz_status cz_pn_replays_build(cz_pn_replays *rp, const cz_config *cfg, cz_circuit *c, int nthreads, int rank,
                              int nranks, const cz_placement *placement, const cz_net_layout *layout,
                              cz_network **out);

/* Adds to vs (sorted by (step, gid), kept so) the spikes of the phantom generators that net
 * (built by cz_pn_replays_build) has synapses from. Every rank reads and checks the whole
 * files alike, so a bad time fails every rank. Local. */
cz_status cz_pn_replays_spikes(const cz_pn_replays *rp, const cz_config *cfg, const cz_circuit *c,
                               const cz_network *net, cz_vspikes *vs);

/* cadenza check for one replay block: its keys and node sets, its edge populations' ends (c
 * gets those populations, without edges) and its spike times. Local. */
cz_status cz_pn_replay_check(const cz_config *cfg, const cz_cfg_block *b, cz_circuit *c);

#endif
