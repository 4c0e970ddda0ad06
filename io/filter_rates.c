#include "io/filter_rates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
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

#define RATES_HEADER "node_id population timestamps firing_rates"

bool cz_filter_rates_sniff(const char *path) {
  FILE *fp = fopen(path, "r");
  if (!fp) return false;
  char buf[128] = "";
  const bool yes = fgets(buf, sizeof buf, fp) && strncmp(buf, RATES_HEADER, strlen(RATES_HEADER)) == 0;
  fclose(fp);
  return yes;
}

static cz_status intern(cz_filter_rates_rows *r, const char *name, size_t len, uint32_t *at) {
  for (size_t i = 0; i < r->npops; i++)
    if (strlen(r->pops[i]) == len && strncmp(r->pops[i], name, len) == 0) return *at = (uint32_t)i, CZ_OK;
  char **p = realloc(r->pops, (r->npops + 1) * sizeof *p);
  CZ_CHECK(p, CZ_ERR_NOMEM, "out of memory");
  r->pops = p;
  CZ_CHECK((p[r->npops] = cz_calloc(len + 1, 1)), CZ_ERR_NOMEM, "out of memory");
  memcpy(p[r->npops], name, len);
  *at = (uint32_t)r->npops++;
  return CZ_OK;
}

static cz_status parse_row(cz_filter_rates_rows *r, const char *path, size_t line, const char *s) {
  char *end = NULL;
  const unsigned long long id = strtoull(s, &end, 10);
  CZ_CHECK(end != s && *end == ' ', CZ_ERR_FORMAT, "%s:%zu: not a row \"node_id population t f\"", path, line);
  const char *name = end + 1, *sp = strchr(name, ' ');
  CZ_CHECK(sp, CZ_ERR_FORMAT, "%s:%zu: not a row \"node_id population t f\"", path, line);
  const size_t i = r->n;
  CZ_TRY(intern(r, name, (size_t)(sp - name), &r->pop[i]));
  r->node_id[i] = id;
  r->t[i] = strtod(sp, &end);
  const char *f = end;
  r->rate[i] = strtod(f, &end);
  CZ_CHECK(end != f, CZ_ERR_FORMAT, "%s:%zu: not a row \"node_id population t f\"", path, line);
  r->n++;
  return CZ_OK;
}

cz_status cz_filter_rates_read_csv(const char *path, cz_filter_rates_rows *out) {
  memset(out, 0, sizeof *out);
  char *text = NULL;
  size_t len = 0;
  CZ_TRY(cz_read_file(path, &text, &len));
  cz_status st = strncmp(text, RATES_HEADER, strlen(RATES_HEADER)) == 0
                     ? CZ_OK
                     : CZ_ERROR(CZ_ERR_FORMAT, "%s:1: no header \"" RATES_HEADER "\"", path);
  size_t rows = 0;
  for (const char *c = text; *c; c++) rows += *c == '\n';
  if (st == CZ_OK && (!(out->pop = cz_calloc(rows + 1, sizeof *out->pop)) ||
                      !(out->node_id = cz_calloc(rows + 1, sizeof *out->node_id)) ||
                      !(out->t = cz_calloc(rows + 1, sizeof *out->t)) || !(out->rate = cz_calloc(rows + 1, sizeof *out->rate))))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  char *s = strchr(text, '\n');
  size_t line = 2;
  for (s = s ? s + 1 : text + len; st == CZ_OK && *s; line++) {
    char *e = strchr(s, '\n');
    if (e) *e = '\0';
    const size_t l = strlen(s);
    if (l && s[l - 1] == '\r') s[l - 1] = '\0';
    if (*s) st = parse_row(out, path, line, s);
    s = e ? e + 1 : s + strlen(s);
  }
  free(text);
  if (st != CZ_OK) cz_filter_rates_rows_free(out);
  return st;
}

void cz_filter_rates_rows_free(cz_filter_rates_rows *r) {
  for (size_t i = 0; i < r->npops; i++) free(r->pops[i]);
  free(r->pops), free(r->pop), free(r->node_id), free(r->t), free(r->rate);
  memset(r, 0, sizeof *r);
}
