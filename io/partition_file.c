#include "io/partition_file.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/h5.h"

#define NO_RANK UINT32_MAX

/* The population's node ids, which it may not store (cz_node_id). */
static cz_status write_node_ids(cz_h5file *f, const char *path, const cz_node_pop *pop) {
  if (pop->node_id) return cz_h5_write_u64(f, path, pop->node_id, pop->n, true);
  uint64_t *ids = NULL;
  CZ_NEW(ids, pop->n ? pop->n : 1);
  for (size_t i = 0; i < pop->n; i++) ids[i] = cz_node_id(pop, i);
  cz_status st = cz_h5_write_u64(f, path, ids, pop->n, true);
  free(ids);
  return st;
}

/* The population's ranks (the gids from offset). */
static cz_status write_ranks(cz_h5file *f, const char *path, const cz_node_pop *pop, size_t offset,
                             cz_partition_ranks_fn ranks, const void *ctx) {
  uint32_t *rk = NULL;
  CZ_NEW(rk, pop->n ? pop->n : 1);
  ranks(ctx, offset, pop->n, rk);
  cz_status st = cz_h5_write_u32(f, path, rk, pop->n, true);
  free(rk);
  return st;
}

static cz_status write_contents(cz_h5file *f, const cz_circuit *c, cz_partition_ranks_fn ranks, const void *ctx,
                                uint32_t nranks, const char *method) {
  uint64_t n64 = nranks;
  CZ_TRY(cz_h5_write_u64(f, "/nranks", &n64, 1, false));
  CZ_TRY(cz_h5_write_attr_string(f, "/", "method", method));
  size_t offset = 0;
  for (size_t p = 0; p < c->nnodes; p++) {
    const cz_node_pop *pop = &c->nodes[p];
    char path[1024];
    snprintf(path, sizeof path, "/partition/%s/node_id", pop->name);
    CZ_TRY(write_node_ids(f, path, pop));
    snprintf(path, sizeof path, "/partition/%s/rank", pop->name);
    CZ_TRY(write_ranks(f, path, pop, offset, ranks, ctx));
    offset += pop->n;
  }
  return CZ_OK;
}

cz_status cz_partition_file_write(const char *path, const cz_circuit *c, cz_partition_ranks_fn ranks, const void *ctx,
                                  uint32_t nranks, const char *method) {
  char *part = NULL;
  CZ_TRY(cz_asprintf(&part, "%s.part", path));
  cz_h5file *f = NULL;
  cz_status st = cz_h5_create(part, &f);
  if (st == CZ_OK) st = write_contents(f, c, ranks, ctx, nranks, method);
  cz_status cst = cz_h5_close(&f);
  if (st == CZ_OK) st = cst;
  if (st == CZ_OK && rename(part, path) != 0) st = CZ_ERROR(CZ_ERR_OUTPUT, "cannot rename %s to %s", part, path);
  if (st != CZ_OK) remove(part);
  free(part);
  return st;
}

static cz_status read_population(cz_h5file *f, const char *path, const cz_node_pop *pop, uint32_t nranks,
                                 uint32_t *ranks) {
  char ds[1024];
  snprintf(ds, sizeof ds, "/partition/%s/node_id", pop->name);
  CZ_CHECK(cz_h5_is_dataset(f, ds), CZ_ERR_FORMAT, "%s: no placement for population %s (missing %s)", path, pop->name,
           ds);
  uint64_t *ids = NULL, *rk = NULL;
  size_t n = 0, nr = 0;
  CZ_TRY(cz_h5_read_u64(f, ds, &ids, &n));
  snprintf(ds, sizeof ds, "/partition/%s/rank", pop->name);
  cz_status st = cz_h5_read_u64(f, ds, &rk, &nr);
  if (st == CZ_OK && (n != pop->n || nr != pop->n))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: population %s has %zu nodes, the partition file places %zu", path, pop->name,
                  pop->n, n < nr ? n : nr);
  for (size_t i = 0; st == CZ_OK && i < pop->n; i++) {
    if (ids[i] != cz_node_id(pop, i))
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: /partition/%s/node_id[%zu] is %llu, the circuit has node %llu there", path,
                    pop->name, i, (unsigned long long)ids[i], (unsigned long long)cz_node_id(pop, i));
    else if (cz_node_is_virtual(pop, i))
      ranks[i] = NO_RANK;
    else if (rk[i] >= nranks)
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s[%zu] places node %llu on rank %llu, but the run has %u ranks", path, ds, i,
                    (unsigned long long)ids[i], (unsigned long long)rk[i], nranks);
    else
      ranks[i] = (uint32_t)rk[i];
  }
  free(ids);
  free(rk);
  return st;
}

cz_status cz_partition_file_read(const char *path, const cz_circuit *c, uint32_t nranks, uint32_t **rank_of_gid) {
  size_t total = 0;
  for (size_t p = 0; p < c->nnodes; p++) total += c->nodes[p].n;
  uint32_t *ranks = NULL;
  CZ_NEW(ranks, total);
  cz_h5file *f = NULL;
  uint64_t *nr = NULL;
  size_t one = 0;
  cz_status st = cz_h5_open_read(path, &f);
  if (st == CZ_OK) st = cz_h5_read_u64(f, "/nranks", &nr, &one);
  if (st == CZ_OK && (one != 1 || nr[0] != nranks))
    st = CZ_ERROR(CZ_ERR_CONFIG, "%s: the partition was made for %llu ranks, this run has %u", path,
                  one == 1 ? (unsigned long long)nr[0] : 0ULL, nranks);
  size_t offset = 0;
  for (size_t p = 0; st == CZ_OK && p < c->nnodes; p++) {
    st = read_population(f, path, &c->nodes[p], nranks, ranks + offset);
    offset += c->nodes[p].n;
  }
  free(nr);
  cz_h5_close(&f);
  if (st != CZ_OK) {
    free(ranks);
    return st;
  }
  *rank_of_gid = ranks;
  return CZ_OK;
}
