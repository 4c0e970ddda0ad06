#include "base/timer.h"

#include <string.h>
#include <sys/resource.h>
#include <time.h>
#ifdef CADENZA_WITH_PAPI
#include <papi.h>
#endif

static double g_acc[CZ_T_COUNT];
static double g_start[CZ_T_COUNT];

static const char *const g_names[CZ_T_COUNT] = {
    "total",     "setup.config", "setup.load",        "setup.partition",       "setup.build",
    "setup.output", "run",       "run.update",        "run.deliver",           "run.exchange.pack",
    "run.exchange.wait", "run.exchange.transfer", "run.report", "output",
};

double cz_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- hardware counters ------------------------------------------------------------------- */

static bool g_hw_on;
static long long g_hw_acc[CZ_T_COUNT][CZ_HW_NCOUNTERS];
static long long g_hw_start[CZ_T_COUNT][CZ_HW_NCOUNTERS];
#ifdef CADENZA_WITH_PAPI
static int g_hw_set = PAPI_NULL;
#endif

static void hw_read(long long v[CZ_HW_NCOUNTERS]) {
  memset(v, 0, CZ_HW_NCOUNTERS * sizeof *v);
#ifdef CADENZA_WITH_PAPI
  if (g_hw_on) PAPI_read(g_hw_set, v);
#endif
}

bool cz_hw_init(const char **why) {
#ifdef CADENZA_WITH_PAPI
  static const int events[CZ_HW_NCOUNTERS] = {PAPI_TOT_CYC, PAPI_TOT_INS, PAPI_L1_DCM};
  if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT) {
    *why = "PAPI could not start";
    return false;
  }
  if (PAPI_create_eventset(&g_hw_set) != PAPI_OK) {
    *why = "PAPI could not create an event set";
    return false;
  }
  for (int k = 0; k < CZ_HW_NCOUNTERS; k++)
    if (PAPI_add_event(g_hw_set, events[k]) != PAPI_OK) {
      *why = "the machine exposes no hardware counters to PAPI (a VM, or perf_event_paranoid too high)";
      return false;
    }
  if (PAPI_start(g_hw_set) != PAPI_OK) {
    *why = "PAPI could not start counting";
    return false;
  }
  g_hw_on = true;
  return true;
#else
  *why = "this build has no PAPI";
  return false;
#endif
}

bool cz_hw_available(void) { return g_hw_on; }

const char *cz_hw_counter_name(int k) {
  static const char *const names[CZ_HW_NCOUNTERS] = {"cycles", "instructions", "l1_data_cache_misses"};
  return k >= 0 && k < CZ_HW_NCOUNTERS ? names[k] : "?";
}

void cz_hw_get(cz_region r, long long out[CZ_HW_NCOUNTERS]) {
  memcpy(out, g_hw_acc[r], CZ_HW_NCOUNTERS * sizeof *out);
}

void cz_hw_shutdown(void) {
#ifdef CADENZA_WITH_PAPI
  if (g_hw_on) {
    long long v[CZ_HW_NCOUNTERS];
    PAPI_stop(g_hw_set, v);
    PAPI_cleanup_eventset(g_hw_set);
    PAPI_destroy_eventset(&g_hw_set);
    PAPI_shutdown();
  }
#endif
  g_hw_on = false;
}

/* ---- timers -------------------------------------------------------------------------------- */

void cz_timer_start(cz_region r) {
  g_start[r] = cz_now();
  if (g_hw_on) hw_read(g_hw_start[r]);
}

void cz_timer_stop(cz_region r) {
  g_acc[r] += cz_now() - g_start[r];
  if (g_hw_on) {
    long long v[CZ_HW_NCOUNTERS];
    hw_read(v);
    for (int k = 0; k < CZ_HW_NCOUNTERS; k++) g_hw_acc[r][k] += v[k] - g_hw_start[r][k];
  }
}

double cz_timer_get(cz_region r) { return g_acc[r]; }
void cz_timer_add(cz_region r, double seconds) { g_acc[r] += seconds; }
const char *cz_timer_name(cz_region r) { return g_names[r]; }

cz_region cz_timer_parent(cz_region r) {
  if (r == CZ_T_TOTAL) return CZ_T_COUNT;
  if (r >= CZ_T_RUN_UPDATE && r <= CZ_T_RUN_REPORT) return CZ_T_RUN;
  return CZ_T_TOTAL;
}

size_t cz_peak_rss_bytes(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return (size_t)ru.ru_maxrss * 1024u;
}
