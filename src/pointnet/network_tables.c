#include "pointnet/network_tables.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "pointnet/network_checks.h"
#include "pointnet/network_neurons.h"

/* Whether the static tables pack the delays into the targets (network.h). The scan's largest
 * delay covers every synapse of this rank. The target index stays below CZ_TGT_MASK, so that
 * no packed target is CZ_NET_UNFILLED. The layout's packed_targets off keeps them apart, so that the
 * tests can check that both layouts give the same spikes. */
static bool packs_delays(const cz_network *net) {
  if (!net->layout.packed_targets) return false;
  return net->N * (size_t)net->nch < (size_t)CZ_TGT_MASK && net->max_delay < 256;
}

/* The synapses of a table from the counts per slot: the index, and the total in *nsyn. A
 * sparse table's targets start CZ_NET_UNFILLED, and the fill needs no counts (next_slot): count is
 * freed (set NULL) then, so that the per-slot counts of the threads do not stay beside the
 * tables. */
static cz_status index_table(cz_network *net, cz_syn_index *ix, uint32_t **count, size_t *nsyn) {
  CZ_TRY(cz_syn_index_build(ix, &net->sources, *count, net->layout.source_index));
  *nsyn = ix->nsyn;
  if (ix->off) return CZ_OK;
  free(*count);
  *count = NULL;
  return CZ_OK;
}

cz_status cz_net_alloc_thread_synapses(cz_network *net, uint32_t **counts) {
  CZ_NEW(net->syn, (size_t)net->nthreads);
  const bool packed = packs_delays(net);
  for (int t = 0; t < net->nthreads; t++) {
    cz_synapses *s = &net->syn[t];
    CZ_TRY(index_table(net, &s->index, &counts[t], &s->nsyn));
    const size_t acc = s->nsyn;
    bool ok = (s->tgt = cz_alloc_huge(acc, sizeof *s->tgt)) &&
              (packed || (s->delay = cz_alloc_huge(acc, sizeof *s->delay)));
    if (ok && net->nwtab) ok = (s->wcode = cz_alloc_huge(acc, sizeof *s->wcode)) != NULL;
    else if (ok && net->wfloat) ok = (s->weightf = cz_alloc_huge(acc, sizeof *s->weightf)) != NULL;
    else if (ok) ok = (s->weight = cz_alloc_huge(acc, sizeof *s->weight)) != NULL;
    CZ_CHECK(ok, CZ_ERR_NOMEM, "out of memory allocating thread %d's table of %zu synapses", t, acc);
    if (!s->index.off) memset(s->tgt, 0xff, acc * sizeof *s->tgt);
  }
  return CZ_OK;
}

cz_status cz_net_alloc_thread_plastic(cz_network *net, uint32_t **counts) {
  CZ_NEW(net->plastic, (size_t)net->nthreads);
  for (int t = 0; t < net->nthreads; t++) {
    cz_plastic *s = &net->plastic[t];
    CZ_TRY(index_table(net, &s->index, &counts[t], &s->nsyn));
    const size_t acc = s->nsyn;
    CZ_NEW(s->tgt, acc + 1);
    if (!s->index.off) memset(s->tgt, 0xff, acc * sizeof *s->tgt);
    CZ_NEW(s->delay, acc + 1);
    CZ_NEW(s->model, acc + 1);
    CZ_NEW(s->edge, acc + 1);
    CZ_NEW(s->state, acc + 1);
  }
  return CZ_OK;
}

cz_status cz_net_target_info_build(const cz_network *net, const cz_circuit *c, cz_net_target_info *ti) {
  CZ_NEW(ti->owner, net->N);
  CZ_NEW(ti->split, net->N);
  CZ_NEW(ti->ports, net->N);
  for (int t = 0; t < net->nthreads; t++)
    for (uint32_t nid = net->thr_lo[t]; nid < net->thr_lo[t + 1]; nid++) ti->owner[nid] = (uint16_t)t;
  for (size_t j = 0; j < net->ngroups; j++)
    for (uint32_t nid = net->groups[j].lo; nid < net->groups[j].hi; nid++)
      ti->split[nid] = net->nch >= 2 && net->groups[j].kind->split_sign;
  for (uint32_t nid = 0; nid < net->N; nid++) ti->ports[nid] = (uint8_t)cz_net_ports_of(net, nid);
  CZ_TRY(cz_net_receptors_of(c, &ti->receptor));
  return CZ_OK;
}

