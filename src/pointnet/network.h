/* The simulated network in the form the time loop wants it.
 *
 * Index spaces. A gid numbers every node of every population in load order (population
 * offset + row); gids are the identity of spike sources and the key that orders spikes. The
 * neurons this rank simulates (its placement, placement.h) are also numbered by a local
 * neuron index (nid), grouped by model kind so that each kind's kernel runs over one
 * contiguous range; inside a group nids follow gids. Only synapses onto local neurons are kept.
 * Each local neuron has a send set: the other ranks that hold targets of it, which its spikes
 * are sent to (spike_exchange.h), a list or a bitmap of ranks (core/rank_set.h).
 *
 * Synapses live with their targets. Threads own contiguous nid ranges (balanced by in-degree),
 * and each thread keeps the synapses onto its own neurons grouped by source, in edge order
 * (edge population order, then row). Delivering spikes in (step, gid) order and walking each
 * source's synapses in that order therefore adds into every target's ring buffer in the same
 * sequence whatever the thread count: sums are bit-identical.
 *
 * Memory that scales with the rank's share: the sources are numbered once per rank by slot, and
 * each thread finds a source's synapses through an index over slots (synapse_table.h).
 *
 * Ring buffers: ring[slot][channel][nid] holds the input summed for the update of step k with
 * slot = k & ring_mask. A synapse stores its target as tgt = channel * N + nid and its delay
 * in steps. When every target index fits 24 bits (channels * N <= 2^24) and every delay is
 * below 256 steps, as in most networks, the delay rides in the top 8 bits of tgt and the
 * delay array is dropped: 2 bytes less per synapse to hold and to read per spike.
 *
 * Weights: most networks use few distinct weights (one per edge type), so when there are at
 * most 65536 distinct values a synapse stores a 16-bit code into a shared table instead of a
 * double: 6 bytes per synapse instead of 12 (packed delays; 2 more otherwise), and less memory
 * traffic per delivered spike. The table holds the exact values, so results do not change.
 * Otherwise, when every weight is a value a float holds exactly (generators write such
 * weights), weights are stored as floats: 8 bytes per synapse, and again the same sums.
 *
 * Plastic synapses (stdp, Tsodyks) and synapses a weight_recorder report records live in a
 * second CSR per thread with the same order, and carry their own state. Their state is one
 * struct per synapse rather than arrays: a passing spike reads and writes all of it together.
 * Delivery walks, for each spike, the static synapses of its source and then its plastic
 * ones, so the order of additions into a target is still fixed by (step, gid, edge). Neurons
 * with stdp synapses onto them archive their spikes (pointnet/models/post_archive.h). */
#ifndef CZ_POINTNET_NETWORK_H
#define CZ_POINTNET_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "core/gidmap.h"
#include "core/placement_map.h"
#include "core/rank_set.h"
#include "core/timegrid.h"
#include "io/circuit.h"
#include "io/config.h"
#include "pointnet/weight_recorder.h"
#include "pointnet/synapse_table.h"
#include "pointnet/models/model.h"
#include "pointnet/models/post_archive.h"
#include "pointnet/models/synapse.h"

#define CZ_NO_NID CZ_GIDMAP_NONE

/* NEST counts time in tics of 0.001 ms. */
#define CZ_NEST_TICS_PER_MS 1000

/* The layout choices of a build. The builder takes each layout the data allow; these force
 * the other one, for tests and comparisons (app/layout_options.h reads them from the
 * environment). */
typedef struct cz_net_layout {
  bool weight_codes;    /* weights coded, or floats when exact (false: doubles) */
  bool packed_targets;  /* delays in the targets' top bits when they fit (false: apart) */
  bool fill_grouped;    /* the fill groups by blocks of sources whatever their number */
  bool edge_threads;    /* every thread reads its own targets' edges when indexed (false: one reader) */
  uint64_t edge_batch;  /* edges per batch of the streamed build; 0: the loader's default */
  cz_source_index source_index;
} cz_net_layout;

