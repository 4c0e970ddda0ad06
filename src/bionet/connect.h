/* A thread's synapses from the circuit's edges, and the events of the virtual cells' spikes
 * (bionet-spec.md §5.1-§5.6).
 *
 * Each edge onto a detailed cell of the thread becomes a synapse at the edge's preselected
 * location (sec_id, else afferent_section_id, indexing the section list after the axon stub;
 * sec_x, else afferent_section_pos; one synapse per edge, nsyns ignored), or, where the edge
 * has no section but nsyns, nsyns synapses at segments drawn by BMTK's random placement (its
 * type's target_sections and distance_range, the cell's gid-seeded stream, edges in BMTK's
 * order: bionet/edge_order.h). A synapse is an Exp2Syn with the synapse JSON's tau1, tau2 and
 * erev, or an ExpSyn for BMTK's expsyn template (tau = tau1); each has a NetCon from the edge's
 * source gid with weight syn_weight (µS; the built-in weight functions give syn_weight,
 * gaussianLL the tuning-curve weight of §5.2) and the edge's delay. The NetCons are kept by
 * source gid: a spike of that gid at t becomes the events t + delay of its NetCons. An edge
 * onto an IntFire1 cell is a NetCon of that weight, times nsyns and the synapse JSON's sign
 * where its group has nsyns (§5.5). The spikes of the virtual populations, read from the
 * config's spike inputs, are queued as events from the start. */
#ifndef CZ_BIONET_CONNECT_H
#define CZ_BIONET_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "bionet/step.h"
#include "io/circuit.h"
#include "io/config.h"

/* A NetCon whose events were queued when it was made, from recorded times (replay) or the
 * syn_activity timestamps, as BMTK's VecStim-driven NetCons: its src carries this bit, so
 * that its source's live spikes never reach it while reports and save_synapses still see it
 * (cz_bio_netcon_source). */
#define CZ_NETCON_PLAYED (UINT64_C(1) << 62)

typedef struct cz_bio_netcons {
  size_t n, cap;
  uint64_t *src;     /* [n] source gid, with CZ_NETCON_PLAYED for a played NetCon */
  uint32_t *target;  /* [n] event target (cz_ev_target) */
  double *w, *delay; /* [n] µS, ms */
  uint32_t *type_id; /* [n] the edge type of the edge it was made for (save_synapses) */
} cz_bio_netcons;

/* NetCon k's source gid, and whether it is played. */
static inline uint64_t cz_bio_netcon_source(const cz_bio_netcons *nc, size_t k) { return nc->src[k] & ~CZ_NETCON_PLAYED; }
static inline int cz_bio_netcon_played(const cz_bio_netcons *nc, size_t k) { return (nc->src[k] & CZ_NETCON_PLAYED) != 0; }

/* gid = pop_offset[pop] + row (populations in load order, virtual ones included). */
typedef struct cz_bio_cell_index {
  const size_t *pop_offset;  /* [npops + 1] */
  const size_t *cell_of_gid; /* [gids] the thread's detailed cell, or SIZE_MAX */
  const size_t *art_of_gid;  /* [gids] the thread's artificial cell, or SIZE_MAX; NULL: none */
  const struct cz_bio_gap_table *gaps; /* the run's gap junction files, or NULL: gap edges refused */
} cz_bio_cell_index;

/* The edge populations loaded for replay inputs (bionet/replay.h). */
typedef struct cz_bio_replay_links {
  const int *input_of_pop;              /* [c->nedges] bionet/edge_order.h's CZ_EDGES_* or a replay's input */
  struct cz_bio_replay *const *replay;  /* [c->nedges] the replay a population came from, or NULL */
} cz_bio_replay_links;

/* Adds the synapses of every loaded edge that ends on a cell of th (edges loaded with
 * cz_circuit_load_edges, and the replays' with cz_circuit_load_more_edges: rl, NULL when
 * none): a replayed edge whose source and target are in its replay's node sets gets its
 * synapses and the events of its source's recorded times. A gap edge (its type's
 * is_gap_junction; inputs-spec.md §6.2) gets a Gap end on its target cell and, where its
 * source is a cell of th (the loaded edges must include those from th's cells), one on its
 * source cell: at x = 0.5 of its afferent_section_id, or of the section of one segment drawn
 * as a one-synapse edge draws; the source ends of a population come after its target ends in
 * the cell's draws, in the order of the source's edges. Local. */
cz_status cz_bio_connect_edges(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                               const cz_bio_replay_links *rl, cz_bio_netcons *nc);
/* Queues the events of the config's spike inputs through the NetCons of their virtual
 * sources. Local. */
cz_status cz_bio_queue_spike_inputs(cz_bio_thread *th, const cz_config *cfg, const cz_circuit *c, const cz_bio_cell_index *ix,
                                    const cz_bio_netcons *nc);
void cz_bio_netcons_free(cz_bio_netcons *nc);

/* BMTK's gaussianLL weight: w0 exp(-(Δ/σ)²), Δ the difference of the tuning angles (degrees)
 * folded into [0, 90]. */
double cz_bio_tuning_weight(double w0, double sigma, double theta_source, double theta_target);

/* The NetCons in order of their source gid (ties in the order made). Owned (*order, [n]). */
cz_status cz_bio_netcons_by_source(const cz_bio_netcons *nc, size_t **order);
/* Queues the events of a spike of gid at time t through its NetCons (order from
 * cz_bio_netcons_by_source): each at t + delay, adding their number to *nevents. Local. */
cz_status cz_bio_route_spike(cz_bio_thread *th, const cz_bio_netcons *nc, const size_t *order, uint64_t gid, double t,
                             size_t *nevents);

#endif
