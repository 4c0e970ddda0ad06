#include "io/nwb_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/h5.h"

static cz_status missing_sweep(cz_h5file *f, const char *sweep) {
  char **names = NULL;
  size_t n = 0;
  char list[512] = "";
  if (cz_h5_is_group(f, "/epochs") && cz_h5_list(f, "/epochs", &names, &n) == CZ_OK) {
    size_t used = 0;
    for (size_t i = 0; i < n && i < 12 && used < sizeof list; i++)
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    if (n > 12 && used < sizeof list) snprintf(list + used, sizeof list - used, ", ... (%zu in all)", n);
    cz_h5_free_names(names, n);
  }
  cz_error_clear();
  return CZ_ERROR(CZ_ERR_FORMAT, "%s: no sweep group /epochs/%s (the file has: %s)", cz_h5_path(f), sweep,
                  list[0] ? list : "no /epochs group");
}

cz_status cz_nwb_read_sweep(const char *path, const char *sweep, double **data, size_t *n, double *rate_hz) {
  *data = NULL;
  *n = 0;
  cz_h5file *f = NULL;
  CZ_TRY(cz_h5_open_read(path, &f));
  char group[512], ds[600], start[600];
  snprintf(group, sizeof group, "/epochs/%s", sweep);
  snprintf(ds, sizeof ds, "%s/stimulus/timeseries/data", group);
  snprintf(start, sizeof start, "%s/stimulus/timeseries/starting_time", group);
  cz_status st = cz_h5_is_group(f, group) ? CZ_OK : missing_sweep(f, sweep);
  if (st == CZ_OK) st = cz_h5_read_attr_f64(f, start, "rate", rate_hz);
  if (st == CZ_OK && !(*rate_hz > 0 && isfinite(*rate_hz)))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s has sampling rate %g; it must be > 0", path, start, *rate_hz);
  if (st == CZ_OK) st = cz_h5_read_f64(f, ds, data, n);
  for (size_t i = 0; st == CZ_OK && i < *n; i++)
    if (!isfinite((*data)[i])) st = CZ_ERROR(CZ_ERR_FORMAT, "%s: %s[%zu] is not a finite number", path, ds, i);
  if (st != CZ_OK) {
    free(*data);
    *data = NULL;
    *n = 0;
  }
  cz_h5_close(&f);
  return st;
}
