#include "core/spikes.h"

#include <stdlib.h>

#include "base/mem.h"

cz_status cz_spike_list_reserve(cz_spike_list *l, size_t n, bool with_lid) {
  CZ_RESERVE(l->s, l->cap, n);
  if (with_lid) CZ_RESERVE(l->lid, l->cap_lid, n);
  return CZ_OK;
}

cz_status cz_spike_list_emit(cz_spike_list *l, int64_t u, uint32_t gid, uint32_t lid, double offset) {
  if (l->n == l->cap || l->n == l->cap_lid) CZ_TRY(cz_spike_list_reserve(l, l->n + 1, true));
  l->s[l->n] = (cz_spike){cz_spike_key(u, gid), offset};
  l->lid[l->n] = lid;
  l->n++;
  return CZ_OK;
}

cz_status cz_spike_list_push(cz_spike_list *l, const cz_spike *s) {
  if (l->n == l->cap) CZ_RESERVE(l->s, l->cap, l->n + 1);
  l->s[l->n++] = *s;
  return CZ_OK;
}

void cz_spike_list_free(cz_spike_list *l) {
  free(l->s);
  free(l->lid);
  memset(l, 0, sizeof *l);
}

static int cmp_spike(const void *pa, const void *pb) {
  const cz_spike *a = pa, *b = pb;
  return cz_spike_before(a, b) ? -1 : cz_spike_before(b, a) ? 1 : 0;
}

void cz_spike_sort(cz_spike *s, size_t n) {
  if (n > 1) qsort(s, n, sizeof *s, cmp_spike);
}

typedef struct with_lid {
  cz_spike s;
  uint32_t lid;
} with_lid;

static int cmp_with_lid(const void *pa, const void *pb) {
  const with_lid *a = pa, *b = pb;
  return cmp_spike(&a->s, &b->s);
}

static bool is_sorted(const cz_spike *s, size_t n) {
  for (size_t i = 1; i < n; i++)
    if (cz_spike_before(&s[i], &s[i - 1])) return false;
  return true;
}

cz_status cz_spike_list_sort(cz_spike_list *l) {
  if (is_sorted(l->s, l->n)) return CZ_OK;
  if (!l->lid) {
    cz_spike_sort(l->s, l->n);
    return CZ_OK;
  }
  with_lid *w = NULL;
  CZ_NEW(w, l->n);
  for (size_t i = 0; i < l->n; i++) w[i] = (with_lid){l->s[i], l->lid[i]};
  qsort(w, l->n, sizeof *w, cmp_with_lid);
  for (size_t i = 0; i < l->n; i++) {
    l->s[i] = w[i].s;
    l->lid[i] = w[i].lid;
  }
  free(w);
  return CZ_OK;
}

/* A linear scan over the heads: the lists are one per thread, a handful. */
cz_status cz_spike_lists_merge(const cz_spike_list *const *lists, size_t k, cz_spike_list *out) {
  size_t total = 0;
  bool lids = false;
  for (size_t j = 0; j < k; j++) {
    total += lists[j]->n;
    lids |= lists[j]->lid != NULL && lists[j]->n > 0;
  }
  out->n = 0;
  CZ_TRY(cz_spike_list_reserve(out, total + 1, lids));
  size_t head[64], *h = k <= 64 ? head : NULL;
  if (!h) CZ_NEW(h, k);
  for (size_t j = 0; j < k; j++) h[j] = 0;
  for (size_t i = 0; i < total; i++) {
    size_t best = k;
    for (size_t j = 0; j < k; j++)
      if (h[j] < lists[j]->n && (best == k || cz_spike_before(&lists[j]->s[h[j]], &lists[best]->s[h[best]])))
        best = j;
    out->s[i] = lists[best]->s[h[best]];
    if (lids) out->lid[i] = lists[best]->lid ? lists[best]->lid[h[best]] : UINT32_MAX;
    h[best]++;
  }
  out->n = total;
  if (h != head) free(h);
  return CZ_OK;
}

void cz_spike_merge2(const cz_spike *a, size_t na, const cz_spike *b, size_t nb, cz_spike *out) {
  size_t i = 0, j = 0, k = 0;
  while (i < na && j < nb) out[k++] = cz_spike_before(&b[j], &a[i]) ? b[j++] : a[i++];
  while (i < na) out[k++] = a[i++];
  while (j < nb) out[k++] = b[j++];
}

cz_status cz_spike_check_steps(int64_t nsteps) {
  CZ_CHECK(nsteps < CZ_SPIKE_MAX_STEPS, CZ_ERR_CONFIG,
           "the run has %lld steps; at most %lld fit the spike records (a longer step or a shorter run)",
           (long long)nsteps, (long long)CZ_SPIKE_MAX_STEPS - 1);
  return CZ_OK;
}
