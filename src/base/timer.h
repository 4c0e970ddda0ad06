/* Wall-clock timers for named phases, hardware counters on the same phases, and process
 * memory figures.
 *
 * Phases nest as their names say: total holds the setup.*, run and output phases (and the
 * short gaps between them), run holds the run.* phases. Each process times itself; the
 * figures across ranks and threads are combined by the caller (app/timing.h). */
#ifndef CZ_BASE_TIMER_H
#define CZ_BASE_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cz_region {
  CZ_T_TOTAL = 0,
  CZ_T_SETUP_CONFIG,
  CZ_T_SETUP_LOAD,
  CZ_T_SETUP_PARTITION,
  CZ_T_SETUP_BUILD,
  CZ_T_SETUP_OUTPUT,
  CZ_T_RUN,
  CZ_T_RUN_UPDATE,
  CZ_T_RUN_DELIVER,
  CZ_T_RUN_PACK,
  CZ_T_RUN_WAIT,
  CZ_T_RUN_TRANSFER,
  CZ_T_RUN_REPORT,
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
/* "setup.load", "run.exchange.wait", ... */
const char *cz_timer_name(cz_region r);
/* The region that contains r (CZ_T_TOTAL for top-level phases, CZ_T_COUNT for total). */
cz_region cz_timer_parent(cz_region r);

/* Hardware counters (PAPI, when the build has it): cycles, instructions and level-1 data
 * cache misses of the calling thread, accumulated on the regions started and stopped by
 * that same thread after cz_hw_init (a run starts them just before the time loop). */
enum { CZ_HW_NCOUNTERS = 3 };
/* Starts counting; false when the build has no PAPI or the machine exposes no counters, with
 * the reason in *why (borrowed). Call once, from the thread that times the regions. */
bool cz_hw_init(const char **why);
bool cz_hw_available(void);
const char *cz_hw_counter_name(int k); /* "cycles", "instructions", "l1_data_cache_misses" */
/* Accumulated counts of region r. */
void cz_hw_get(cz_region r, long long out[CZ_HW_NCOUNTERS]);
void cz_hw_shutdown(void);

/* Peak resident set size of this process, in bytes. */
size_t cz_peak_rss_bytes(void);

#endif
