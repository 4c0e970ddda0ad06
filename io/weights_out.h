/* The weight recorder's table (BMTK's weight_recorder CSV): space separated, header
 * "source_node_id source_population target_node_id target_population time_ms weights
 * receptors ports", one row per recorded spike passing a synapse, numbers as Python writes
 * them (floats in their shortest round-trip form). Written as "<name>.part" and renamed into
 * place when complete. */
#ifndef CZ_IO_WEIGHTS_OUT_H
#define CZ_IO_WEIGHTS_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

typedef struct cz_weight_row {
  uint64_t source_node_id, target_node_id;
  const char *source_population, *target_population; /* borrowed */
  double time_ms, weight;
  int receptor;
  uint64_t port;
} cz_weight_row;

cz_status cz_weights_write_csv(const char *path, const cz_weight_row *rows, size_t n);

#endif
