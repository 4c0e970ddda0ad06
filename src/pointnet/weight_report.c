#include "pointnet/weight_report.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "comm/comm.h"
#include "io/weights_out.h"

static int cmp_events(const void *pa, const void *pb) {
  const int64_t *a = pa, *b = pb;
  const int keys[] = {0, 1, 5}; /* stamp, source gid, edge key */
  for (int k = 0; k < 3; k++)
    if (a[keys[k]] != b[keys[k]]) return a[keys[k]] < b[keys[k]] ? -1 : 1;
  return 0;
}

/* ---- ports: NEST's numbering of the recorded synapses ---------------------------------- */

/* Words per listed synapse: report index, source order key, edge key, unused (records travel
 * in pairs of words). */
enum { SYN_WORDS = 4 };

/* NEST's port of a synapse is its index in the connector of its synapse model (the copy a
 * weight_recorder report makes) on its thread, and NEST sorts each connector by source node
 * before the run; synapses of one source keep the order in which they were created. BMTK
 * (one NEST thread) creates the non-virtual nodes population by population and the spike
 * generators of virtual nodes after them, and connects edge population by population in
 * file row order. So ports number a report's synapses by (virtual source last, source gid,
 * edge population, row). */
static int64_t source_key(const cz_network *net, const cz_circuit *c, size_t gid) {
  size_t p, row;
  const bool phantom = cz_net_locate_source(net, gid, &p, &row); /* a replay's spike generator */
  return (int64_t)((uint64_t)(phantom || cz_node_is_virtual(&c->nodes[p], row) ? 1 : 0) << 40 | gid);
}

/* This rank's recorded synapses, SYN_WORDS words each. Owned (*out). */
static cz_status list_recorded(const cz_network *net, const cz_circuit *c, int64_t **out, size_t *n) {
  *out = NULL;
  *n = 0;
  size_t total = 0;
  for (int t = 0; net->plastic && t < net->nthreads; t++) total += net->plastic[t].nsyn;
  int64_t *list = NULL;
  CZ_NEW(list, (total + 1) * SYN_WORDS);
  size_t k = 0;
  for (int t = 0; net->plastic && t < net->nthreads; t++) {
    const cz_plastic *pl = &net->plastic[t];
    if (pl->nsyn == 0) continue;
    for (size_t src = 0; src < net->gm.nsrc; src++) {
      const cz_span span = cz_syn_index_span(&pl->index, src);
      for (size_t j = span.lo; j < span.hi; j++) {
        const int rec = net->syn_rec[pl->model[j]];
        if (rec < 0) continue;
        int64_t *w = &list[k++ * SYN_WORDS];
        w[0] = rec;
        w[1] = source_key(net, c, src);
        w[2] = (int64_t)pl->edge[j];
        w[3] = 0;
      }
    }
  }
  *out = list;
  *n = k;
  return CZ_OK;
}

static int cmp_creation(const void *pa, const void *pb) {
  const int64_t *a = pa, *b = pb;
  for (int k = 0; k < 3; k++)
    if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
}

static int cmp_edge(const void *pa, const void *pb) {
  const int64_t *a = pa, *b = pb;
  if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[2] != b[2]) return a[2] < b[2] ? -1 : 1;
  return 0;
}

/* Numbers every report's synapses (gathered from all ranks) in NEST's order, into word 3,
 * then orders them by (report, edge key) for port_of. */
static void number_ports(int64_t *syn, size_t n) {
  qsort(syn, n, SYN_WORDS * sizeof *syn, cmp_creation);
  int64_t port = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && syn[i * SYN_WORDS] != syn[(i - 1) * SYN_WORDS]) port = 0;
    syn[i * SYN_WORDS + 3] = port++;
  }
  qsort(syn, n, SYN_WORDS * sizeof *syn, cmp_edge);
}

