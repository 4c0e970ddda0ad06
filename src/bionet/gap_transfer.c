/* Gap voltage transfer: the protocol is in gap_transfer.h. */
#include "bionet/gap_transfer.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "comm/comm.h"

typedef struct end_ref {
  uint64_t key; /* a slot, or (rank << 40 | slot) where sends are ordered */
  uint32_t t, k;
} end_ref;

struct cz_bio_gap_transfer {
  cz_gap *const *gaps;
  const cz_cable *const *cables;
  int nranks;
  size_t nlocal;
  end_ref *local_dst; /* [nlocal] the end that reads ... */
  end_ref *local_src; /* [nlocal] ... the partner end's node (k: its index in its thread's ends) */
  size_t nsend;
  end_ref *send;      /* [nsend] own ends whose partner is remote, by (rank, slot) */
  size_t *counts;     /* [nranks] records to each rank */
  int64_t *buf;       /* [2 nsend] (slot, v bits) */
  size_t nneed;
  end_ref *need;      /* [nneed] ends with a remote partner, by partner slot (key) */
  cz_comm_alltoall *a;
};

static int by_key(const void *x, const void *y) {
  const end_ref *p = x, *q = y;
  return p->key < q->key ? -1 : p->key > q->key;
}

static const end_ref *find_key(const end_ref *v, size_t n, uint64_t key) {
  const end_ref probe = {key, 0, 0};
  return bsearch(&probe, v, n, sizeof *v, by_key);
}

/* Every end of the rank by slot; a slot twice is the error of the header. */
static cz_status list_ends(cz_gap *const *gaps, int nthreads, const cz_bio_gap_table *table, end_ref **out, size_t *n) {
  size_t total = 0;
  for (int t = 0; t < nthreads; t++) total += gaps[t]->n;
  CZ_NEW(*out, total + 1);
  end_ref *e = *out;
  *n = 0;
  for (int t = 0; t < nthreads; t++)
    for (size_t k = 0; k < gaps[t]->n; k++) e[(*n)++] = (end_ref){gaps[t]->slot[k], (uint32_t)t, (uint32_t)k};
  qsort(e, total, sizeof *e, by_key);
  for (size_t i = 1; i < total; i++) {
    if (e[i].key != e[i - 1].key) continue;
    size_t row = 0;
    const char *file = cz_bio_gap_table_row(table, e[i].key >> 1, &row);
    return CZ_ERROR(CZ_ERR_FORMAT,
                    "%s: row %zu: two gap edges make this junction (one edge per pair of nodes, as one gap id names "
                    "each end)",
                    file, row);
  }
  return CZ_OK;
}

/* Splits the ends into local pairs and remote partners (sends and needs). */
static cz_status link_ends(cz_bio_gap_transfer *x, const end_ref *ends, size_t n, const cz_placement *pl, int rank) {
  CZ_NEW(x->local_dst, n + 1);
  CZ_NEW(x->local_src, n + 1);
  CZ_NEW(x->send, n + 1);
  CZ_NEW(x->need, n + 1);
  CZ_NEW(x->buf, 2 * n + 2);
  CZ_NEW(x->counts, (size_t)x->nranks + 1);
  for (size_t i = 0; i < n; i++) {
    const end_ref me = ends[i];
    const cz_gap *g = x->gaps[me.t];
    const end_ref *partner = find_key(ends, n, cz_gap_partner_slot(me.key));
    if (partner) {
      x->local_dst[x->nlocal] = me;
      x->local_src[x->nlocal++] = *partner;
      continue;
    }
    const uint32_t r = pl ? cz_placement_rank(pl, (size_t)g->partner_gid[me.k]) : 0;
    CZ_CHECK(r != CZ_NO_RANK && r != (uint32_t)rank && r < (uint32_t)x->nranks, CZ_ERR_INTERNAL,
             "gap junction end %llu: its partner on cell %llu was not built", (unsigned long long)me.key,
             (unsigned long long)g->partner_gid[me.k]);
    x->send[x->nsend++] = (end_ref){(uint64_t)r << 40 | me.key, me.t, me.k};
    x->need[x->nneed++] = (end_ref){cz_gap_partner_slot(me.key), me.t, me.k};
    x->counts[r]++;
  }
  qsort(x->send, x->nsend, sizeof *x->send, by_key);
  qsort(x->need, x->nneed, sizeof *x->need, by_key);
  return CZ_OK;
}

