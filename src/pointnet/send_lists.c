/* cz_net_connect (network.h): the global delays and the send lists (send sets of ranks). */
#include "pointnet/network.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "comm/comm.h"
#include "core/placement.h"

/* The setup-time exchange of "target data": every rank tells the owner of each neuron it
 * receives synapses from that it needs that neuron's spikes; the owners turn the requests
 * into send lists. A request names a neuron by its place among its owner's neurons in gid
 * order (its ordinal), and travels in a record of 64 of them: (requesting rank << 32 | word,
 * bits of the ordinals 64 word .. 64 word + 63 asked for). On many ranks a rank needs nearly
 * every neuron of the network, so that one record per neuron would cost 16 bytes per gid of
 * the network three times over (sent, received, kept); words cost 2 bits per gid. */
typedef struct request_words {
  size_t *count;  /* [nranks] records to each owner */
  int64_t *rec;   /* [2 * total] owner by owner */
  size_t total;
} request_words;

/* Whether any of this rank's synapses comes from gid. */
static bool has_local_synapses(const cz_network *net, size_t gid) {
  size_t slot;
  return cz_sources_slot(&net->sources, gid, &slot);
}

static void request_words_free(request_words *q) {
  free(q->count);
  free(q->rec);
}

/* The records of this rank's requests: two walks over the gids in order, one counting the
 * words per owner, one writing them; ord[r] is the ordinal of the next neuron of rank r. */
static cz_status request_words_build(const cz_network *net, const cz_placement *placement, request_words *q) {
  const size_t nr = (size_t)net->nranks;
  uint64_t *ord = NULL, *last = NULL;
  size_t *next = NULL;
  CZ_NEW(q->count, nr);
  CZ_NEW(ord, nr);
  CZ_NEW(last, nr); /* 1 + the word of the last record to each owner, 0: none yet */
  size_t hint = 0;
  for (size_t g = 0; g < net->ncircuit_gids; g++) {
    const uint32_t r = cz_placement_rank_walk(placement, g, &hint);
    if (r == CZ_NO_RANK) continue;
    const uint64_t o = ord[r]++;
    if (r == (uint32_t)net->rank || !has_local_synapses(net, g) || last[r] == o / 64 + 1) continue;
    last[r] = o / 64 + 1;
    q->count[r]++;
  }
  for (size_t r = 0; r < nr; r++) q->total += q->count[r];
  cz_status st = (next = cz_calloc(nr, sizeof *next)) && (q->rec = cz_calloc(2 * q->total + 2, sizeof *q->rec))
                     ? CZ_OK
                     : CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t r = 1; st == CZ_OK && r < nr; r++) next[r] = next[r - 1] + q->count[r - 1];
  if (st == CZ_OK) {
    memset(ord, 0, nr * sizeof *ord);
    memset(last, 0, nr * sizeof *last);
  }
  for (size_t g = 0; st == CZ_OK && g < net->ncircuit_gids; g++) {
    const uint32_t r = cz_placement_rank_walk(placement, g, &hint);
    if (r == CZ_NO_RANK) continue;
    const uint64_t o = ord[r]++;
    if (r == (uint32_t)net->rank || !has_local_synapses(net, g)) continue;
    if (last[r] != o / 64 + 1) { /* a new word */
      last[r] = o / 64 + 1;
      const size_t j = next[r]++;
      q->rec[2 * j] = (int64_t)((uint64_t)net->rank << 32 | o / 64);
    }
    int64_t *bits = &q->rec[2 * (next[r] - 1) + 1];
    *bits = (int64_t)((uint64_t)*bits | UINT64_C(1) << (o % 64));
  }
  free(next);
  free(ord);
  free(last);
  return st;
}

/* This rank's neurons by ordinal (gid order): nid_by_ord[o]. */
static cz_status neurons_by_ordinal(const cz_network *net, uint32_t **out) {
  CZ_NEW(*out, net->N + 1);
  size_t o = 0;
  for (size_t g = 0; g < net->ncircuit_gids; g++) {
    const uint32_t nid = cz_gidmap_lid(&net->gm, g);
    if (nid != CZ_NO_NID) (*out)[o++] = nid;
  }
  return CZ_OK;
}

/* A request record must come from a rank and name words of this rank's neurons only. */
static cz_status check_request(const cz_network *net, const int64_t *rec, size_t word_limit) {
  const uint64_t w = (uint64_t)rec[0] & UINT32_MAX, r = (uint64_t)rec[0] >> 32;
  CZ_CHECK(r < (uint64_t)net->nranks && w < word_limit, CZ_ERR_INTERNAL,
           "rank %llu asked for the spikes of neurons %llu.. of rank %d, which has %zu", (unsigned long long)r,
           (unsigned long long)(64 * w), net->rank, net->N);
  CZ_CHECK(w + 1 < word_limit || net->N % 64 == 0 || ((uint64_t)rec[1] >> (net->N % 64)) == 0, CZ_ERR_INTERNAL,
           "rank %llu asked for the spikes of a neuron beyond the %zu of rank %d", (unsigned long long)r, net->N,
           net->rank);
  return CZ_OK;
}

