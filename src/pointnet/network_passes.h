/* The passes of the network build over the edges (scan, count, fill): where the edges come
 * from, and one pass on one thread or on every thread. Internal to the network build
 * (pointnet/network*.c). */
#ifndef CZ_POINTNET_NETWORK_PASSES_H
#define CZ_POINTNET_NETWORK_PASSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"
#include "io/config.h"
#include "pointnet/network.h"

/* Where the edges come from: the circuit's loaded edges, or, when the circuit has none
 * loaded, the edge files streamed in batches (cz_edge_filter.batch), read again by each pass
 * below, so that no more than a batch of edges is ever in memory besides the tables. The
 * batches come in file order, so per source the synapses keep their edge order, and the
 * tables, and the sums, are those of a build from all edges at once.
 *
 * When every edge population has a target_to_source index (checked against its edges), the
 * passes run threaded: the thread ranges of nids are set before the scan from the index's
 * in-degrees (the same ranges the scan's own counts would give), and each thread reads the
 * rows of its own neurons' edges (cz_edge_streams_read) and scans, counts or fills with them
 * alone, so reading, checking and filling all run on every thread. A thread's edges come in
 * file order, as in the one-thread reader, so the tables are the same. */
typedef struct cz_net_edge_source {
  cz_circuit *c;
  bool streamed;
  const cz_config *cfg;
  const cz_placement *placement; /* NULL: every neuron is local */
  size_t batch_edges; /* 0: the loader's default */
  const cz_network *net;
  cz_edge_streams *streams; /* threaded passes; NULL: one thread reads */
  cz_net_edge_reader read;  /* NULL: the files */
  void *read_ctx;
  const size_t *phantom_size; /* [c->nnodes] gids of phantom sources per population, or NULL */
  double t_open, t_read, t_scan, t_count, t_fill, t_order; /* seconds in each part of the build, for the log */
} cz_net_edge_source;

/* One pass over the edges: visit(net, c, e, ep, ctx) for each population e's edges ep, whole
 * or in batches; *seconds gets the time spent in visit (in a threaded pass, the most any
 * thread spent). */
typedef cz_status (*cz_net_pass_visit)(cz_network *net, const cz_circuit *c, size_t e, const cz_edge_pop *ep,
                                       void *ctx);

/* A pass on one thread: the loaded edges, or the files through the one-thread reader. */
cz_status cz_net_pass_serial(cz_net_edge_source *s, cz_network *net, cz_net_pass_visit visit, void *ctx, bool ids_only,
                             double *seconds);

/* A pass on every thread: thread t reads the edges onto nids [lo[t], lo[t + 1]) and visits
 * them with ctxs[t]. The failure of the lowest failing thread is the pass's. */
cz_status cz_net_pass_threaded(cz_net_edge_source *s, cz_network *net, const uint32_t *lo, cz_net_pass_visit visit,
                               void **ctxs, bool ids_only, double *seconds);

/* Opens the edge files for threaded passes when every population has a usable index (and the
 * layout's edge_threads is on: the tests turn it off to check that the one-thread reader
 * builds the same tables); otherwise the passes read on one thread. */
cz_status cz_net_open_streams(cz_network *net, cz_net_edge_source *src);

#endif
