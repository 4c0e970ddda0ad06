#include "bionet/edge_order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "core/stimulus/ecephys.h"
#include "core/stimulus/spike_train.h"
#include "io/node_sets.h"

static bool purely_virtual(const cz_node_pop *p) { return p->n > 0 && p->nvirtual == p->n; }

static bool listed(const cz_edge_plan *p, uint32_t e) {
  for (size_t i = 0; i < p->npops; i++)
    if (p->pop[i] == e) return true;
  return false;
}

/* The edge populations a spike input drives: those from the virtual populations its node set
 * selects. */
static bool network(const int *input_of_pop, uint32_t e) { return !input_of_pop || input_of_pop[e] == CZ_EDGES_NETWORK; }

static cz_status add_input_pops(const cz_config *cfg, const cz_cfg_block *b, const cz_circuit *c, const int *input_of_pop,
                                cz_edge_plan *p) {
  if (!b->node_set) return CZ_OK; /* refused where the input is queued */
  char where[256];
  snprintf(where, sizeof where, "inputs.%s.node_set", b->name);
  const cz_ns_view view = cz_circuit_ns_view(c);
  cz_ns_selection *sel = NULL;
  CZ_TRY(cz_ns_resolve(cfg->node_sets, b->node_set, &view, where, &sel));
  for (size_t q = 0; q < c->nnodes; q++) {
    if (sel->n[q] == 0 || !purely_virtual(&c->nodes[q])) continue;
    for (uint32_t e = 0; e < c->nedges; e++)
      if (c->edges[e].source_pop == q && network(input_of_pop, e) && !listed(p, e)) p->pop[p->npops++] = e;
  }
  cz_ns_selection_destroy(&sel);
  return CZ_OK;
}

static cz_status draw_order(const cz_config *cfg, const cz_circuit *c, const int *input_of_pop, cz_edge_plan *p) {
  CZ_NEW(p->pop, c->nedges + 1);
  for (uint32_t e = 0; e < c->nedges; e++)
    if (network(input_of_pop, e) && !purely_virtual(&c->nodes[c->edges[e].source_pop])) p->pop[p->npops++] = e;
  for (size_t i = 0; i < cfg->ninputs; i++) {
    const cz_cfg_block *b = &cfg->inputs[i];
    if (b->enabled && cz_input_is_spikes(b) && !cz_input_is_ecephys(b)) CZ_TRY(add_input_pops(cfg, b, c, input_of_pop, p));
    for (uint32_t e = 0; input_of_pop && e < c->nedges; e++) /* a replay's own populations */
      if (input_of_pop[e] == (int)i) p->pop[p->npops++] = e;
  }
  /* ecephys_probe connects at run start, after every other input (inputs-spec.md §5.4) */
  for (size_t i = 0; i < cfg->ninputs; i++)
    if (cfg->inputs[i].enabled && cz_input_is_ecephys(&cfg->inputs[i]))
      CZ_TRY(add_input_pops(cfg, &cfg->inputs[i], c, input_of_pop, p));
  return CZ_OK;
}

/* Whether edge i of e is connected at all: edges from virtual nodes of a mixed population are
 * not (a virtual node spikes only through a spike input, which drives its own populations). */
static bool kept(const cz_circuit *c, const cz_edge_pop *e, size_t i) {
  const cz_node_pop *src = &c->nodes[e->source_pop];
  return src->nvirtual == 0 || !cz_node_is_virtual(src, e->source_row[i]);
}

/* The CSR of one population over the units (counting sort, stable). */
static cz_status plan_pop(const cz_circuit *c, const cz_edge_pop *e, const size_t *pop_offset, const size_t *unit_of_gid,
                          size_t nunits, bool from_virtual, size_t **off, size_t **edges) {
  CZ_NEW(*off, nunits + 2);
  size_t *o = *off;
  for (size_t i = 0; i < e->n; i++) {
    const size_t u = unit_of_gid[pop_offset[e->target_pop] + e->target_row[i]];
    if (u != SIZE_MAX && (from_virtual || kept(c, e, i))) o[u + 2]++;
  }
  for (size_t u = 0; u < nunits; u++) o[u + 2] += o[u + 1];
  CZ_NEW(*edges, o[nunits + 1] + 1);
  for (size_t i = 0; i < e->n; i++) {
    const size_t u = unit_of_gid[pop_offset[e->target_pop] + e->target_row[i]];
    if (u != SIZE_MAX && (from_virtual || kept(c, e, i))) (*edges)[o[u + 1]++] = i;
  }
  return CZ_OK;
}

cz_status cz_edge_plan_build(const cz_config *cfg, const cz_circuit *c, const size_t *pop_offset,
                             const size_t *unit_of_gid, size_t nunits, const int *input_of_pop, cz_edge_plan *out) {
  memset(out, 0, sizeof *out);
  out->nunits = nunits;
  cz_status st = draw_order(cfg, c, input_of_pop, out);
  if (st == CZ_OK) {
    out->off = cz_calloc(out->npops + 1, sizeof *out->off);
    out->edges = cz_calloc(out->npops + 1, sizeof *out->edges);
    if (!out->off || !out->edges) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  }
  for (size_t k = 0; st == CZ_OK && k < out->npops; k++) {
    const cz_edge_pop *e = &c->edges[out->pop[k]];
    st = plan_pop(c, e, pop_offset, unit_of_gid, nunits, purely_virtual(&c->nodes[e->source_pop]), &out->off[k],
                  &out->edges[k]);
  }
  if (st != CZ_OK) cz_edge_plan_free(out);
  return st;
}

void cz_edge_plan_free(cz_edge_plan *p) {
  for (size_t k = 0; k < p->npops; k++) {
    if (p->off) free(p->off[k]);
    if (p->edges) free(p->edges[k]);
  }
  free(p->off);
  free(p->edges);
  free(p->pop);
  memset(p, 0, sizeof *p);
}