/* The layout the data choose. */
cz_net_layout cz_net_layout_default(void);

typedef struct cz_group {
  const cz_model_kind *kind;
  void *impl;
  uint32_t lo, hi; /* nid range */
} cz_group;

/* Delays of one networks.edges entry that are no whole number of steps, which NEST rounds to
 * the nearest step without a word: how many edges have one, the least and the greatest, and
 * whether any came from the edge types CSV. */
typedef struct cz_delay_tally {
  uint64_t n;
  double lo, hi;
  bool from_types;
} cz_delay_tally;

typedef struct cz_network {
  cz_timegrid tg;          /* the step (NEST's tics), nsteps; tg.min_delay is min_delay below */
  cz_gidmap gm;            /* gids; the local ids are the nids */
  size_t ncircuit_gids;    /* the circuit's gids: gm.nsrc unless the build made phantom sources */
  size_t N;                /* gm.nlocal */

  size_t ngroups;
  cz_group *groups;

  int nch;                 /* ring channels: 1, 2 (sign-split kinds) or the most receptor ports */
  int nthreads;
  uint32_t *thr_lo;        /* [nthreads + 1] nid range owned by each thread for delivery */
  cz_sources sources;      /* the gids with synapses onto this rank; the tables' slots */
  cz_net_layout layout;    /* the build's layout choices */
  cz_synapses *syn;        /* [nthreads] */
  size_t nwtab;            /* distinct weights when coded, else 0 */
  bool wfloat;             /* weights stored as floats (exact), when not coded */
  double *wtab;            /* [nwtab] */
  size_t nsyn_total;
  size_t nsyn_models;      /* the circuit's synapse models (edge type params) */
  cz_syn_params *syn_params; /* [nsyn_models] rule and parameters of those in use */
  int *syn_rec;            /* [nsyn_models] weight_recorder report recording it, -1 for none */
  uint8_t *syn_resolved;   /* [nsyn_models] whether an edge uses it (the two above are set) */
  cz_wrecs wrecs;          /* the weight_recorder reports */
  cz_plastic *plastic;     /* [nthreads], NULL when no synapse here is plastic or recorded */
  size_t nplastic;         /* plastic or recorded synapses on this rank */
  cz_post_archive *archive; /* [N] spike archives, NULL when no stdp synapse targets this rank */
  int32_t min_delay;       /* steps, over the whole network (equal on every rank after
                              cz_net_connect); 1 when there are no synapses */
  int32_t max_delay;       /* steps, over this rank's synapses (at least 1 after cz_net_connect) */
  size_t noffgrid;          /* the config's networks.edges entries */
  cz_delay_tally *offgrid;  /* [noffgrid] this rank's edges whose delays are off the grid */
  int rank, nranks;
  cz_rank_sets send;       /* [N] send set of each local neuron (core/rank_set.h), when nranks > 1 */
} cz_network;

/* Builds this rank's part of the network from the circuit: its neuron groups with their
 * parameters (the circuit reads their per-node dynamics_params: cz_circuit_load_params), the
 * synapses onto them with weights and delays in steps, partitioned for nthreads threads.
 * placement (borrowed; NULL: every neuron is local) says where each neuron lives; the circuit
 * holds the edges onto this rank's neurons (its other edges are ignored). layout (borrowed,
 * copied; NULL: cz_net_layout_default()) forces layouts the data would not choose.
 * cz_net_connect completes it. Owned (*out). Local. */
cz_status cz_net_build(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                       const cz_placement *placement, const cz_net_layout *layout, cz_network **out);
/* The same build straight from the edge files, for runs: c holds the nodes only; the edge
 * files are streamed two or three times (validate and count, count when the scan could not,
 * fill) in batches of at most layout->edge_batch edges (0: the loader's default of 2^17), so
 * that memory holds the tables plus one batch, whatever the size of the files. placement as for cz_net_build (NULL: every neuron local;
 * otherwise each rank reads only its own targets' rows, through the target_to_source index
 * when the file has one). Leaves c without edges. The tables equal those of cz_net_build.
 * Owned (*out). Local. */
