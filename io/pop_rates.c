#include "io/pop_rates.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "io/part_file.h"
#include "io/spikes_out.h"

typedef struct table {
  const uint64_t *type_id;
  size_t npop;
  const double *rates;
  size_t ntimes;
  double dt;
} table;

static cz_status write_lines(FILE *fp, const char *part, const void *pv) {
  (void)part;
  const table *tb = pv;
  char t[40], r[40];
  for (size_t p = 0; p < tb->npop; p++)
    for (size_t n = 0; n < tb->ntimes; n++) {
      cz_spikes_format_time(0.0 + (double)n * tb->dt, t, sizeof t);
      cz_spikes_format_time(tb->rates[p * tb->ntimes + n], r, sizeof r);
      fprintf(fp, "%llu %s %s\n", (unsigned long long)tb->type_id[p], t, r);
    }
  return CZ_OK;
}

cz_status cz_pop_rates_write(const char *path, const uint64_t *type_id, size_t npop, const double *rates,
                             size_t ntimes, double dt) {
  const table tb = {type_id, npop, rates, ntimes, dt};
  return cz_part_write_text(path, write_lines, &tb);
}

/* Parses one line into three numbers; false when it is not "<whole> <number> <number>". */
static bool parse_line(const char *s, uint64_t *id, double *t, double *r) {
  char *end = NULL;
  const double v = strtod(s, &end);
  if (end == s || !(v >= 0 && v < 1.8e19) || v != floor(v)) return false;
  *id = (uint64_t)v;
  s = end;
  *t = strtod(s, &end);
  if (end == s) return false;
  s = end;
  *r = strtod(s, &end);
  if (end == s) return false;
  while (*end == ' ' || *end == '\t' || *end == '\r') end++;
  return *end == '\0' || *end == '\n';
}

static bool blank(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r') s++;
  return *s == '\0' || *s == '\n';
}

cz_status cz_pop_rates_read(const char *path, cz_pop_rates *out) {
  memset(out, 0, sizeof *out);
  char *text = NULL;
  size_t len = 0, cap = 0;
  CZ_TRY(cz_read_file(path, &text, &len));
  cz_status st = CZ_OK;
  size_t line = 1;
  for (char *s = text; st == CZ_OK && *s; line++) {
    char *e = strchr(s, '\n');
    if (e) *e = '\0';
    if (!blank(s)) {
      if (out->n == cap) {
        cap = cap ? 2 * cap : 1024;
        uint64_t *id = realloc(out->type_id, cap * sizeof *id);
        if (id) out->type_id = id;
        double *t = realloc(out->t, cap * sizeof *t), *r = t ? realloc(out->rate, cap * sizeof *r) : NULL;
        if (t) out->t = t;
        if (r) out->rate = r;
        if (!id || !t || !r) st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
      }
      if (st == CZ_OK && !parse_line(s, &out->type_id[out->n], &out->t[out->n], &out->rate[out->n]))
        st = CZ_ERROR(CZ_ERR_FORMAT, "%s:%zu: not a rates line \"<node_type_id> <time> <rate>\"", path, line);
      out->n += st == CZ_OK;
    }
    s = e ? e + 1 : s + strlen(s);
  }
  free(text);
  if (st != CZ_OK) cz_pop_rates_free(out);
  return st;
}

void cz_pop_rates_free(cz_pop_rates *r) {
  free(r->type_id);
  free(r->t);
  free(r->rate);
  memset(r, 0, sizeof *r);
}

bool cz_pop_rates_sniff(const char *path) {
  FILE *fp = fopen(path, "r");
  if (!fp) return false;
  char buf[512];
  bool yes = false;
  while (fgets(buf, sizeof buf, fp)) {
    if (blank(buf)) continue;
    uint64_t id;
    double t, r;
    yes = parse_line(buf, &id, &t, &r);
    break;
  }
  fclose(fp);
  return yes;
}
