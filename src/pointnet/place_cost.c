#include "pointnet/place_cost.h"

#include <stddef.h>

static uint32_t one_update(const void *ctx, uint32_t pop, uint32_t row) {
  (void)ctx;
  (void)pop;
  (void)row;
  return 1;
}

const cz_place_cost *cz_pointnet_place_cost(void) {
  static const cz_place_cost cost = {one_update, NULL, 1};
  return &cost;
}
