#include "pointnet/network_neurons.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"
#include "base/str.h"

typedef struct override_ctx {
  const cz_node_pop *pop;
  size_t row;
} override_ctx;

static bool node_override(const void *ctx, const char *key, double *v) {
  const override_ctx *o = ctx;
  return cz_circuit_param_override(o->pop, o->row, key, v);
}

cz_status cz_net_resolve_kinds(const cz_circuit *c, const cz_model_kind ***out) {
  const cz_model_kind **kinds = NULL;
  CZ_NEW(kinds, c->nmodels);
  for (size_t m = 0; m < c->nmodels; m++) {
    cz_status st = cz_model_lookup(c->models[m].template_str, &kinds[m]);
    if (st != CZ_OK) {
      free(kinds);
      /* Name the file the template came from. */
      for (size_t p = 0; p < c->nnodes; p++)
        for (size_t i = 0; i < c->nodes[p].n; i++)
          if (cz_node_model(&c->nodes[p], i) == m)
            return cz_error_prefix(st, "%s (population %s, node %llu)", c->nodes[p].types->path, c->nodes[p].name,
                                   (unsigned long long)cz_node_id(&c->nodes[p], i));
      return st;
    }
  }
  *out = kinds;
  return CZ_OK;
}

bool cz_net_is_local(const cz_network *net, const cz_placement *placement, const cz_circuit *c, size_t p, size_t i,
                     size_t *hint) {
  if (cz_node_is_virtual(&c->nodes[p], i)) return false;
  return !placement || cz_placement_rank_walk(placement, net->gm.pop_offset[p] + i, hint) == (uint32_t)net->rank;
}

cz_status cz_net_assign_groups(cz_network *net, const cz_circuit *c, const cz_model_kind **kinds,
                               const cz_placement *placement) {
  /* Kinds in order of first appearance by gid, so the layout is a pure function of the circuit. */
  const cz_model_kind *order[64];
  size_t count[64] = {0};
  size_t nk = 0, hint = 0;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      if (!cz_net_is_local(net, placement, c, p, i, &hint)) continue;
      const cz_model_kind *k = kinds[cz_node_model(&c->nodes[p], i)];
      size_t j = 0;
      while (j < nk && order[j] != k) j++;
      if (j == nk) order[nk++] = k;
      count[j]++;
    }
  CZ_NEW(net->groups, nk);
  net->ngroups = nk;
  uint32_t lo = 0;
  for (size_t j = 0; j < nk; j++) {
    net->groups[j].kind = order[j];
    net->groups[j].lo = lo;
    lo += (uint32_t)count[j];
    net->groups[j].hi = lo;
    if (order[j]->split_sign) net->nch = 2;
  }
  /* nids: group by group, gids ascending inside each. */
  uint32_t *next = NULL;
  CZ_NEW(next, nk);
  for (size_t j = 0; j < nk; j++) next[j] = net->groups[j].lo;
  hint = 0;
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++) {
      size_t gid = net->gm.pop_offset[p] + i;
      if (!cz_net_is_local(net, placement, c, p, i, &hint)) continue;
      const cz_model_kind *k = kinds[cz_node_model(&c->nodes[p], i)];
      size_t j = 0;
      while (order[j] != k) j++;
      uint32_t nid = next[j]++;
      net->gm.gid_of_lid[nid] = (uint32_t)gid;
    }
  free(next);
  return cz_gidmap_index(&net->gm);
}

/* Where local neuron nid's parameters come from (octx must outlive src), and its name for
 * messages. */
static void param_src_of(const cz_network *net, const cz_circuit *c, uint32_t nid, override_ctx *octx,
                         cz_param_src *src, char *where, size_t nwhere) {
  size_t pop, row;
  cz_gidmap_locate(&net->gm, net->gm.gid_of_lid[nid], &pop, &row);
  const cz_node_pop *p = &c->nodes[pop];
  const cz_model_ref *m = &c->models[cz_node_model(p, row)];
  *octx = (override_ctx){p, row};
  *src = (cz_param_src){m->params, node_override, octx, m->params_file};
  snprintf(where, nwhere, "%s: population %s node %llu (%s, dynamics_params %s)", p->file, p->name,
           (unsigned long long)cz_node_id(p, row), m->template_str,
           m->params_file ? cz_path_basename(m->params_file) : "none");
}

cz_status cz_net_set_neuron_params(cz_network *net, const cz_circuit *c, int nthreads) {
  for (size_t j = 0; j < net->ngroups; j++) {
    cz_group *g = &net->groups[j];
    CZ_TRY(g->kind->create(g->hi - g->lo, net->tg.h, nthreads, &g->impl));
    for (uint32_t nid = g->lo; nid < g->hi; nid++) {
      override_ctx octx;
      cz_param_src src;
      char where[1024];
      param_src_of(net, c, nid, &octx, &src, where, sizeof where);
      CZ_TRY(g->kind->set_params(g->impl, nid - g->lo, &src, where));
    }
  }
  return CZ_OK;
}

cz_status cz_net_create_archives(cz_network *net, const cz_circuit *c, const uint32_t *stdp_in) {
  CZ_NEW(net->archive, net->N);
  for (uint32_t nid = 0; nid < net->N; nid++) {
    double tau_minus = 20.0;
    if (stdp_in[nid]) {
      override_ctx octx;
      cz_param_src src;
      char where[1024];
      param_src_of(net, c, nid, &octx, &src, where, sizeof where);
      CZ_TRY(cz_param_number(&src, "tau_minus", 20.0, &tau_minus, NULL, where));
      CZ_CHECK(tau_minus > 0, CZ_ERR_CONFIG, "%s: tau_minus must be > 0 ms (got %g)", where, tau_minus);
    }
    cz_post_archive_init(&net->archive[nid], tau_minus);
    net->archive[nid].n_incoming = stdp_in[nid];
  }
  return CZ_OK;
}

int cz_net_ports_of(const cz_network *net, uint32_t nid) {
  size_t j = 0;
  while (j + 1 < net->ngroups && nid >= net->groups[j].hi) j++;
  const cz_group *g = &net->groups[j];
  return g->kind->nports ? g->kind->nports(g->impl, nid - g->lo) : 0;
}
