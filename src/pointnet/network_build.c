/* The network build (cz_net_build and its streamed forms, network.h): the neurons, then the
 * synapse tables in three passes over the edges: scan (network_scan.h), count
 * (network_tables.h, when the scan did not count) and fill (network_fill.h). */
#include "pointnet/network.h"

#include <stdlib.h>

#include "base/log.h"
#include "base/mem.h"
#include "pointnet/network_fill.h"
#include "pointnet/network_neurons.h"
#include "pointnet/network_passes.h"
#include "pointnet/network_scan.h"
#include "pointnet/network_tables.h"
#include "pointnet/weight_plan.h"

static cz_status build_synapses(cz_network *net, cz_net_edge_source *src) {
  cz_weight_plan wp;
  cz_status st = cz_weight_plan_init(&wp, net);
  if (st == CZ_OK) st = cz_net_open_streams(net, src);
  uint32_t **counts = NULL, **pcounts = NULL;
  if (st == CZ_OK) st = cz_net_pass_scan(net, src, &wp, &counts, &pcounts);
  if (pcounts && !net->nplastic) { /* a plastic model that no synapse here uses */
    cz_net_free_counts(net, pcounts);
    pcounts = NULL;
  }
  if (st == CZ_OK && !(net->N * (size_t)net->nch < UINT32_MAX))
    st = CZ_ERROR(CZ_ERR_CONFIG, "too many neurons (%zu) for one process", net->N);
  cz_net_target_info ti = {NULL, NULL, NULL, NULL};
  const bool count_pass = !counts;
  if (st == CZ_OK && count_pass && !(counts = cz_net_alloc_counts(net))) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK && count_pass && net->nplastic && !(pcounts = cz_net_alloc_counts(net)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) st = cz_net_target_info_build(net, src->c, &ti);
  if (st == CZ_OK && count_pass) st = cz_net_pass_count(net, src, &ti, counts, pcounts);
  if (st == CZ_OK) st = cz_weight_plan_choose(&wp, net);
  if (st == CZ_OK) st = cz_net_alloc_thread_synapses(net, counts);
  if (st == CZ_OK && pcounts) st = cz_net_alloc_thread_plastic(net, pcounts);
  if (st == CZ_OK) st = cz_net_pass_fill(net, src, &ti, &wp, counts, pcounts);
  if (st == CZ_OK && src->streamed)
    cz_log_info("Synapse tables: edge files opened in %.2f s, read %s%s in %.2f s in all; edges "
                "checked and counted in %.2f s%s, filled in %.2f s, put in delay order in %.2f s",
                src->t_open, count_pass ? "three times" : "twice", src->streams ? " by every thread" : "", src->t_read,
                src->t_scan + src->t_count, count_pass ? " (counted in a pass of their own)" : "", src->t_fill,
                src->t_order);
  cz_edge_streams_close(&src->streams);
  cz_net_target_info_free(&ti);
  cz_net_free_counts(net, counts);
  cz_net_free_counts(net, pcounts);
  cz_weight_set_free(&wp.ws);
  return st;
}

/* Whether the node is one of this rank's neurons (ctx: the network; its gid map is set). */
static bool holds_node(const void *ctx, uint32_t pop, uint32_t row) {
  const cz_network *net = ctx;
  return cz_gidmap_lid(&net->gm, net->gm.pop_offset[pop] + row) != CZ_NO_NID;
}