void cz_net_target_info_free(cz_net_target_info *ti) {
  free(ti->owner);
  free(ti->split);
  free(ti->ports);
  free(ti->receptor);
}

/* Synapses per (thread, source slot): static ones in counts, plastic or recorded ones in
 * pcounts. A thread's count of one source stops at UINT32_MAX (*over), which fails the build. */
static void count_pop(const cz_network *net, const cz_edge_pop *ep, const cz_net_target_info *ti, uint32_t **counts,
                      uint32_t **pcounts, bool *over) {
  const size_t so = net->gm.pop_offset[ep->source_pop], to = net->gm.pop_offset[ep->target_pop];
  for (size_t i = 0; i < ep->n; i++) {
    uint32_t nid = cz_gidmap_lid(&net->gm, to + ep->target_row[i]);
    if (nid == CZ_NO_NID) continue;
    uint32_t **into = pcounts && cz_net_is_plastic(net, cz_edge_syn_model(ep, i)) ? pcounts : counts;
    size_t slot;
    if (!cz_sources_slot(&net->sources, so + ep->source_row[i], &slot)) { /* not what the scan read */
      *over = true;
      continue;
    }
    uint32_t *c = &into[ti->owner[nid]][slot];
    if (*c == UINT32_MAX) *over = true;
    else (*c)++;
  }
}

uint32_t **cz_net_alloc_counts(const cz_network *net) {
  uint32_t **counts = cz_calloc((size_t)net->nthreads, sizeof *counts);
  for (int t = 0; counts && t < net->nthreads; t++)
    if (!(counts[t] = cz_calloc(net->sources.nslot + 1, sizeof **counts))) {
      for (int u = 0; u < t; u++) free(counts[u]);
      free(counts);
      return NULL;
    }
  return counts;
}

void cz_net_free_counts(const cz_network *net, uint32_t **counts) {
  for (int t = 0; counts && t < net->nthreads; t++) free(counts[t]);
  free(counts);
}

typedef struct count_ctx {
  const cz_net_target_info *ti;
  uint32_t **counts, **pcounts;
  bool over; /* a count reached UINT32_MAX, or a source the scan did not see */
} count_ctx;

static cz_status visit_count(cz_network *net, const cz_circuit *c, size_t e, const cz_edge_pop *ep, void *ctx) {
  (void)c;
  (void)e;
  count_ctx *k = ctx;
  count_pop(net, ep, k->ti, k->counts, k->pcounts, &k->over);
  return CZ_OK;
}

cz_status cz_net_pass_count(cz_network *net, cz_net_edge_source *src, const cz_net_target_info *ti, uint32_t **counts,
                            uint32_t **pcounts) {
  const int n = src->streams ? net->nthreads : 1;
  count_ctx *k = cz_calloc((size_t)n, sizeof *k);
  void **ctxs = cz_calloc((size_t)n, sizeof *ctxs);
  cz_status st = k && ctxs ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (int t = 0; st == CZ_OK && t < n; t++) {
    k[t] = (count_ctx){ti, counts, pcounts, false};
    ctxs[t] = &k[t];
  }
  if (st == CZ_OK && src->streams)
    st = cz_net_pass_threaded(src, net, net->thr_lo, visit_count, ctxs, true, &src->t_count);
  else if (st == CZ_OK)
    st = cz_net_pass_serial(src, net, visit_count, ctxs[0], true, &src->t_count);
  bool over = false;
  for (int t = 0; st == CZ_OK && t < n; t++) over = over || k[t].over;
  if (st == CZ_OK && over)
    st = CZ_ERROR(CZ_ERR_FORMAT, "the edge files gave other edges on the second reading than on the first (were "
                                 "they rewritten during the load?), or one source has 2^32 synapses onto one "
                                 "thread's neurons");
  free(k);
  free(ctxs);
  return st;
}
