/* Delays as NEST takes them: converted to whole steps, halves up, and those that are no whole
 * number of steps tallied per networks.edges entry, for one warning each (NEST rounds them
 * without a word). The conversions run per edge in the passes of the build, so they are inline
 * here. Internal to the network build (pointnet/network*.c). Local. */
#ifndef CZ_POINTNET_NETWORK_DELAYS_H
#define CZ_POINTNET_NETWORK_DELAYS_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/circuit.h"
#include "io/config.h"
#include "pointnet/network.h"

/* NEST's steps per ms (Time::Range::STEPS_PER_MS), the inverse of the step h in ms. A delay
 * in steps is the delay times this, not the delay over h: the two differ in the last bit for
 * some delays, and a delay of exactly half a step more than a whole number (0.15 ms with a
 * step of 0.1 ms) then rounds the other way. */
static inline double cz_net_steps_per_ms(double h) { return 1.0 / h; }

/* A delay in steps as NEST converts it (Time::delay_ms_to_steps): the nearest whole number of
 * steps, halves up. NaN and negatives come out as 0 and anything longer than the tables hold
 * as 65536, both out of a synapse's range, so no conversion overflows. */
static inline double cz_net_round_delay(double delay_ms, double per_ms) {
  const double x = floor(delay_ms * per_ms + 0.5);
  if (!(x >= 0.0)) return 0.0;
  return x > 65536.0 ? 65536.0 : x;
}

/* cz_net_round_delay where it is 1 to 65535 steps, else 0 (NaN included): truncation is floor on
 * that range, and far cheaper per edge than floor() on a generic x86-64 build. */
static inline int32_t cz_net_steps_in_range(double r) {
  const double x = r + 0.5;
  return x >= 1.0 && x < 65536.0 ? (int32_t)x : 0;
}
static inline int32_t cz_net_delay_steps_in_range(double delay_ms, double per_ms) {
  return cz_net_steps_in_range(delay_ms * per_ms);
}

/* Whether a delay of r steps before rounding, rounded to d, is no whole number of steps: NEST
 * rounds it without a word. The tolerance keeps float32 delays of whole steps on the grid. */
#define CZ_NET_OFF_GRID_REL 1e-6
static inline bool cz_net_off_grid(double r, int32_t d) {
  return fabs(r - (double)d) > CZ_NET_OFF_GRID_REL * (double)d;
}

static inline void cz_delay_tally_add(cz_delay_tally *t, double delay_ms, bool from_types) {
  if (!t->n || delay_ms < t->lo) t->lo = delay_ms;
  if (!t->n || delay_ms > t->hi) t->hi = delay_ms;
  t->n++;
  t->from_types = t->from_types || from_types;
}

void cz_delay_tally_merge(cz_delay_tally *into, const cz_delay_tally *t);

/* The networks.edges entry of an edge population, or SIZE_MAX. */
size_t cz_net_edges_entry(const cz_config *cfg, const cz_edge_pop *ep);

/* One line per networks.edges entry whose delays NEST rounds: the file, how many, and what the
 * rounding makes of the least and the greatest of them. */
void cz_delay_tally_warn(const cz_cfg_edges *e, const cz_delay_tally *t, double h);

#endif