static cz_status build(cz_network *net, const cz_config *cfg, cz_net_edge_source *src, int nthreads,
                       const cz_placement *placement) {
  const cz_circuit *c = src->c;
  CZ_TRY(cz_timegrid_init(&net->tg, cfg->dt, cfg->tstop, CZ_NEST_TICS_PER_MS));
  net->noffgrid = cfg->nedges;
  CZ_NEW(net->offgrid, cfg->nedges + 1);
  net->nthreads = nthreads < 1 ? 1 : nthreads;
  net->nch = 1;
  CZ_CHECK(c->nnodes > 0, CZ_ERR_CONFIG, "%s: the network has no node populations", cfg->path);
  /* Phantom sources take gid populations of their own after the circuit's (network.h). */
  const size_t npops = src->phantom_size ? 2 * c->nnodes : c->nnodes;
  size_t *pop_sizes = NULL;
  CZ_NEW(pop_sizes, npops);
  for (size_t p = 0; p < c->nnodes; p++) pop_sizes[p] = c->nodes[p].n;
  for (size_t p = 0; src->phantom_size && p < c->nnodes; p++) pop_sizes[c->nnodes + p] = src->phantom_size[p];
  cz_status gst = cz_gidmap_init(&net->gm, pop_sizes, npops, 0);
  free(pop_sizes);
  CZ_TRY(gst);
  net->ncircuit_gids = net->gm.pop_offset[c->nnodes];
  size_t hint = 0;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) net->N += cz_net_is_local(net, placement, c, p, i, &hint);
  CZ_TRY(cz_gidmap_set_nlocal(&net->gm, net->N));
  const cz_model_kind **kinds = NULL;
  CZ_TRY(cz_net_resolve_kinds(c, &kinds));
  cz_status st = cz_net_assign_groups(net, c, kinds, placement);
  free(kinds);
  CZ_TRY(st);
  CZ_TRY(cz_circuit_load_params(src->c, holds_node, net));
  CZ_TRY(cz_net_set_neuron_params(net, c, net->nthreads));
  net->nsyn_models = c->nsyn_models;
  CZ_CHECK(c->nsyn_models <= UINT16_MAX, CZ_ERR_CONFIG, "%s: more than %d synapse models (edge types with parameters)",
           cfg->path, UINT16_MAX);
  CZ_NEW(net->syn_params, c->nsyn_models + 1);
  CZ_NEW(net->syn_rec, c->nsyn_models + 1);
  CZ_NEW(net->syn_resolved, c->nsyn_models + 1);
  CZ_TRY(cz_wrecs_parse(cfg, &net->wrecs));
  for (uint32_t nid = 0; nid < net->N; nid++) /* the ring holds a row per receptor port */
    if (cz_net_ports_of(net, nid) > net->nch) net->nch = cz_net_ports_of(net, nid);
  src->net = net;
  CZ_TRY(build_synapses(net, src));
  return CZ_OK;
}

static cz_status build_with(const cz_config *cfg, cz_net_edge_source *src, int nthreads, int rank, int nranks,
                            const cz_placement *placement, const cz_net_layout *layout, cz_network **out) {
  cz_network *net = NULL;
  CZ_NEW(net, 1);
  net->layout = layout ? *layout : cz_net_layout_default();
  src->batch_edges = net->layout.edge_batch;
  net->rank = rank;
  net->nranks = nranks < 1 ? 1 : nranks;
  cz_status st = build(net, cfg, src, nthreads, placement);
  if (st != CZ_OK) {
    cz_error_trace(__FILE__, __LINE__, __func__);
    cz_net_destroy(&net);
    return st;
  }
  *out = net;
  return CZ_OK;
}

cz_status cz_net_build(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                       const cz_placement *placement, const cz_net_layout *layout, cz_network **out) {
  /* preloaded: the passes only read the edges */
  cz_net_edge_source src = {.c = c, .streamed = false, .cfg = cfg, .placement = placement};
  return build_with(cfg, &src, nthreads, rank, nranks, placement, layout, out);
}

cz_status cz_net_build_streamed(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                                const cz_placement *placement, const cz_net_layout *layout, cz_network **out) {
  CZ_CHECK(c->nedges == 0, CZ_ERR_INTERNAL, "cz_net_build_streamed: the circuit's edges are already loaded");
  cz_net_edge_source src = {.c = c, .streamed = true, .cfg = cfg, .placement = placement};
  return build_with(cfg, &src, nthreads, rank, nranks, placement, layout, out);
}

cz_status cz_net_build_read(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                            const cz_placement *placement, const cz_net_layout *layout, cz_net_edge_reader read,
                            void *ctx, cz_network **out) {
  cz_net_edge_source src = {.c = c, .streamed = true, .cfg = cfg, .placement = placement, .read = read, .read_ctx = ctx};
  return build_with(cfg, &src, nthreads, rank, nranks, placement, layout, out);
}

cz_status cz_net_build_phantoms(const cz_config *cfg, cz_circuit *c, int nthreads, int rank, int nranks,
                                const cz_placement *placement, const cz_net_layout *layout, const size_t *phantom_size,
                                cz_net_edge_reader read, void *ctx, cz_network **out) {
  cz_net_edge_source src = {.c = c,
                            .streamed = true,
                            .cfg = cfg,
                            .placement = placement,
                            .read = read,
                            .read_ctx = ctx,
                            .phantom_size = phantom_size};
  return build_with(cfg, &src, nthreads, rank, nranks, placement, layout, out);
}
