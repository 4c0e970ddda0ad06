/* The placement map: which rank simulates each gid (CZ_NO_RANK for virtual nodes, which no
 * rank simulates), in a form sized by the placement's structure rather than by the network.
 *
 * Every rank keeps the map for the whole run, so a rank per gid would grow every rank's memory
 * with the whole network (4 bytes a gid: 44 MiB at 11.5 million gids), not with its share.
 * The map is therefore a sorted list of runs of consecutive gids whenever the placement has
 * few of them. A run is a stretch of virtual nodes, a stretch of neurons on one rank (block
 * placement, by count or by cost), or a stretch of neurons dealt to the ranks in turn
 * (round-robin: gid first + k on rank (rank of first + k) mod nranks; a stretch of virtual
 * nodes in between starts a new run, since virtual nodes take no turn). Block and round-robin
 * thus take O(ranks + populations) runs. Any other placement (METIS, a partition file,
 * round-robin weighted by unequal costs) is a table: 2 bytes a gid when the rank count fits
 * in 16 bits, 4 bytes otherwise. The map picks its form from the ranks it is given (runs while
 * they take at most an eighth of the table's bytes), so that no caller needs to know which it
 * holds, and answers for every gid exactly the rank it was given.
 *
 * A run is found by binary search. A caller that walks the gids in ascending order keeps a
 * hint (the run of its last answer), which makes each step O(1). */
#ifndef CZ_CORE_PLACEMENT_MAP_H
#define CZ_CORE_PLACEMENT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

#define CZ_NO_RANK UINT32_MAX

typedef enum cz_placement_form {
  CZ_PLACEMENT_RUNS,    /* runs of gids */
  CZ_PLACEMENT_TABLE16, /* a uint16 per gid, UINT16_MAX for virtual nodes */
  CZ_PLACEMENT_TABLE32  /* a uint32 per gid, CZ_NO_RANK for virtual nodes */
} cz_placement_form;

/* Gids [first, the next run's first): on rank, or dealt (gid first + k on rank
 * (rank + k) mod nranks); rank CZ_NO_RANK for a stretch of virtual nodes. */
typedef struct cz_place_run {
  uint64_t first;
  uint32_t rank;
  uint32_t dealt; /* 0 or 1 */
} cz_place_run;

typedef struct cz_placement {
  cz_placement_form form;
  uint32_t nranks;
  size_t ngid;
  size_t nruns;
  cz_place_run *runs; /* owned; RUNS: [nruns], first ascending, runs[0].first 0 */
  uint16_t *rank16;   /* owned; TABLE16: [ngid] */
  uint32_t *rank32;   /* owned; TABLE32: [ngid] */
} cz_placement;

/* The rank of each gid in turn: called for gids 0, 1, ..., ngid - 1 in that order, once
 * each (so ctx may keep a cursor); each answer a rank below nranks or CZ_NO_RANK. */
typedef uint32_t (*cz_placement_rank_fn)(void *ctx, size_t gid);

/* The map of ngid gids on nranks ranks (at least 1) that rank_of gives, in its smallest form.
 * A rank out of range is CZ_ERR_INTERNAL. Owned (*out; cz_placement_free). Local. */
cz_status cz_placement_make(size_t ngid, uint32_t nranks, cz_placement_rank_fn rank_of, void *ctx, cz_placement *out);
/* The same from a table of a rank per gid (borrowed, [ngid]). Local. */
cz_status cz_placement_from_table(const uint32_t *rank_of_gid, size_t ngid, uint32_t nranks, cz_placement *out);

/* Rank 0's map on every rank: the other ranks' *pl must be zeroed on entry and receive it.
 * Every rank must call it (agree first where rank 0 may have failed to make its map).
 * Collective. */
cz_status cz_placement_bcast(cz_placement *pl);

void cz_placement_free(cz_placement *pl);

/* The rank of gid (below pl->ngid): a rank, or CZ_NO_RANK for a virtual node. Thread-safe. */
uint32_t cz_placement_rank(const cz_placement *pl, size_t gid);
/* The same for a walk over ascending gids: *hint (caller-owned, 0 before the first call) keeps
 * the walk's position, so each step costs O(1). Any gid order gives the right answer; only
 * the speed depends on it. */
uint32_t cz_placement_rank_walk(const cz_placement *pl, size_t gid, size_t *hint);
/* Whether rank simulates gid. */
static inline bool cz_placement_holds(const cz_placement *pl, uint32_t rank, size_t gid) {
  return cz_placement_rank(pl, gid) == rank;
}

/* The ranks of gids [first, first + n) into out (caller-owned, [n]). */
void cz_placement_fill(const cz_placement *pl, size_t first, size_t n, uint32_t *out);

/* The bytes the map holds (its arrays). */
size_t cz_placement_bytes(const cz_placement *pl);

#endif
