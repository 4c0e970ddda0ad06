/* The placement map (contract in core/placement_map.h).
 *
 * Making it is one pass over the gids that grows the list of runs, a gid extending the last
 * run when it is on the run's rank (a plain run) or on the rank after its predecessor's (a
 * dealt run); a run of one gid is either until its second gid decides. Once the runs outgrow
 * their budget (an eighth of the table's bytes, at least 64 runs), the gids so far are written
 * into a table and the rest of the pass fills the table, so that making a map never needs
 * more than the table besides the runs that did not pay. */
#include "core/placement_map.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "comm/comm.h"

#define NO_RANK16 UINT16_MAX

/* A table's bytes per gid for nranks ranks: 16 bits while UINT16_MAX is free for virtual
 * nodes. */
static size_t table_width(uint32_t nranks) { return nranks <= NO_RANK16 ? sizeof(uint16_t) : sizeof(uint32_t); }

static size_t run_budget(size_t ngid, uint32_t nranks) {
  const size_t budget = ngid * table_width(nranks) / (8 * sizeof(cz_place_run));
  return budget > 64 ? budget : 64;
}

/* The map being made, gid by gid. */
typedef struct maker {
  cz_placement *pl;
  size_t cap;      /* runs allocated */
  size_t budget;   /* the most runs before the map becomes a table */
  uint32_t last;   /* the rank of the previous gid */
  bool decided;    /* whether the last run's kind (plain or dealt) is known: it has two gids */
} maker;

static uint32_t next_rank(uint32_t rank, uint32_t nranks) { return rank + 1 == nranks ? 0 : rank + 1; }

/* Whether gid (on rank) continues the last run; decides an undecided run's kind. */
static bool extends_last_run(maker *m, uint32_t rank) {
  cz_placement *pl = m->pl;
  if (pl->nruns == 0) return false;
  cz_place_run *run = &pl->runs[pl->nruns - 1];
  if (rank == CZ_NO_RANK || run->rank == CZ_NO_RANK) return rank == run->rank;
  if (!m->decided) {
    if (rank != run->rank && rank != next_rank(m->last, pl->nranks)) return false;
    run->dealt = rank != run->rank;
    m->decided = true;
    return true;
  }
  return rank == (run->dealt ? next_rank(m->last, pl->nranks) : run->rank);
}

static void table_set(cz_placement *pl, size_t gid, uint32_t rank) {
  if (pl->form == CZ_PLACEMENT_TABLE16) pl->rank16[gid] = rank == CZ_NO_RANK ? NO_RANK16 : (uint16_t)rank;
  else pl->rank32[gid] = rank;
}

/* The runs have outgrown their budget: the gids [0, upto) they hold go into a table. */
static cz_status runs_to_table(cz_placement *pl, size_t upto) {
  if (table_width(pl->nranks) == sizeof(uint16_t)) {
    CZ_NEW(pl->rank16, pl->ngid ? pl->ngid : 1);
  } else {
    CZ_NEW(pl->rank32, pl->ngid ? pl->ngid : 1);
  }
  size_t hint = 0;
  for (size_t g = 0; g < upto; g++) {
    const uint32_t r = cz_placement_rank_walk(pl, g, &hint);
    if (pl->rank16) pl->rank16[g] = r == CZ_NO_RANK ? NO_RANK16 : (uint16_t)r;
    else pl->rank32[g] = r;
  }
  pl->form = pl->rank16 ? CZ_PLACEMENT_TABLE16 : CZ_PLACEMENT_TABLE32;
  free(pl->runs);
  pl->runs = NULL;
  pl->nruns = 0;
  return CZ_OK;
}

static cz_status place_gid(maker *m, size_t gid, uint32_t rank) {
  cz_placement *pl = m->pl;
  CZ_CHECK(rank < pl->nranks || rank == CZ_NO_RANK, CZ_ERR_INTERNAL, "gid %zu placed on rank %u of %u", gid, rank,
           pl->nranks);
  if (pl->form != CZ_PLACEMENT_RUNS) {
    table_set(pl, gid, rank);
  } else if (!extends_last_run(m, rank)) {
    if (pl->nruns == m->budget) {
      CZ_TRY(runs_to_table(pl, gid));
      table_set(pl, gid, rank);
    } else {
      CZ_RESERVE(pl->runs, m->cap, pl->nruns + 1);
      pl->runs[pl->nruns++] = (cz_place_run){gid, rank, 0};
      m->decided = rank == CZ_NO_RANK;
    }
  }
  m->last = rank;
  return CZ_OK;
}

cz_status cz_placement_make(size_t ngid, uint32_t nranks, cz_placement_rank_fn rank_of, void *ctx, cz_placement *out) {
  memset(out, 0, sizeof *out);
  CZ_CHECK(nranks >= 1, CZ_ERR_INTERNAL, "a placement on %u ranks", nranks);
  out->form = CZ_PLACEMENT_RUNS;
  out->nranks = nranks;
  out->ngid = ngid;
  maker m = {out, 0, run_budget(ngid, nranks), 0, false};
  cz_status st = CZ_OK;
  for (size_t g = 0; st == CZ_OK && g < ngid; g++) st = place_gid(&m, g, rank_of(ctx, g));
  if (st != CZ_OK) cz_placement_free(out);
  return st;
}

