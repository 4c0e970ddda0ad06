#include "bionet/syn_placement.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* Path distance from soma(0) to the start (x = 0) of every section: a section hangs at
 * parentx on its parent, whose start is parent_start. Parents are not always listed first (the
 * axon stub hangs from the soma but comes last), so it resolves by repeated passes. */
static void section_starts(const cz_morph *m, double *start) {
  bool *done = calloc(m->nsec, sizeof *done);
  if (!done) return;
  for (size_t left = m->nsec; left > 0;) {
    const size_t before = left;
    for (size_t s = 0; s < m->nsec; s++) {
      if (done[s]) continue;
      const int32_t p = m->parent[s];
      if (p >= 0 && !done[p]) continue;
      start[s] = p < 0 ? 0.0 : start[p] + m->parentx[s] * m->L[p];
      done[s] = true;
      left--;
    }
    if (left == before) break; /* unreachable sections (none in a built cell) */
  }
  free(done);
}

cz_status cz_seg_table_build(const cz_morph *m, const cz_bio_geom *g, cz_seg_table *t) {
  memset(t, 0, sizeof *t);
  t->n = g->nseg_total;
  double *start = NULL;
  CZ_NEW(start, m->nsec);
  cz_status st = CZ_OK;
  if (!(t->type = cz_calloc(t->n, sizeof *t->type)) || !(t->sec = cz_calloc(t->n, sizeof *t->sec)) ||
      !(t->x = cz_calloc(t->n, sizeof *t->x)) || !(t->len = cz_calloc(t->n, sizeof *t->len)) ||
      !(t->d0 = cz_calloc(t->n, sizeof *t->d0)) || !(t->d1 = cz_calloc(t->n, sizeof *t->d1)))
    st = CZ_ERROR(CZ_ERR_NOMEM, "out of memory");
  if (st == CZ_OK) section_starts(m, start);
  for (size_t s = 0; st == CZ_OK && s < m->nsec; s++) {
    const uint32_t nseg = g->nseg[s];
    const double len = m->L[s] / nseg;
    for (uint32_t k = 0; k < nseg; k++) {
      const size_t i = g->seg_off[s] + k;
      const double x = (k + 0.5) / nseg, dist = start[s] + x * m->L[s];
      t->type[i] = m->type[s];
      t->sec[i] = (uint32_t)s;
      t->x[i] = x;
      t->len[i] = len;
      t->d0[i] = dist - len / 2;
      t->d1[i] = dist + len / 2;
    }
  }
  free(start);
  if (st != CZ_OK) cz_seg_table_free(t);
  return st;
}

void cz_seg_table_free(cz_seg_table *t) {
  free(t->type);
  free(t->sec);
  free(t->x);
  free(t->len);
  free(t->d0);
  free(t->d1);
  memset(t, 0, sizeof *t);
}

int32_t cz_section_type_named(const char *name) {
  static const struct {
    const char *name;
    int32_t type;
  } names[] = {{"soma", 1}, {"somatic", 1}, {"axon", 2}, {"axonal", 2},
               {"dend", 3}, {"basal", 3},   {"apic", 4}, {"apical", 4}};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcmp(names[i].name, name) == 0) return names[i].type;
  return 0;
}

static double pairwise(const double *a, size_t n) {
  if (n < 8) {
    double res = 0.;
    for (size_t i = 0; i < n; i++) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; j++) r[j] = a[j];
    size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (int j = 0; j < 8; j++) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise(a, n2) + pairwise(a + n2, n - n2);
}

double cz_numpy_sum(const double *a, size_t n) { return pairwise(a, n); }

void cz_syn_candidates(const cz_seg_table *t, const int32_t *types, size_t ntypes, double dmin, double dmax,
                       uint32_t *cand, double *p, size_t *n) {
  size_t m = 0;
  for (size_t i = 0; i < t->n; i++) {
    bool wanted = false;
    for (size_t k = 0; k < ntypes && !wanted; k++) wanted = types[k] == t->type[i];
    if (!wanted) continue;
    const double overlap = fmax(0.0, fmin(t->d1[i], dmax) - fmax(t->d0[i], dmin)) / t->len[i];
    if (!(overlap > 0)) continue;
    cand[m] = (uint32_t)i;
    p[m++] = t->len[i] * overlap;
  }
  const double sum = cz_numpy_sum(p, m);
  for (size_t k = 0; k < m; k++) p[k] /= sum;
  *n = m;
}

/* The names of a Python list literal of strings, or of one bare name. */
static cz_status parse_sections(const char *text, const char *where, cz_syn_rule *r) {
  r->ntypes = 0;
  const char *p = text;
  while (*p == ' ' || *p == '[') p++;
  while (*p && *p != ']') {
    char name[32];
    size_t n = 0;
    const char quote = (*p == '\'' || *p == '"') ? *p++ : 0;
    while (*p && (quote ? *p != quote : (*p != ',' && *p != ']' && *p != ' ')) && n + 1 < sizeof name) name[n++] = *p++;
    name[n] = '\0';
    if (quote && *p == quote) p++;
    const int32_t t = cz_section_type_named(name);
    CZ_CHECK(t != 0 && r->ntypes < sizeof r->types / sizeof *r->types, CZ_ERR_FORMAT,
             "%s: target_sections \"%s\": \"%s\" is not a section type (soma, somatic, axon, axonal, dend, basal, "
             "apic, apical)",
             where, text, name);
    r->types[r->ntypes++] = t;
    while (*p == ' ' || *p == ',') p++;
  }
  CZ_CHECK(r->ntypes > 0, CZ_ERR_FORMAT, "%s: target_sections \"%s\" names no section type", where, text);
  return CZ_OK;
}

static cz_status parse_range(const char *text, const char *where, cz_syn_rule *r) {
  cJSON *j = cJSON_Parse(text);
  cz_status st = CZ_OK;
  if (cJSON_IsNumber(j)) {
    r->dmin = 0;
    r->dmax = j->valuedouble;
  } else if (cJSON_IsArray(j) && cJSON_GetArraySize(j) == 2 && cJSON_IsNumber(cJSON_GetArrayItem(j, 0)) &&
             cJSON_IsNumber(cJSON_GetArrayItem(j, 1))) {
    r->dmin = cJSON_GetArrayItem(j, 0)->valuedouble;
    r->dmax = cJSON_GetArrayItem(j, 1)->valuedouble;
  } else {
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: distance_range \"%s\" is not [min, max] or one number", where, text);
  }
  cJSON_Delete(j);
  if (st == CZ_OK && !(r->dmin <= r->dmax && !isnan(r->dmin)))
    st = CZ_ERROR(CZ_ERR_FORMAT, "%s: distance_range \"%s\" does not go up", where, text);
  return st;
}

cz_status cz_syn_rule_parse(const char *target_sections, const char *distance_range, const char *where, cz_syn_rule *out) {
  memset(out, 0, sizeof *out);
  CZ_CHECK(target_sections && distance_range, CZ_ERR_FORMAT,
           "%s: random synapse placement (nsyns without sec_id or afferent_section_id) needs target_sections and "
           "distance_range",
           where);
  CZ_TRY(parse_sections(target_sections, where, out));
  return parse_range(distance_range, where, out);
}
