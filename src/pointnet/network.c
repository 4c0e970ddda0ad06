/* The network as a whole once built: the layout the data choose, the bytes of its tables, and
 * freeing it. The build: network_build.c; the send lists: send_lists.c. */
#include "pointnet/network.h"

#include <stdlib.h>
#include <string.h>

cz_net_layout cz_net_layout_default(void) {
  return (cz_net_layout){.weight_codes = true,
                         .packed_targets = true,
                         .fill_grouped = false,
                         .edge_threads = true,
                         .edge_batch = 0,
                         .source_index = CZ_SOURCE_INDEX_AUTO};
}

/* Bytes of the per-synapse columns of a static table. */
static size_t static_bytes(const cz_synapses *s) {
  size_t per = sizeof *s->tgt;
  if (s->delay) per += sizeof *s->delay;
  if (s->wcode) per += sizeof *s->wcode;
  else if (s->weightf) per += sizeof *s->weightf;
  else if (s->weight) per += sizeof *s->weight;
  return per * s->nsyn;
}

static size_t plastic_bytes(const cz_plastic *p) {
  return p->nsyn * (sizeof *p->tgt + sizeof *p->delay + sizeof *p->model + sizeof *p->edge + sizeof *p->state);
}

void cz_net_memory(const cz_network *net, cz_net_mem *out) {
  memset(out, 0, sizeof *out);
  out->nslot = net->sources.nslot;
  out->ngid = net->gm.nsrc;
  for (int t = 0; net->syn && t < net->nthreads; t++) {
    out->nsyn += net->syn[t].nsyn;
    out->synapses += static_bytes(&net->syn[t]);
    out->index += cz_syn_index_bytes(&net->syn[t].index);
  }
  for (int t = 0; net->plastic && t < net->nthreads; t++) {
    out->nsyn += net->plastic[t].nsyn;
    out->plastic += plastic_bytes(&net->plastic[t]);
    out->index += cz_syn_index_bytes(&net->plastic[t].index);
  }
  out->sources = net->sources.word ? (net->gm.nsrc / 64 + 1) * sizeof *net->sources.word : 0;
  out->gid_map = cz_gidmap_bytes(&net->gm);
  out->send_lists = cz_rank_sets_bytes(&net->send);
}

bool cz_net_locate_source(const cz_network *net, size_t gid, size_t *pop, size_t *row) {
  cz_gidmap_locate(&net->gm, gid, pop, row);
  if (gid < net->ncircuit_gids) return false;
  *pop -= net->gm.npops / 2; /* phantom population nnodes + p stands for p */
  return true;
}

void cz_net_destroy(cz_network **pnet) {
  if (!pnet || !*pnet) return;
  cz_network *net = *pnet;
  free(net->offgrid);
  for (size_t j = 0; j < net->ngroups; j++)
    if (net->groups[j].impl) net->groups[j].kind->destroy(net->groups[j].impl);
  free(net->groups);
  for (int t = 0; net->syn && t < net->nthreads; t++) {
    cz_syn_index_free(&net->syn[t].index);
    free(net->syn[t].tgt);
    free(net->syn[t].delay);
    free(net->syn[t].weight);
    free(net->syn[t].wcode);
    free(net->syn[t].weightf);
  }
  free(net->wtab);
  free(net->syn);
  for (int t = 0; net->plastic && t < net->nthreads; t++) {
    cz_plastic *p = &net->plastic[t];
    cz_syn_index_free(&p->index);
    free(p->tgt);
    free(p->delay);
    free(p->model);
    free(p->edge);
    free(p->state);
  }
  free(net->plastic);
  for (size_t n = 0; net->archive && n < net->N; n++) cz_post_archive_free(&net->archive[n]);
  free(net->archive);
  free(net->syn_params);
  free(net->syn_rec);
  free(net->syn_resolved);
  cz_wrecs_free(&net->wrecs);
  free(net->thr_lo);
  cz_sources_free(&net->sources);
  cz_gidmap_free(&net->gm);
  cz_rank_sets_free(&net->send);
  free(net);
  *pnet = NULL;
}
