/* The floating-point mode around a run (core/epoch.c): the run flushes subnormal numbers to
 * zero in every thread that simulates, and gives each thread back the mode it found. After a
 * run of the Brunel network on two threads, the calling thread and the threads the OpenMP
 * runtime keeps for later regions have neither flush-to-zero nor denormals-are-zero set. */
#define _XOPEN_SOURCE 700 /* nftw, to remove the scratch folder */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cz_test.h"

#include <ftw.h>
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "app/run.h"
#include "base/log.h"
#include "comm/comm.h"
#include "tools/brunel.h"

enum { FTZ_DAZ = 0x8040 };

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

static void assert_ok(cz_status st) {
  if (st != CZ_OK) fail_msg("%s: %s", cz_status_name(st), cz_error_message());
}

#if defined(__SSE2__)
/* The FTZ and DAZ bits of every thread of a two-thread region, or-ed together. */
static unsigned region_fp_bits(void) {
  unsigned bits = 0;
#pragma omp parallel num_threads(2) reduction(| : bits)
  bits |= _mm_getcsr() & FTZ_DAZ;
  return bits;
}
#endif

static void run_leaves_fp_mode(void **state) {
  (void)state;
#if !defined(__SSE2__)
  skip();
#else
  char dir[1024], cfg[1200], out[1200];
  cz_test_tmpdir(dir, sizeof dir, "fpmode");
  cz_brunel_params p = cz_brunel_defaults();
  p.n_neurons = 200;
  p.tstop = 50;
  assert_ok(cz_generate_brunel(&p, dir));
  snprintf(cfg, sizeof cfg, "%s/config.json", dir);
  snprintf(out, sizeof out, "%s/out", dir);
  assert_int_equal(region_fp_bits(), 0); /* the threads start without the mode */
  const unsigned before = _mm_getcsr();
  assert_int_equal(before & FTZ_DAZ, 0);
  cz_run_options o;
  memset(&o, 0, sizeof o);
  o.config_path = cfg;
  o.ov.tstop = NAN;
  o.ov.dt = NAN;
  o.ov.output_dir = out;
  o.threads = 2;
  o.seed = -1;
  o.quiet = 1;
  o.partition = CZ_PARTITION_ROUND_ROBIN;
  assert_ok(cz_app_run(&o));
  assert_int_equal(_mm_getcsr(), before);
  assert_int_equal(region_fp_bits(), 0);
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
#endif
}

int main(int argc, char **argv) {
  if (cz_comm_init(&argc, &argv) != CZ_OK) return 1;
  cz_log_set_enabled(false);
  const struct CMUnitTest tests[] = {cmocka_unit_test(run_leaves_fp_mode)};
  const int rc = cmocka_run_group_tests(tests, NULL, NULL);
  cz_comm_finalize();
  return rc;
}
