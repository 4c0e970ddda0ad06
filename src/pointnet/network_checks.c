#include "pointnet/network_checks.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"
#include "pointnet/edge_values.h"
#include "pointnet/network_delays.h"
#include "pointnet/network_neurons.h"

static cz_status syn_resolve(const cz_net_syn_table *t, const cz_circuit *c, uint32_t sm, const char *edges_file) {
  if (t->resolved[sm]) return CZ_OK;
  if (t->fail) { /* resolved ahead (cz_net_syn_resolve_all), so that threads only read the table */
    const cz_error_note *why = &t->fail[sm];
    if (why->code != CZ_OK) return CZ_ERROR(why->code, "%s", why->msg ? why->msg : "unsupported synapse model");
    return CZ_ERROR(CZ_ERR_INTERNAL, "synapse model %u was not resolved", sm);
  }
  const cz_syn_model *s = &c->syn_models[sm];
  char where[1024];
  snprintf(where, sizeof where, "%s (used by %s)", s->types_file ? s->types_file : edges_file, edges_file);
  cz_syn_rule rule = CZ_SYN_STATIC;
  CZ_TRY(cz_wrecs_resolve(t->wr, cz_syn_model_name(s), where, &rule, &t->rec[sm]));
  CZ_TRY(cz_syn_params_read(rule, s->params, s->params_file ? s->params_file : where, &t->params[sm]));
  t->resolved[sm] = 1;
  return CZ_OK;
}

/* The edge type of edge i as its CSV names it ("edge type 100 in edge_types.csv"), for
 * messages about values the edge takes from its type. */
static void edge_type_name(const cz_edge_pop *ep, size_t i, char *buf, size_t n) {
  const cz_csv *t = ep->types_table;
  const int col = t ? cz_csv_col(t, "edge_type_id") : -1;
  const char *id = col >= 0 ? cz_csv_cell(t, ep->type[i], (size_t)col) : NULL;
  if (t) snprintf(buf, n, "edge type %s in %s", id ? id : "?", t->path);
  else snprintf(buf, n, "its edge type");
}

bool cz_net_delay_of_type(const cz_edge_pop *ep, size_t i) {
  return !ep->delay || ep->delay[i] == ep->types[ep->type[i]].delay;
}

/* The receptor_type of a synapse model (0 when its params name none). */
static int receptor_of(const cz_syn_model *s) {
  const cJSON *r = s->params ? cJSON_GetObjectItemCaseSensitive(s->params, "receptor_type") : NULL;
  return cJSON_IsNumber(r) ? (int)r->valuedouble : 0;
}

cz_status cz_net_receptors_of(const cz_circuit *c, int **out) {
  CZ_NEW(*out, c->nsyn_models + 1);
  for (size_t m = 0; m < c->nsyn_models; m++) (*out)[m] = receptor_of(&c->syn_models[m]);
  return CZ_OK;
}

cz_status cz_net_check_receptor(const cz_network *net, const cz_circuit *c, const cz_edge_pop *ep, size_t i,
                                uint32_t nid, int r) {
  const int ports = cz_net_ports_of(net, nid);
  if (ports == 0 && r == 0) return CZ_OK;
  if (ports > 0) {
    CZ_CHECK(r >= 1 && r <= ports, CZ_ERR_CONFIG,
             "%s: edge %zu of %s has receptor_type %d, but its target (node %llu of %s) has receptor ports 1 to %d",
             ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, r,
             (unsigned long long)cz_node_id(&c->nodes[ep->target_pop], ep->target_row[i]), c->nodes[ep->target_pop].name,
             ports);
  } else {
    CZ_CHECK(r == 0, CZ_ERR_CONFIG,
             "%s: edge %zu of %s has receptor_type %d, but its target's model (node %llu of %s) has receptor 0 only",
             ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, r,
             (unsigned long long)cz_node_id(&c->nodes[ep->target_pop], ep->target_row[i]), c->nodes[ep->target_pop].name);
  }
  return CZ_OK;
}

