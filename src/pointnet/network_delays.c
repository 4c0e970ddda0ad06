#include "pointnet/network_delays.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "comm/comm.h"

double cz_net_delay_steps(double delay_ms, double h) { return cz_net_round_delay(delay_ms, cz_net_steps_per_ms(h)); }

void cz_delay_tally_merge(cz_delay_tally *into, const cz_delay_tally *t) {
  if (!t->n) return;
  if (!into->n || t->lo < into->lo) into->lo = t->lo;
  if (!into->n || t->hi > into->hi) into->hi = t->hi;
  into->n += t->n;
  into->from_types = into->from_types || t->from_types;
}

size_t cz_net_edges_entry(const cz_config *cfg, const cz_edge_pop *ep) {
  for (size_t k = 0; cfg && k < cfg->nedges; k++)
    if (strcmp(cfg->edges[k].edges_file, ep->file) == 0) return k;
  return SIZE_MAX;
}

void cz_delay_tally_warn(const cz_cfg_edges *e, const cz_delay_tally *t, double h) {
  if (!t->n) return;
  const double lo = cz_net_round_delay(t->lo, cz_net_steps_per_ms(h)) * h,
               hi = cz_net_round_delay(t->hi, cz_net_steps_per_ms(h)) * h;
  char types[1200] = "";
  if (t->from_types) snprintf(types, sizeof types, " (delays from %s)", e->edge_types_file);
  char range[128] = "";
  if (t->hi != t->lo) snprintf(range, sizeof range, ", %g ms as %g ms", t->hi, hi);
  cz_log_warn("%s%s: %llu edges have delays that are not multiples of dt = %g ms; each runs with its delay rounded "
              "to the nearest step, halves up, as NEST rounds it: %g ms as %g ms%s",
              e->edges_file, types, (unsigned long long)t->n, h, t->lo, lo, range);
}

cz_status cz_net_warn_off_grid(const cz_network *net, const cz_config *cfg) {
  const size_t n = net->noffgrid < cfg->nedges ? net->noffgrid : cfg->nedges;
  uint64_t *count = cz_calloc(n + 1, sizeof *count);
  double *lo = cz_calloc(n + 1, sizeof *lo), *hi = cz_calloc(n + 1, sizeof *hi);
  double *types = cz_calloc(n + 1, sizeof *types);
  cz_status st = count && lo && hi && types ? CZ_OK : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t k = 0; st == CZ_OK && k < n; k++) {
    const cz_delay_tally *t = &net->offgrid[k];
    count[k] = t->n;
    lo[k] = t->n ? t->lo : INFINITY;
    hi[k] = t->n ? t->hi : -INFINITY;
    types[k] = t->from_types;
  }
  if (st == CZ_OK) st = cz_comm_allreduce_sum_u64_array(count, n);
  if (st == CZ_OK) st = cz_comm_allreduce_f64_array(lo, n, CZ_REDUCE_MIN);
  if (st == CZ_OK) st = cz_comm_allreduce_f64_array(hi, n, CZ_REDUCE_MAX);
  if (st == CZ_OK) st = cz_comm_allreduce_f64_array(types, n, CZ_REDUCE_MAX);
  for (size_t k = 0; st == CZ_OK && k < n; k++) {
    const cz_delay_tally all = {count[k], lo[k], hi[k], types[k] > 0};
    cz_delay_tally_warn(&cfg->edges[k], &all, net->tg.h);
  }
  free(count);
  free(lo);
  free(hi);
  free(types);
  return st;
}