/* Counts (add: adds) the ranks of the request words in the send sets of the neurons they ask
 * for. */
static void visit_requests(cz_rank_sets *sets, const int64_t *req, size_t nreq, const uint32_t *nid_by_ord, bool add) {
  for (size_t i = 0; i < nreq; i++) {
    const uint32_t rank = (uint32_t)((uint64_t)req[2 * i] >> 32);
    for (uint64_t b = (uint64_t)req[2 * i + 1]; b; b &= b - 1) {
      const uint64_t o = ((uint64_t)req[2 * i] & UINT32_MAX) * 64 + (uint64_t)__builtin_ctzll(b);
      if (add)
        cz_rank_sets_add(sets, nid_by_ord[o], rank);
      else
        cz_rank_sets_count(sets, nid_by_ord[o]);
    }
  }
}

/* Send sets from the request words. They arrive grouped by requesting rank in rank order, so
 * each neuron's ranks are added in ascending order, as a list of ranks wants them. */
static cz_status build_send_lists(cz_network *net, const int64_t *req, size_t nreq) {
  const size_t words = (net->N + 63) / 64;
  uint32_t *nid_by_ord = NULL;
  CZ_TRY(neurons_by_ordinal(net, &nid_by_ord));
  cz_status st = CZ_OK;
  for (size_t i = 0; i < nreq && st == CZ_OK; i++) st = check_request(net, &req[2 * i], words);
  if (st == CZ_OK) st = cz_rank_sets_begin(&net->send, net->N, (uint32_t)net->nranks);
  if (st == CZ_OK) visit_requests(&net->send, req, nreq, nid_by_ord, false);
  if (st == CZ_OK) st = cz_rank_sets_lay_out(&net->send);
  if (st == CZ_OK) visit_requests(&net->send, req, nreq, nid_by_ord, true);
  if (st == CZ_OK) st = cz_rank_sets_finish(&net->send);
  free(nid_by_ord);
  return st;
}

/* Sends this rank's request words and builds its send lists from those it receives. */
static cz_status exchange_requests(cz_network *net, const cz_placement *placement) {
  request_words q = {NULL, NULL, 0};
  int64_t *recv = NULL;
  size_t nrecv = 0;
  cz_status st = request_words_build(net, placement, &q);
  st = cz_comm_agree(st); /* no rank may enter the exchange while another has failed */
  if (st == CZ_OK) st = cz_comm_alltoall_records(q.rec, q.count, 2, &recv, &nrecv);
  request_words_free(&q);
  if (st == CZ_OK) st = build_send_lists(net, recv, nrecv);
  free(recv);
  return st;
}

/* One line of the tables' bytes (rank 0's): per synapse, per source seen here, per gid. */
static void log_memory(const cz_network *net) {
  cz_net_mem m;
  cz_net_memory(net, &m);
  const double nsyn = m.nsyn ? (double)m.nsyn : 1.0, nslot = m.nslot ? (double)m.nslot : 1.0;
  cz_log_info("Synapse tables: %zu synapses from %zu sources of %zu gids; %.2f bytes per synapse in the tables, "
              "%.2f in the thread indexes (%.2f per source); %.2f bytes per gid in the source table, %.2f in the gid "
              "map; send lists %zu bytes",
              m.nsyn, m.nslot, m.ngid, (double)(m.synapses + m.plastic) / nsyn, (double)m.index / nsyn, (double)m.index / nslot,
              m.ngid ? (double)m.sources / (double)m.ngid : 0.0, m.ngid ? (double)m.gid_map / (double)m.ngid : 0.0,
              m.send_lists);
}

cz_status cz_net_connect(cz_network *net, const cz_placement *placement) {
  int64_t lo = net->min_delay, hi = net->max_delay;
  CZ_TRY(cz_comm_allreduce_min_i64(&lo));
  CZ_TRY(cz_comm_allreduce_max_i64(&hi));
  if (hi == 0) lo = hi = 1; /* no synapses anywhere */
  net->min_delay = (int32_t)lo;
  net->tg.min_delay = net->min_delay;
  if (net->max_delay == 0) net->max_delay = 1;
  cz_status st = net->nranks == 1 || !placement ? CZ_OK : exchange_requests(net, placement);
  if (st == CZ_OK) log_memory(net);
  return st;
}
