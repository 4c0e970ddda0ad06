/* Wall-clock timers for named phases, and process memory figures. */
#ifndef CZ_BASE_TIMER_H
#define CZ_BASE_TIMER_H

#include <stddef.h>

typedef enum cz_region {
  CZ_T_TOTAL = 0,
  CZ_T_SETUP_CONFIG,
  CZ_T_SETUP_LOAD,
  CZ_T_SETUP_BUILD,
  CZ_T_RUN,
  CZ_T_RUN_UPDATE,
  CZ_T_RUN_EXCHANGE,
  CZ_T_RUN_DELIVER,
  CZ_T_OUTPUT,
  CZ_T_COUNT
} cz_region;

/* Seconds since an arbitrary fixed point (monotonic). */
double cz_now(void);

void cz_timer_start(cz_region r);
void cz_timer_stop(cz_region r);
/* Accumulated seconds of a region. */
double cz_timer_get(cz_region r);
/* Adds seconds measured elsewhere to a region. */
void cz_timer_add(cz_region r, double seconds);
const char *cz_timer_name(cz_region r);

/* Peak resident set size of this process, in bytes. */
size_t cz_peak_rss_bytes(void);

#endif
