/* nwb_sweep: writes an Allen Cell Types style NWB 1 file holding one sweep's stimulus, a
 * current step, for tests of NWB current-clamp inputs.
 *
 *   nwb_sweep OUT.nwb SWEEP RATE_HZ LENGTH_S AMP_A ON_S OFF_S
 *     /epochs/SWEEP/stimulus/timeseries/data: LENGTH_S * RATE_HZ samples, AMP_A amperes for
 *     samples in [ON_S, OFF_S) seconds and 0 elsewhere; .../starting_time with attribute rate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/h5.h"

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: nwb_sweep OUT.nwb SWEEP RATE_HZ LENGTH_S AMP_A ON_S OFF_S\n");
    return 2;
  }
  const double rate = atof(argv[3]), length = atof(argv[4]), amp = atof(argv[5]), on = atof(argv[6]),
               off = atof(argv[7]);
  const size_t n = (size_t)llround(length * rate);
  double *data = calloc(n ? n : 1, sizeof *data);
  if (!data) return 1;
  const size_t i_on = (size_t)llround(on * rate), i_off = (size_t)llround(off * rate);
  for (size_t i = i_on; i < i_off && i < n; i++) data[i] = amp;
  char ds[512], st_path[512];
  snprintf(ds, sizeof ds, "/epochs/%s/stimulus/timeseries/data", argv[2]);
  snprintf(st_path, sizeof st_path, "/epochs/%s/stimulus/timeseries/starting_time", argv[2]);
  cz_h5file *h = NULL;
  const double zero = 0.0;
  cz_status st = cz_h5_create(argv[1], &h);
  if (st == CZ_OK) st = cz_h5_write_f64(h, ds, data, n, true);
  if (st == CZ_OK) st = cz_h5_write_f64(h, st_path, &zero, 1, false);
  if (st == CZ_OK) st = cz_h5_write_attr_f64(h, st_path, "rate", rate);
  if (h && cz_h5_close(&h) != CZ_OK && st == CZ_OK) st = CZ_ERR_IO;
  free(data);
  if (st != CZ_OK) {
    fprintf(stderr, "nwb_sweep: %s\n", cz_error_message());
    return 1;
  }
  return 0;
}
