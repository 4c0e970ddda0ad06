#include "bionet/iclamp_file.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "core/stimulus/current_clamp.h"
#include "io/csv.h"

static const char *text_key(const cz_cfg_block *b, const char *key, const char *dflt) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(b->json, key);
  return cJSON_IsString(j) ? j->valuestring : dflt;
}

/* The two columns of the table as numbers. */
static cz_status read_table(const cz_cfg_block *b, const char *path, double **t, double **a, size_t *n) {
  const char *tc = text_key(b, "timestamps_column", "timestamps"), *ac = text_key(b, "amplitudes_column", "amps");
  cz_csv *tab = NULL;
  cz_status st = cz_csv_read(path, &tab);
  if (st != CZ_OK) return cz_error_prefix(st, "config: inputs.%s.file in %s", b->name, b->file);
  const int ct = cz_csv_col(tab, tc), ca = cz_csv_col(tab, ac);
  if (ct < 0 || ca < 0)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: no column %s (inputs.%s)", tab->path, ct < 0 ? tc : ac, b->name);
  if (st == CZ_OK && tab->nrows < 2)
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: a clamp table needs at least 2 rows (inputs.%s)", tab->path, b->name);
  if (st == CZ_OK && (!(*t = cz_calloc(tab->nrows, sizeof **t)) || !(*a = cz_calloc(tab->nrows, sizeof **a))))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  for (size_t r = 0; st == CZ_OK && r < tab->nrows; r++) {
    const char *cells[2] = {cz_csv_cell(tab, r, (size_t)ct), cz_csv_cell(tab, r, (size_t)ca)};
    double *dst[2] = {&(*t)[r], &(*a)[r]};
    for (int k = 0; k < 2 && st == CZ_OK; k++) {
      char *end = NULL;
      *dst[k] = cells[k] ? strtod(cells[k], &end) : NAN;
      if (!cells[k] || *end || !isfinite(*dst[k]))
        st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: \"%s\" is not a number (inputs.%s)", tab->path, r + 2,
                      cells[k] ? cells[k] : "", b->name);
    }
  }
  if (st == CZ_OK) *n = tab->nrows;
  cz_csv_destroy(&tab);
  return st;
}

