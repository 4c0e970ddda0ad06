#include "io/filter_rates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "io/h5.h"
#include "io/part_file.h"
#include "io/spikes_out.h"

static cz_status write_csv(FILE *fp, const char *part, const void *pv) {
  (void)part;
  const cz_filter_rates *r = pv;
  fputs("node_id population timestamps firing_rates\r\n", fp);
  char t[40], f[40];
  for (size_t p = 0; p < r->npops; p++)
    for (size_t c = r->pop_first[p]; c < r->pop_first[p + 1]; c++)
      for (size_t k = 0; k < r->ntimes; k++) {
        cz_spikes_format_time(r->times[k], t, sizeof t);
        cz_spikes_format_time(r->rates[c * r->ntimes + k], f, sizeof f);
        fprintf(fp, "%llu %s %s %s\r\n", (unsigned long long)r->node_id[c], r->pop_names[p], t, f);
      }
  return CZ_OK;
}

cz_status cz_filter_rates_write_csv(const char *path, const cz_filter_rates *r) {
  return cz_part_write_text(path, write_csv, r);
}

static cz_status write_pop(cz_h5file *f, const cz_filter_rates *r, size_t p, bool compress) {
  const size_t first = r->pop_first[p], n = r->pop_first[p + 1] - first, nt = r->ntimes;
  char base[512], path[600];
  snprintf(base, sizeof base, "/firing_rates/%s", r->pop_names[p]);
  snprintf(path, sizeof path, "%s/node_id", base);
  CZ_TRY(cz_h5_write_u64(f, path, r->node_id + first, n, compress));
  snprintf(path, sizeof path, "%s/times", base);
  CZ_TRY(cz_h5_write_f64(f, path, r->times, nt, compress));
  double *m = cz_calloc(nt * n + 1, sizeof *m);
  CZ_CHECK(m, CZ_ERR_NOMEM, "out of memory");
  for (size_t c = 0; c < n; c++)
    for (size_t k = 0; k < nt; k++) m[k * n + c] = r->rates[(first + c) * nt + k];
  snprintf(path, sizeof path, "%s/firing_rates_Hz", base);
  const cz_status st = cz_h5_write_f64_matrix(f, path, m, nt, n, compress);
  free(m);
  return st;
}

cz_status cz_filter_rates_write_h5(const char *path, const cz_filter_rates *r, bool compress) {
  char *part = NULL;
  CZ_TRY(cz_part_path(path, &part));
  cz_h5file *f = NULL;
  cz_status st = cz_h5_create(part, &f);
  if (st == CZ_OK) st = cz_h5_create_group(f, "/firing_rates");
  for (size_t p = 0; st == CZ_OK && p < r->npops; p++) st = write_pop(f, r, p, compress);
  const cz_status cst = f ? cz_h5_close(&f) : CZ_OK;
  if (st == CZ_OK) st = cst;
  if (st == CZ_OK) st = cz_part_commit(part, path);
  if (st != CZ_OK) remove(part);
  free(part);
  return st;
}
