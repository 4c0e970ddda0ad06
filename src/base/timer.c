#include "base/timer.h"

#include <sys/resource.h>
#include <time.h>

static double g_acc[CZ_T_COUNT];
static double g_start[CZ_T_COUNT];

static const char *const g_names[CZ_T_COUNT] = {
    "total", "setup.config", "setup.load", "setup.build", "run",
    "run.update", "run.exchange", "run.deliver", "output",
};

double cz_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cz_timer_start(cz_region r) { g_start[r] = cz_now(); }
void cz_timer_stop(cz_region r) { g_acc[r] += cz_now() - g_start[r]; }
double cz_timer_get(cz_region r) { return g_acc[r]; }
void cz_timer_add(cz_region r, double seconds) { g_acc[r] += seconds; }
const char *cz_timer_name(cz_region r) { return g_names[r]; }

size_t cz_peak_rss_bytes(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return (size_t)ru.ru_maxrss * 1024u;
}