cz_status cz_net_check_edge_values(const cz_circuit *c, const cz_net_syn_table *t, const cz_edge_pop *ep, size_t i,
                                   double h, int32_t *d) {
  const uint32_t sm = cz_edge_syn_model(ep, i);
  CZ_TRY(syn_resolve(t, c, sm, ep->file));
  const cz_syn_params *sp = &t->params[sm];
  if (sp->rule == CZ_SYN_STDP) {
    const double w = cz_edge_weight(ep, i);
    CZ_CHECK(cz_syn_weight_ok(sp, w), CZ_ERR_CONFIG,
             "%s: edge %zu of %s has weight %g, but stdp_synapse needs a weight of the sign of its Wmax (%g)", ep->file,
             (size_t)cz_edge_file_row(ep, i), ep->name, w, sp->Wmax);
  }
  if (sp->rule == CZ_SYN_STDP_PL) {
    const double w = cz_edge_weight(ep, i);
    CZ_CHECK(cz_syn_weight_ok(sp, w), CZ_ERR_CONFIG,
             "%s: edge %zu of %s has weight %g, but stdp_pl_synapse_hom needs a weight >= 0 (it raises it to the "
             "power mu)",
             ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, w);
  }
  const double delay = cz_edge_delay(ep, i);
  const double steps = cz_net_round_delay(delay, cz_net_steps_per_ms(h));
  *d = steps <= 65535 ? (int32_t)steps : 0;
  if (steps >= 1 && steps <= 65535) return CZ_OK;
  char from[1024] = "";
  if (cz_net_delay_of_type(ep, i)) {
    char type[900];
    edge_type_name(ep, i, type, sizeof type);
    snprintf(from, sizeof from, ", from %s", type);
  }
  if (steps < 1)
    return CZ_ERROR(CZ_ERR_FORMAT,
                    "%s: edge %zu of %s has delay %g ms%s, which rounds to 0 steps of dt = %g ms; NEST refuses it "
                    "(a delay must be at least one step): lower run.dt or raise the delay",
                    ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, delay, from, h);
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: edge %zu of %s has delay %g ms%s, more than 65535 times the time step dt = %g ms",
                  ep->file, (size_t)cz_edge_file_row(ep, i), ep->name, delay, from, h);
}

cz_status cz_net_check_edge_target(const cz_circuit *c, const cz_edge_pop *ep, size_t i) {
  if (!cz_node_is_virtual(&c->nodes[ep->target_pop], ep->target_row[i])) return CZ_OK;
  const cz_node_pop *tp = &c->nodes[ep->target_pop];
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: edge %zu of %s targets node %llu of population %s, which is virtual", ep->file,
                  (size_t)cz_edge_file_row(ep, i), ep->name, (unsigned long long)cz_node_id(tp, ep->target_row[i]),
                  tp->name);
}

/* The checks of edge i of ep that do not depend on the placement. */
static cz_status check_edge(const cz_circuit *c, const cz_net_syn_table *t, const cz_edge_pop *ep, size_t i, double h,
                            int32_t *d) {
  CZ_TRY(cz_net_check_edge_values(c, t, ep, i, h, d));
  return cz_net_check_edge_target(c, ep, i);
}

bool cz_net_values_by_type(const cz_edge_pop *ep) { return !ep->weight && !ep->delay; }

cz_status cz_net_check_edges(const cz_config *cfg, const cz_circuit *c) {
  const double h = (double)llround(cfg->dt * 1000.0) / 1000.0;
  cz_wrecs wr;
  CZ_TRY(cz_wrecs_parse(cfg, &wr));
  cz_net_syn_table t = {cz_calloc(c->nsyn_models + 1, sizeof *t.params), cz_calloc(c->nsyn_models + 1, sizeof *t.rec),
                 cz_calloc(c->nsyn_models + 1, sizeof *t.resolved), &wr, NULL};
  cz_status st = t.params && t.rec && t.resolved ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  cz_delay_tally *off = cz_calloc(cfg->nedges + 1, sizeof *off);
  if (st == CZ_OK && !off) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  cz_edge_values values = {0};
  for (size_t e = 0; e < c->nedges && st == CZ_OK; e++) {
    cz_edge_pop view;
    st = cz_edge_values_view(&c->edges[e], &values, &view);
    const cz_edge_pop *ep = &view;
    const size_t k = cz_net_edges_entry(cfg, ep);
    for (size_t i = 0; i < ep->n && st == CZ_OK; i++) {
      int32_t d;
      st = check_edge(c, &t, ep, i, h, &d);
      const double delay = cz_edge_delay(ep, i);
      if (st == CZ_OK && k != SIZE_MAX && cz_net_off_grid(delay * cz_net_steps_per_ms(h), d))
        cz_delay_tally_add(&off[k], delay, cz_net_delay_of_type(ep, i));
    }
  }
  for (size_t k = 0; st == CZ_OK && k < cfg->nedges; k++) cz_delay_tally_warn(&cfg->edges[k], &off[k], h);
  cz_edge_values_free(&values);
  free(off);
  free(t.params);
  free(t.rec);
  free(t.resolved);
  cz_wrecs_free(&wr);
  return st;
}

cz_status cz_net_syn_resolve_all(cz_network *net, const cz_circuit *c, cz_error_note **fail) {
  CZ_NEW(*fail, c->nsyn_models + 1);
  const cz_net_syn_table t = {net->syn_params, net->syn_rec, net->syn_resolved, &net->wrecs, NULL};
  for (uint32_t sm = 0; sm < c->nsyn_models; sm++) {
    const char *file = "";
    for (size_t e = 0; e < c->nedges && !*file; e++)
      for (size_t r = 0; r < c->edges[e].ntypes; r++)
        if (c->edges[e].types[r].syn_model == sm) file = c->edges[e].file;
    cz_error_take(syn_resolve(&t, c, sm, file), &(*fail)[sm]);
  }
  cz_error_clear();
  return CZ_OK;
}

void cz_net_syn_fail_free(cz_error_note *fail, size_t n) {
  for (size_t i = 0; fail && i < n; i++) cz_error_note_free(&fail[i]);
  free(fail);
}