cz_status cz_net_build_streamed(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                                const cz_placement *placement, const cz_net_layout *layout, cz_network **out);
/* The streamed build with another source of edges than the files: each pass calls
 * read(ctx, c, cfg, flt) where it would call cz_circuit_load_edges(c, cfg, flt), and read
 * must behave alike (populations set up, the edges flt keeps handed to flt->batch in file
 * order). A dry run (app/dry_run.h) draws them from a generator. Owned (*out). Local. */
typedef cz_status (*cz_net_edge_reader)(void *ctx, cz_circuit *c, const cz_config *cfg, const cz_edge_filter *flt);
cz_status cz_net_build_read(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                            const cz_placement *placement, const cz_net_layout *layout, cz_net_edge_reader read,
                            void *ctx, cz_network **out);
/* The read build with phantom sources (pointnet/replay.h): spike generators that stand in
 * for nodes of the circuit as the sources of some edges. phantom_size[p] ([c->nnodes]; 0:
 * none) gids follow the circuit's for population p, one per row, in population order, so that
 * their order is that of the nodes they stand for; read hands their edges to the filter's batch
 * with source_pop = c->nnodes + p. They are no node anywhere: no rank sends their spikes.
 * Owned (*out). Local. */
cz_status cz_net_build_phantoms(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                                const cz_placement *placement, const cz_net_layout *layout, const size_t *phantom_size,
                                cz_net_edge_reader read, void *ctx, cz_network **out);
void cz_net_destroy(cz_network **net);

/* The node a source gid is or stands for (a phantom source: the node whose recorded spikes it
 * plays), as population and row of the circuit; true for a phantom. Local; thread-safe. */
bool cz_net_locate_source(const cz_network *net, size_t gid, size_t *pop, size_t *row);

/* A delay in steps of h ms as NEST converts it (Time::delay_ms_to_steps): delay times the
 * steps per ms (1 / h), rounded to the nearest whole number, halves up. */
double cz_net_delay_steps(double delay_ms, double h);

/* Warns, once per networks.edges entry, about the delays of every rank's edges that are no
 * whole number of steps (how many, and how they were rounded). Collective; rank 0's log says
 * it. */
cz_status cz_net_warn_off_grid(const cz_network *net, const cz_config *cfg);

/* Completes the build across ranks: the global minimum and maximum delays (the epoch length
 * must be the same everywhere) and the send lists, from each rank's requests for the spikes of
 * the neurons it has synapses from. placement as for cz_net_build. Collective. */
cz_status cz_net_connect(cz_network *net, const cz_placement *placement);

/* The checks of cz_net_build on the loaded edges that need no network: supported synapse
 * models and parameters (weight_recorder reports of cfg name models too), weights the model
 * accepts, no edge onto a virtual node, delays of 1 to 65535 steps of cfg->dt; warns as
 * cz_net_warn_off_grid does about delays off the grid of steps. Local. */
cz_status cz_net_check_edges(const cz_config *cfg, const cz_circuit *c);

/* The bytes of the network's tables, for memory studies: what grows with the synapses, with
 * the sources seen here, and with the network's gids. */
typedef struct cz_net_mem {
  size_t nsyn;        /* synapses on this rank, static and plastic */
  size_t nslot;       /* sources with synapses on this rank */
  size_t ngid;        /* gids of the network */
  size_t synapses;    /* the per-synapse columns of every thread's static tables */
  size_t plastic;     /* the per-synapse columns and states of the plastic tables */
  size_t index;       /* every thread's source index (cz_syn_index) */
  size_t sources;     /* the rank's source table (cz_sources) */
  size_t gid_map;     /* the gid map (core/gidmap.h) */
  size_t send_lists;  /* the send sets */
} cz_net_mem;
void cz_net_memory(const cz_network *net, cz_net_mem *out);

#endif
