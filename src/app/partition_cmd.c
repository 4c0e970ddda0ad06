#include "app/partition_cmd.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"
#include "engine/placement.h"
#include "io/circuit.h"
#include "io/config.h"
#include "io/partition_file.h"

/* Neurons per rank, for the closing line. */
static cz_status print_balance(const cz_circuit *c, const uint32_t *rank_of_gid, int nranks) {
  size_t *count = NULL, total = 0, gid = 0;
  CZ_NEW(count, (size_t)nranks);
  for (size_t p = 0; p < c->nnodes; p++)
    for (size_t i = 0; i < c->nodes[p].n; i++, gid++)
      if (rank_of_gid[gid] != CZ_NO_RANK) {
        count[rank_of_gid[gid]]++;
        total++;
      }
  size_t lo = total, hi = 0;
  for (int r = 0; r < nranks; r++) {
    if (count[r] < lo) lo = count[r];
    if (count[r] > hi) hi = count[r];
  }
  printf("cadenza: %zu neurons on %d ranks: %zu to %zu per rank\n", total, nranks, lo, hi);
  free(count);
  return CZ_OK;
}

cz_status cz_app_partition(const char *config_path, int nranks, cz_partition_method method, const char *out_path) {
  cz_config *cfg = NULL;
  cz_circuit *c = NULL;
  uint32_t *ranks = NULL;
  cz_status st = cz_cfg_load(config_path, NULL, &cfg);
  if (st == CZ_OK) st = cz_circuit_load_nodes(cfg, &c);
  if (st == CZ_OK) st = cz_place_nodes(c, cfg, nranks, method, 1, &ranks);
  if (st == CZ_OK) st = cz_partition_file_write(out_path, c, ranks, (uint32_t)nranks, cz_partition_method_name(method));
  if (st == CZ_OK) st = print_balance(c, ranks, nranks);
  if (st == CZ_OK) printf("cadenza: wrote the %s partition to %s\n", cz_partition_method_name(method), out_path);
  free(ranks);
  cz_circuit_destroy(&c);
  cz_cfg_destroy(&cfg);
  return st;
}
