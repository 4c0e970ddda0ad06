/* The weight plan of a build: the distinct weights of the network, gathered while the edges
 * are scanned, choose how the tables store weights (16-bit codes into a shared table, floats
 * when exact, or doubles; network.h). Adding a weight runs per edge in the scan, so it is
 * inline here. Internal to the network build (pointnet/network*.c). Local. */
#ifndef CZ_POINTNET_WEIGHT_PLAN_H
#define CZ_POINTNET_WEIGHT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/status.h"
#include "io/circuit.h"
#include "pointnet/network.h"

typedef struct cz_weight_plan cz_weight_plan;

enum { CZ_WTAB_MAX = 65536, CZ_WHASH_CAP = 1 << 18 };

/* Open-addressing set of weights keyed by their bits, in first-seen (edge) order. */
typedef struct cz_weight_set {
  uint64_t *keys;
  int32_t *slot; /* index into table, -1 when empty */
  double *table;
  size_t n;
} cz_weight_set;

static inline uint64_t cz_weight_bits(double w) {
  uint64_t b;
  memcpy(&b, &w, sizeof b);
  return b;
}

static inline size_t cz_weight_hash(uint64_t b) {
  b ^= b >> 33;
  b *= 0xff51afd7ed558ccdULL;
  b ^= b >> 33;
  return (size_t)b & (CZ_WHASH_CAP - 1);
}

/* Code of w, adding it when new; -1 when the table is full. */
static inline int32_t cz_weight_code(cz_weight_set *ws, double w) {
  const uint64_t b = cz_weight_bits(w);
  size_t h = cz_weight_hash(b);
  while (ws->slot[h] >= 0) {
    if (ws->keys[h] == b) return ws->slot[h];
    h = (h + 1) & (CZ_WHASH_CAP - 1);
  }
  if (ws->n == CZ_WTAB_MAX) return -1;
  ws->keys[h] = b;
  ws->slot[h] = (int32_t)ws->n;
  ws->table[ws->n] = w;
  return (int32_t)ws->n++;
}

/* The distinct weights of the network, gathered range by range: a 16-bit code each while
 * there are at most CZ_WTAB_MAX (first-seen order: codes only index exact values, so the order
 * changes no sum), and whether every weight is exactly a float. The layout's weight_codes off
 * turns coding (and floats) off, so that the tests can check that every layout gives the same
 * spikes. */
struct cz_weight_plan {
  cz_weight_set ws;
  bool coding, full, floats;
};

/* Adds a weight of the network. */
static inline void cz_weight_plan_add(cz_weight_plan *w, double x) {
  if (!w->coding) return;
  if (!w->full) w->full = cz_weight_code(&w->ws, x) < 0;
  if (w->floats && (double)(float)x != x) w->floats = false;
}

void cz_weight_set_free(cz_weight_set *ws);

cz_status cz_weight_plan_init(cz_weight_plan *w, const cz_network *net);

/* Adds plan b (another thread's, over other edges) to a: b's weights after a's. */
void cz_weight_plan_merge(cz_weight_plan *a, const cz_weight_plan *b);

/* Chooses the layout: codes (net->wtab) when there are few distinct weights, else floats when
 * exact, else doubles. */
cz_status cz_weight_plan_choose(cz_weight_plan *w, cz_network *net);

/* The weight codes of population e's edges: per type when the population takes its weights
 * from its types, else per edge; NULL when not coding. */
cz_status cz_weight_codes_of(const cz_weight_plan *w, const cz_network *net, const cz_edge_pop *ep, uint16_t **codes);

#endif