static uint32_t table_rank(void *ctx, size_t gid) { return ((const uint32_t *)ctx)[gid]; }

cz_status cz_placement_from_table(const uint32_t *rank_of_gid, size_t ngid, uint32_t nranks, cz_placement *out) {
  return cz_placement_make(ngid, nranks, table_rank, (void *)(uintptr_t)rank_of_gid, out);
}

/* The array that holds the map, and its bytes. */
static void *payload(const cz_placement *pl, size_t *bytes) {
  switch (pl->form) {
  case CZ_PLACEMENT_RUNS:
    *bytes = pl->nruns * sizeof *pl->runs;
    return pl->runs;
  case CZ_PLACEMENT_TABLE16:
    *bytes = pl->ngid * sizeof *pl->rank16;
    return pl->rank16;
  default:
    *bytes = pl->ngid * sizeof *pl->rank32;
    return pl->rank32;
  }
}

/* A receiving rank's arrays for the map the header describes. */
static cz_status receive_arrays(cz_placement *pl, const uint64_t head[4]) {
  pl->form = (cz_placement_form)head[0];
  pl->nranks = (uint32_t)head[1];
  pl->ngid = (size_t)head[2];
  pl->nruns = (size_t)head[3];
  if (pl->form == CZ_PLACEMENT_RUNS) CZ_NEW(pl->runs, pl->nruns ? pl->nruns : 1);
  else if (pl->form == CZ_PLACEMENT_TABLE16) CZ_NEW(pl->rank16, pl->ngid ? pl->ngid : 1);
  else CZ_NEW(pl->rank32, pl->ngid ? pl->ngid : 1);
  return CZ_OK;
}

cz_status cz_placement_bcast(cz_placement *pl) {
  if (cz_comm_size() == 1) return CZ_OK;
  uint64_t head[4] = {(uint64_t)pl->form, pl->nranks, pl->ngid, pl->nruns};
  CZ_TRY(cz_comm_bcast_bytes(head, sizeof head));
  const cz_status st = cz_comm_agree(cz_comm_rank() == 0 ? CZ_OK : receive_arrays(pl, head));
  size_t bytes = 0;
  void *data = payload(pl, &bytes);
  return st == CZ_OK ? cz_comm_bcast_bytes(data, bytes) : st;
}

void cz_placement_free(cz_placement *pl) {
  free(pl->runs);
  free(pl->rank16);
  free(pl->rank32);
  memset(pl, 0, sizeof *pl);
}

/* The run that holds gid: the last whose first is at most gid. */
static size_t run_of(const cz_placement *pl, size_t gid) {
  size_t lo = 0, hi = pl->nruns; /* the run is in [lo, hi) */
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (pl->runs[mid].first <= gid) lo = mid;
    else hi = mid;
  }
  return lo;
}

static bool run_holds(const cz_placement *pl, size_t k, size_t gid) {
  return k < pl->nruns && pl->runs[k].first <= gid && (k + 1 == pl->nruns || gid < pl->runs[k + 1].first);
}

static uint32_t rank_in_run(const cz_placement *pl, size_t k, size_t gid) {
  const cz_place_run *run = &pl->runs[k];
  if (!run->dealt) return run->rank;
  return (uint32_t)((run->rank + (uint64_t)(gid - run->first)) % pl->nranks);
}

static uint32_t table_rank_of(const cz_placement *pl, size_t gid) {
  if (pl->form == CZ_PLACEMENT_TABLE16) return pl->rank16[gid] == NO_RANK16 ? CZ_NO_RANK : pl->rank16[gid];
  return pl->rank32[gid];
}

uint32_t cz_placement_rank(const cz_placement *pl, size_t gid) {
  if (pl->form != CZ_PLACEMENT_RUNS) return table_rank_of(pl, gid);
  return rank_in_run(pl, run_of(pl, gid), gid);
}

uint32_t cz_placement_rank_walk(const cz_placement *pl, size_t gid, size_t *hint) {
  if (pl->form != CZ_PLACEMENT_RUNS) return table_rank_of(pl, gid);
  size_t k = *hint;
  if (!run_holds(pl, k, gid)) k = run_holds(pl, k + 1, gid) ? k + 1 : run_of(pl, gid);
  *hint = k;
  return rank_in_run(pl, k, gid);
}

void cz_placement_fill(const cz_placement *pl, size_t first, size_t n, uint32_t *out) {
  size_t hint = 0;
  for (size_t i = 0; i < n; i++) out[i] = cz_placement_rank_walk(pl, first + i, &hint);
}

size_t cz_placement_bytes(const cz_placement *pl) {
  size_t bytes = 0;
  payload(pl, &bytes);
  return bytes;
}
