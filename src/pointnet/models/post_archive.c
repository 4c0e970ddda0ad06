#include "pointnet/models/post_archive.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void cz_post_archive_init(cz_post_archive *a, double tau_minus) {
  memset(a, 0, sizeof *a);
  a->last_spike = -1.0;
  a->tau_minus = tau_minus;
}

void cz_post_archive_free(cz_post_archive *a) {
  free(a->e);
  memset(a, 0, sizeof *a);
}

/* Entries no reader can still ask for: every synapse has read the entry, and the next entry
 * is already beyond the horizon, so it (not this one) answers every later trace query. */
static void drop_read_entries(cz_post_archive *a, double t_ms, double horizon_ms) {
  while (a->n - a->head > 1) {
    const cz_post_spike *front = &a->e[a->head];
    if (front->reads >= a->n_incoming && t_ms - a->e[a->head + 1].t > horizon_ms + CZ_STDP_EPS) a->head++;
    else break;
  }
  if (a->head > 0 && a->head * 2 >= a->n) { /* compact, keeping amortised O(1) appends */
    memmove(a->e, a->e + a->head, (a->n - a->head) * sizeof *a->e);
    a->n -= a->head;
    a->head = 0;
  }
}

cz_status cz_post_archive_add(cz_post_archive *a, double t_ms, double horizon_ms) {
  drop_read_entries(a, t_ms, horizon_ms);
  a->kminus = a->kminus * exp((a->last_spike - t_ms) / a->tau_minus) + 1.0;
  a->last_spike = t_ms;
  CZ_RESERVE(a->e, a->cap, a->n + 1);
  a->e[a->n++] = (cz_post_spike){t_ms, a->kminus, 0};
  return CZ_OK;
}

double cz_post_archive_kminus(const cz_post_archive *a, double t) {
  for (size_t i = a->n; i > a->head; i--) {
    const cz_post_spike *s = &a->e[i - 1];
    if (t - s->t > CZ_STDP_EPS) return s->kminus * exp((s->t - t) / a->tau_minus);
  }
  return 0.0;
}

void cz_post_archive_window(cz_post_archive *a, double t1, double t2, size_t *i0, size_t *i1) {
  size_t i = a->head;
  while (i < a->n && a->e[i].t <= t1 + CZ_STDP_EPS) i++;
  *i0 = i;
  while (i < a->n && a->e[i].t <= t2 + CZ_STDP_EPS) a->e[i++].reads++;
  *i1 = i;
}
