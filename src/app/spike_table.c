#include "app/spike_table.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

cz_status cz_spike_table_of(const cz_network *net, const cz_circuit *c, const int64_t *recs, size_t n,
                            cz_spike_table *t) {
  memset(t, 0, sizeof *t);
  t->n = n;
  t->npops = c->nnodes;
  const char **names = cz_calloc(c->nnodes, sizeof *names);
  t->pop = cz_calloc(n, sizeof *t->pop);
  t->node_ids = cz_calloc(n, sizeof *t->node_ids);
  t->timestamps = cz_calloc(n, sizeof *t->timestamps);
  t->pop_names = names;
  CZ_CHECK(names && t->pop && t->node_ids && t->timestamps, CZ_ERR_NOMEM, "out of memory writing %zu spikes", n);
  for (size_t p = 0; p < c->nnodes; p++) names[p] = c->nodes[p].name;
  for (size_t i = 0; i < n; i++) {
    size_t pop, row;
    cz_net_locate(net, (size_t)recs[2 * i + 1], &pop, &row);
    t->pop[i] = (uint32_t)pop;
    t->node_ids[i] = c->nodes[pop].node_id[row];
    t->timestamps[i] = (double)(recs[2 * i] * net->tics_per_step) / 1000.0;
  }
  return CZ_OK;
}

void cz_spike_table_free(cz_spike_table *t) {
  free(t->pop);
  free(t->node_ids);
  free(t->timestamps);
  free((void *)t->pop_names);
}

