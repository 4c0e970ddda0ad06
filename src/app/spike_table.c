#include "app/spike_table.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

cz_status cz_spike_table_of(const cz_timegrid *tg, const cz_gidmap *gm, const cz_circuit *c, const cz_spike *recs,
                            size_t n, cz_spike_table *t) {
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
    cz_gidmap_locate(gm, cz_spike_gid(&recs[i]), &pop, &row);
    t->pop[i] = (uint32_t)pop;
    t->node_ids[i] = cz_node_id(&c->nodes[pop], row);
    t->timestamps[i] = cz_timegrid_spike_ms(tg, cz_spike_step(&recs[i]) + 1, recs[i].offset);
  }
  return CZ_OK;
}

void cz_spike_table_free(cz_spike_table *t) {
  free(t->pop);
  free(t->node_ids);
  free(t->timestamps);
  free((void *)t->pop_names);
}


cz_status cz_spike_records_unpack(const int64_t *words, size_t n, cz_spike **out) {
  CZ_NEW(*out, n + 1);
  for (size_t i = 0; i < n; i++) cz_spike_unpack(&words[2 * i], &(*out)[i]);
  return CZ_OK;
}
