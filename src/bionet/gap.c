#include "bionet/gap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "bionet/mechanisms/mech_math.h"

cz_status cz_gap_add(cz_gap *s, uint32_t node, double g, uint64_t slot, uint64_t partner_gid) {
  CZ_CHECK(isfinite(g) && g >= 0, CZ_ERR_CONFIG, "Gap: conductance %g µS must be a number >= 0", g);
  if (s->n == s->cap) {
    const size_t cap = s->cap ? 2 * s->cap : 16;
    CZ_TRY(cz_resize((void **)&s->node, cap, sizeof *s->node));
    CZ_TRY(cz_resize((void **)&s->g, cap, sizeof *s->g));
    CZ_TRY(cz_resize((void **)&s->vgap, cap, sizeof *s->vgap));
    CZ_TRY(cz_resize((void **)&s->i, cap, sizeof *s->i));
    CZ_TRY(cz_resize((void **)&s->slot, cap, sizeof *s->slot));
    CZ_TRY(cz_resize((void **)&s->partner_gid, cap, sizeof *s->partner_gid));
    s->cap = cap;
  }
  const size_t k = s->n++;
  s->node[k] = node;
  s->g[k] = g;
  s->vgap[k] = s->i[k] = 0;
  s->slot[k] = slot;
  s->partner_gid[k] = partner_gid;
  return CZ_OK;
}

void cz_gap_free(cz_gap *s) {
  free(s->node);
  free(s->g);
  free(s->vgap);
  free(s->i);
  free(s->slot);
  free(s->partner_gid);
  memset(s, 0, sizeof *s);
}

void cz_gap_current(cz_gap *s, cz_cable *c) {
  for (size_t k = 0; k < s->n; k++) {
    const uint32_t i = s->node[k];
    const double g = s->g[k], v = c->v[i], scale = 100.0 / c->area[i];
    const double i_dv = g * (v + CZ_NRN_DV - s->vgap[k]), i_v = g * (v - s->vgap[k]);
    s->i[k] = i_v;
    c->rhs[i] -= i_v * scale;
    c->d[i] += (i_dv - i_v) / CZ_NRN_DV * scale;
  }
}

size_t cz_gap_bytes(const cz_gap *s) { return s->cap * (sizeof *s->node + 3 * sizeof(double) + 2 * sizeof(uint64_t)); }
