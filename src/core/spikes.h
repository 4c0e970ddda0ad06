/* Spike records as the epoch loop moves them: emitted by an engine, exchanged between ranks,
 * delivered, recorded and written.
 *
 * A record is the update step u it was emitted in, the gid of its source, and an offset in ms
 * before the stamp u + 1 that makes its time exact (timegrid.h; 0 for engines on the grid).
 * Step and gid share one 64-bit key, step in the high half, so that the key alone orders
 * records canonically by (step, gid), and a record travels as two words (key, offset bits)
 * through the exchange (comm/spike_exchange.h). Records with equal keys (a replayed input may
 * spike twice in a step) are ordered by offset, largest first, which is time order. Steps must
 * stay below 2^31 (cz_spike_check_steps).
 *
 * An engine appends the spikes of its own cells to a per-thread list together with their
 * local ids, which the exchange needs for the send lists; the lists of the threads are merged
 * into one sorted list per epoch. */
#ifndef CZ_CORE_SPIKES_H
#define CZ_CORE_SPIKES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/status.h"

typedef struct cz_spike {
  uint64_t key;  /* step << 32 | gid */
  double offset; /* ms before the stamp */
} cz_spike;

/* The largest number of steps a run may have. */
#define CZ_SPIKE_MAX_STEPS (INT64_C(1) << 31)

static inline uint64_t cz_spike_key(int64_t step, uint32_t gid) { return (uint64_t)step << 32 | gid; }
static inline int64_t cz_spike_step(const cz_spike *s) { return (int64_t)(s->key >> 32); }
static inline uint32_t cz_spike_gid(const cz_spike *s) { return (uint32_t)s->key; }

/* Canonical order: key, then offset descending (earlier time first). */
static inline bool cz_spike_before(const cz_spike *a, const cz_spike *b) {
  return a->key < b->key || (a->key == b->key && a->offset > b->offset);
}

/* The two words of a record on the wire, and back. */
static inline void cz_spike_pack(const cz_spike *s, int64_t *w) {
  w[0] = (int64_t)s->key;
  memcpy(&w[1], &s->offset, sizeof s->offset);
}
static inline void cz_spike_unpack(const int64_t *w, cz_spike *s) {
  s->key = (uint64_t)w[0];
  memcpy(&s->offset, &w[1], sizeof s->offset);
}

/* A growable list; lid (local ids of the sources) is filled only by cz_spike_list_emit. */
typedef struct cz_spike_list {
  size_t n, cap, cap_lid;
  cz_spike *s;
  uint32_t *lid;
} cz_spike_list;

/* Appends a spike of local cell lid (gid) emitted in step u. Local; one thread per list. */
cz_status cz_spike_list_emit(cz_spike_list *l, int64_t u, uint32_t gid, uint32_t lid, double offset);
/* Appends a record. */
cz_status cz_spike_list_push(cz_spike_list *l, const cz_spike *s);
/* Room for n records in s (and in lid when with_lid). */
cz_status cz_spike_list_reserve(cz_spike_list *l, size_t n, bool with_lid);
void cz_spike_list_free(cz_spike_list *l);

/* Sorts a list in canonical order, carrying lid along when the list has them; a sorted list
 * is only read. Local. */
cz_status cz_spike_list_sort(cz_spike_list *l);
/* Sorts records in canonical order. */
void cz_spike_sort(cz_spike *s, size_t n);

/* Merges k sorted lists into out (emptied first; lids carried along), in canonical order;
 * equal records keep the order of the lists. Local. */
cz_status cz_spike_lists_merge(const cz_spike_list *const *lists, size_t k, cz_spike_list *out);
/* Merges two sorted runs into out (room for na + nb). */
void cz_spike_merge2(const cz_spike *a, size_t na, const cz_spike *b, size_t nb, cz_spike *out);

/* CZ_ERR_CONFIG when a run of nsteps steps is too long for the records. */
cz_status cz_spike_check_steps(int64_t nsteps);

#endif
