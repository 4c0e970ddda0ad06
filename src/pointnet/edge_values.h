/* A synapse's weight and delay from the SONATA edge columns, as BMTK's PointNet gives them to
 * NEST: weight = nsyns * syn_weight (nsyns 1 when absent; BMTK's built-in weight functions
 * give the same), a syn_weight is required, and the delay is the delay column, NEST's default
 * 1.0 ms when absent. nsyns must be a count (>= 0) and the delay positive.
 *
 * The circuit reader delivers the columns as the files give them (io/circuit.h: NAN where
 * absent); cz_edge_values_view makes a view of a loaded population, or of a streamed batch,
 * whose weight and delay (per edge, or per type when no edge group has synapse columns) are
 * the engine's values. Every edge is checked, in order, and the first that fails is named by
 * its row in its file. A view of an ids_only load carries no values and is not checked. */
#ifndef CZ_POINTNET_EDGE_VALUES_H
#define CZ_POINTNET_EDGE_VALUES_H

#include <stddef.h>

#include "base/status.h"
#include "io/circuit.h"

/* The buffers of a view, reused from one view to the next (zero-initialise; one per thread). */
typedef struct cz_edge_values {
  double *weight, *delay;
  size_t cap;
  cz_edge_type *types;
  size_t ntypes_cap;
} cz_edge_values;

/* *view: raw with the engine's weights and delays (borrowed from raw and v, valid until v is
 * used again or freed). Local; thread-safe with distinct v. */
cz_status cz_edge_values_view(const cz_edge_pop *raw, cz_edge_values *v, cz_edge_pop *view);
void cz_edge_values_free(cz_edge_values *v);

/* The weight and delay of edge i of a view. */
static inline double cz_edge_weight(const cz_edge_pop *e, size_t i) {
  return e->weight ? e->weight[i] : e->types[e->type[i]].weight;
}
static inline double cz_edge_delay(const cz_edge_pop *e, size_t i) {
  return e->delay ? e->delay[i] : e->types[e->type[i]].delay;
}

/* The NEST synapse model an edge type names: its model_template without a leading "nest:",
 * static_synapse when it names none. Borrowed. */
const char *cz_syn_model_name(const cz_syn_model *s);

#endif