static uint64_t port_of(const int64_t *syn, size_t n, int64_t rec, int64_t edge) {
  const int64_t key[SYN_WORDS] = {rec, 0, edge, 0};
  const int64_t *hit = bsearch(key, syn, n, SYN_WORDS * sizeof *syn, cmp_edge);
  return hit ? (uint64_t)hit[3] : 0; /* every recorded event's synapse is listed */
}

static void node_of(const cz_network *net, const cz_circuit *c, int64_t gid, uint64_t *id, const char **pop) {
  size_t p, row;
  cz_net_locate_source(net, (size_t)gid, &p, &row);
  *id = cz_node_id(&c->nodes[p], row);
  *pop = c->nodes[p].name;
}

static bool from_virtual(const cz_network *net, const cz_circuit *c, int64_t gid) {
  size_t p, row;
  if (cz_net_locate_source(net, (size_t)gid, &p, &row)) return true; /* a replay's spike generator */
  return cz_node_is_virtual(&c->nodes[p], row);
}

/* Report r's rows. NEST's weight_recorder records nothing that a spike generator sends, so
 * the spikes of virtual nodes pass through the recorded synapses (and change their weights)
 * without a row, as with BMTK 1.0.8 + NEST 3.8; the log says how many. */
static cz_status write_report(const cz_wrecs *w, size_t r, const cz_network *net, const cz_circuit *c,
                              const int64_t *ev, size_t nev, const int64_t *syn, size_t nsyn) {
  size_t n = 0, virt = 0;
  for (size_t i = 0; i < nev; i++) n += ev[i * CZ_WEV_WORDS + 4] / 256 == (int64_t)r;
  cz_weight_row *rows = NULL;
  CZ_NEW(rows, n ? n : 1);
  size_t k = 0;
  for (size_t i = 0; i < nev; i++) {
    const int64_t *e = &ev[i * CZ_WEV_WORDS];
    if (e[4] / 256 != (int64_t)r) continue;
    if (from_virtual(net, c, e[1])) {
      virt++;
      continue;
    }
    cz_weight_row *row = &rows[k++];
    node_of(net, c, e[1], &row->source_node_id, &row->source_population);
    node_of(net, c, e[2], &row->target_node_id, &row->target_population);
    /* NEST prints the time in whole tics with 3 decimals, and BMTK reads the text back. */
    row->time_ms = (double)(e[0] * net->tg.tics_per_step) / 1000.0;
    memcpy(&row->weight, &e[3], sizeof row->weight);
    row->receptor = (int)(e[4] % 256);
    row->port = port_of(syn, nsyn, (int64_t)r, e[5]);
  }
  if (virt)
    cz_log_info("reports.%s: %zu spikes of virtual nodes passed through recorded synapses without a row: NEST's "
                "weight_recorder records none from spike generators (as BMTK 1.0.8 with NEST 3.8)",
                w->r[r].name, virt);
  cz_status st = cz_weights_write_csv(w->r[r].path, rows, k);
  free(rows);
  return st;
}

cz_status cz_wrecs_write(const cz_wrecs *w, const cz_network *net, const cz_circuit *c, const int64_t *ev,
                         size_t nev) {
  if (w->n == 0) return CZ_OK;
  int64_t *all = NULL, *mine = NULL, *syn = NULL;
  size_t n = 0, nmine = 0, nsyn = 0;
  CZ_TRY(cz_comm_agree(list_recorded(net, c, &mine, &nmine)));
  cz_status st = cz_comm_gather_records(mine, nmine, SYN_WORDS, &syn, &nsyn);
  free(mine);
  if (st == CZ_OK) st = cz_comm_gather_records(ev, nev, CZ_WEV_WORDS, &all, &n);
  if (st == CZ_OK && cz_comm_rank() == 0) {
    number_ports(syn, nsyn);
    qsort(all, n, CZ_WEV_WORDS * sizeof *all, cmp_events);
    for (size_t r = 0; r < w->n && st == CZ_OK; r++) st = write_report(w, r, net, c, all, n, syn, nsyn);
  }
  free(all);
  free(syn);
  return cz_comm_agree(st);
}