static long gcd(long a, long b) {
  while (b) {
    const long r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/* BMTK's fix-up of a table that does not start at 0 (inputs-spec §7). */
static cz_status start_at_zero(const cz_cfg_block *b, const double *t, const double *a, size_t n, cz_bio_played *p) {
  const double idt = t[1] - t[0];
  if (t[0] == 0 || t[0] == idt) {
    const size_t lead = t[0] == 0 ? 0 : 1;
    CZ_NEW(p->amps, n + lead);
    memcpy(p->amps + lead, a, n * sizeof *a);
    p->n = n + lead;
    p->idt = idt;
    return CZ_OK;
  }
  const long di = (long)idt, t0 = (long)t[0];
  CZ_CHECK(di > 0 && t0 > 0, CZ_ERR_FORMAT, "%s: inputs.%s: a table starting at %g ms with steps of %g ms cannot be "
           "played (BMTK resamples on whole ms)", b->file, b->name, t[0], idt);
  if ((double)di != idt || (double)t0 != t[0])
    cz_log_warn("%s: inputs.%s: the clamp table is resampled on whole ms, as BMTK does: %g and %g ms become %ld and %ld",
                b->file, b->name, idt, t[0], di, t0);
  const long g = gcd(di, t0), rep = di / g, zeros = t0 / g;
  CZ_NEW(p->amps, (size_t)zeros + n * (size_t)rep);
  size_t k = (size_t)zeros;
  for (size_t i = 0; i < n; i++)
    for (long r = 0; r < rep; r++) p->amps[k++] = a[i];
  p->n = k;
  p->idt = (double)g;
  return CZ_OK;
}

/* An Allen sweep as BMTK's BioNet plays it: every idt ms from 0, whatever "delay" says; the
 * clamp on from "delay" for n idt 1000 ms (BMTK scales the length as if idt were in s). */
static cz_status read_sweep(const cz_config *cfg, const cz_cfg_block *b, cz_bio_played *out) {
  cz_clamp_sweep sw;
  CZ_TRY(cz_clamp_read_sweep(cfg, b, &sw));
  out->amps = sw.amps, out->n = sw.n, out->idt = sw.idt;
  sw.amps = NULL;
  out->del = sw.delay;
  out->dur = (double)sw.n * sw.idt * 1000.0;
  if (sw.delay != 0)
    cz_log_warn("%s: inputs.%s.delay: BMTK's BioNet does not shift NWB stimuli by delay: the sweep plays from 0 ms "
                "and the clamp is on from %g ms, as in BMTK", b->file, b->name, sw.delay);
  cz_clamp_sweep_free(&sw);
  CZ_CHECK(out->n > 0, CZ_ERR_FORMAT, "%s: inputs.%s: the sweep has no samples in its window", b->file, b->name);
  return CZ_OK;
}

cz_status cz_bio_played_read(const cz_config *cfg, const cz_cfg_block *b, cz_bio_played *out) {
  memset(out, 0, sizeof *out);
  if (cz_bio_played_is_sweep(b)) {
    const cz_status st = read_sweep(cfg, b, out);
    if (st != CZ_OK) cz_bio_played_free(out);
    return st;
  }
  const cJSON *f = cJSON_GetObjectItemCaseSensitive(b->json, "file");
  CZ_CHECK(cJSON_IsString(f) && f->valuestring[0], CZ_ERR_CONFIG, "config: missing key \"inputs.%s.file\" in %s",
           b->name, b->file);
  const char *sep = text_key(b, "separator", " ");
  CZ_CHECK(strcmp(sep, " ") == 0 || strcmp(sep, "\t") == 0, CZ_ERR_CONFIG,
           "config: inputs.%s.separator \"%s\": Cadenza reads space- or tab-separated clamp tables in %s", b->name, sep,
           b->file);
  double *t = NULL, *a = NULL;
  size_t n = 0;
  cz_status st = read_table(b, f->valuestring, &t, &a, &n);
  const double idt = st == CZ_OK ? t[1] - t[0] : 0;
  for (size_t i = 1; st == CZ_OK && i < n; i++)
    if (!(idt > 0) || fabs((t[i] - t[i - 1]) - idt) > 1e-9 * fmax(1.0, idt))
      st = CZ_ERROR(CZ_ERR_FORMAT, "%s: line %zu: the timestamps are not evenly spaced (inputs.%s; BMTK plays the "
                    "amplitudes at a fixed step)", f->valuestring, i + 2, b->name);
  if (st == CZ_OK) st = start_at_zero(b, t, a, n, out);
  if (st == CZ_OK) {
    out->del = 0;
    out->dur = t[n - 1];
    if (a[n - 1] != 0) { /* one step of the vector as played: BMTK adds its idt after any resampling */
      out->dur += out->idt;
      cz_log_warn("%s: inputs.%s: the clamp table ends at %g nA; the clamp stays on until %g ms, as in BMTK", b->file,
                  b->name, a[n - 1], out->dur);
    }
  }
  free(t);
  free(a);
  if (st != CZ_OK) cz_bio_played_free(out);
  return st;
}

bool cz_bio_played_is_sweep(const cz_cfg_block *b) {
  return b->input_type && (strcmp(b->input_type, "nwb") == 0 || strcmp(b->input_type, "allen") == 0);
}

bool cz_bio_played_is_file(const cz_cfg_block *b) {
  return cz_bio_played_is_sweep(b) ||
         (b->input_type && (strcmp(b->input_type, "csv") == 0 || strcmp(b->input_type, "file") == 0));
}

void cz_bio_played_free(cz_bio_played *p) {
  free(p->amps);
  memset(p, 0, sizeof *p);
}