cz_status cz_bio_gap_transfer_create(cz_gap *const *gaps, const cz_cable *const *cables, int nthreads,
                                     const cz_placement *pl, int rank, int nranks, const cz_bio_gap_table *table,
                                     cz_bio_gap_transfer **out) {
  *out = NULL;
  end_ref *ends = NULL;
  size_t n = 0;
  cz_status st = list_ends(gaps, nthreads, table, &ends, &n);
  uint64_t total = st == CZ_OK ? n : 0;
  st = cz_comm_agree(st);
  if (st == CZ_OK) st = cz_comm_allreduce_sum_u64(&total);
  if (st != CZ_OK || total == 0) {
    free(ends);
    return st;
  }
  cz_bio_gap_transfer *x = cz_calloc(1, sizeof *x);
  if (!x) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (x) {
    x->gaps = gaps;
    x->cables = cables;
    x->nranks = nranks < 1 ? 1 : nranks;
    st = link_ends(x, ends, n, pl, rank);
  }
  if (st == CZ_OK && x->nranks > 1) st = cz_comm_alltoall_create(&x->a);
  st = cz_comm_agree(st); /* every rank leaves alike, as every rank's loop would exchange */
  free(ends);
  if (st != CZ_OK) cz_bio_gap_transfer_free(&x);
  *out = x;
  return st;
}

static double node_v(const cz_bio_gap_transfer *x, end_ref e) {
  return x->cables[e.t]->v[x->gaps[e.t]->node[e.k]];
}

static cz_status exchange(cz_bio_gap_transfer *x) {
  for (size_t i = 0; i < x->nsend; i++) {
    const double v = node_v(x, x->send[i]);
    x->buf[2 * i] = (int64_t)(x->send[i].key & ((UINT64_C(1) << 40) - 1));
    memcpy(&x->buf[2 * i + 1], &v, sizeof v);
  }
  const int64_t *recv = NULL;
  size_t nrecv = 0;
  CZ_TRY(cz_comm_alltoall_run(x->a, x->buf, x->counts, 2, &recv, &nrecv));
  for (size_t i = 0; i < nrecv; i++) {
    const end_ref *e = find_key(x->need, x->nneed, (uint64_t)recv[2 * i]);
    CZ_CHECK(e, CZ_ERR_INTERNAL, "gap junction end %lld: a voltage no end here needs", (long long)recv[2 * i]);
    memcpy(&x->gaps[e->t]->vgap[e->k], &recv[2 * i + 1], sizeof(double));
  }
  CZ_CHECK(nrecv == x->nneed, CZ_ERR_INTERNAL, "gap junctions: %zu partner voltages came, %zu expected", nrecv, x->nneed);
  return CZ_OK;
}

cz_status cz_bio_gap_transfer_run(cz_bio_gap_transfer *x) {
  for (size_t i = 0; i < x->nlocal; i++) {
    const end_ref d = x->local_dst[i], s = x->local_src[i];
    x->gaps[d.t]->vgap[d.k] = node_v(x, s);
  }
  return x->nranks > 1 ? exchange(x) : CZ_OK;
}

void cz_bio_gap_transfer_free(cz_bio_gap_transfer **px) {
  cz_bio_gap_transfer *x = *px;
  if (!x) return;
  free(x->local_dst);
  free(x->local_src);
  free(x->send);
  free(x->counts);
  free(x->buf);
  free(x->need);
  cz_comm_alltoall_destroy(&x->a);
  free(x);
  *px = NULL;
}
