#include "pointnet/weight_plan.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void cz_weight_set_free(cz_weight_set *ws) {
  free(ws->keys);
  free(ws->slot);
  free(ws->table);
}

cz_status cz_weight_plan_init(cz_weight_plan *w, const cz_network *net) {
  memset(w, 0, sizeof *w);
  w->coding = net->layout.weight_codes;
  w->floats = w->coding;
  if (!w->coding) return CZ_OK;
  w->ws.keys = cz_calloc(CZ_WHASH_CAP, sizeof *w->ws.keys);
  w->ws.slot = cz_calloc(CZ_WHASH_CAP, sizeof *w->ws.slot);
  w->ws.table = cz_calloc(CZ_WTAB_MAX, sizeof *w->ws.table);
  CZ_CHECK(w->ws.keys && w->ws.slot && w->ws.table, CZ_ERR_NOMEM, "out of memory");
  for (size_t h = 0; h < CZ_WHASH_CAP; h++) w->ws.slot[h] = -1;
  return CZ_OK;
}

void cz_weight_plan_merge(cz_weight_plan *a, const cz_weight_plan *b) {
  if (!a->coding) return;
  a->floats = a->floats && b->floats;
  a->full = a->full || b->full;
  for (size_t i = 0; i < b->ws.n && !a->full; i++) a->full = cz_weight_code(&a->ws, b->ws.table[i]) < 0;
}

/* The code of a weight already in the set (0 for one that is not: a type no edge uses). */
static uint16_t weight_code_of(const cz_weight_set *ws, double w) {
  const uint64_t b = cz_weight_bits(w);
  for (size_t h = cz_weight_hash(b); ws->slot[h] >= 0; h = (h + 1) & (CZ_WHASH_CAP - 1))
    if (ws->keys[h] == b) return (uint16_t)ws->slot[h];
  return 0;
}

cz_status cz_weight_plan_choose(cz_weight_plan *w, cz_network *net) {
  if (w->coding && !w->full) {
    net->nwtab = w->ws.n;
    CZ_NEW(net->wtab, w->ws.n + 1);
    memcpy(net->wtab, w->ws.table, w->ws.n * sizeof *net->wtab);
  } else {
    net->wfloat = w->coding && w->floats;
  }
  return CZ_OK;
}

cz_status cz_weight_codes_of(const cz_weight_plan *w, const cz_network *net, const cz_edge_pop *ep, uint16_t **codes) {
  *codes = NULL;
  if (!net->nwtab) return CZ_OK;
  const size_t n = ep->weight ? ep->n : ep->ntypes;
  CZ_NEW(*codes, n + 1);
  for (size_t i = 0; i < n; i++) (*codes)[i] = weight_code_of(&w->ws, ep->weight ? ep->weight[i] : ep->types[i].weight);
  return CZ_OK;
}
