#include "app/compare_rates.h"

#include <math.h>
#include <stdio.h>

#include "io/filter_rates.h"
#include "io/pop_rates.h"
#include <string.h>

#define TIME_RTOL 1e-9

static bool same_row(const cz_pop_rates *e, const cz_pop_rates *a, size_t i) {
  return e->type_id[i] == a->type_id[i] && fabs(e->t[i] - a->t[i]) <= TIME_RTOL * fmax(1.0, fabs(e->t[i]));
}

static void compare(const cz_pop_rates *e, const cz_pop_rates *a, double tol, bool quiet, bool *differs) {
  if (e->n != a->n) {
    *differs = true;
    if (!quiet) printf("rates: %zu lines expected, %zu actual\n", e->n, a->n);
    return;
  }
  size_t worst = 0;
  double max_dr = 0;
  for (size_t i = 0; i < e->n; i++) {
    if (!same_row(e, a, i)) {
      *differs = true;
      if (!quiet)
        printf("rates: line %zu is population %llu at %.17g s in the expected file, %llu at %.17g s in the actual\n",
               i + 1, (unsigned long long)e->type_id[i], e->t[i], (unsigned long long)a->type_id[i], a->t[i]);
      return;
    }
    const double d = fabs(e->rate[i] - a->rate[i]);
    if (!(d <= max_dr)) max_dr = d, worst = i; /* NaN counts as worst */
  }
  if (!(max_dr <= tol)) *differs = true;
  if (!quiet && e->n)
    printf("rates: %zu lines; largest difference %.3g Hz (population %llu at %.17g s: %.17g expected, %.17g actual)\n",
           e->n, max_dr, (unsigned long long)e->type_id[worst], e->t[worst], e->rate[worst], a->rate[worst]);
}

cz_status cz_compare_rates(const char *expected, const char *actual, double tol, bool quiet, bool *differs) {
  cz_pop_rates e, a;
  CZ_TRY(cz_pop_rates_read(expected, &e));
  const cz_status st = cz_pop_rates_read(actual, &a);
  if (st == CZ_OK) compare(&e, &a, tol, quiet, differs);
  cz_pop_rates_free(&e);
  if (st == CZ_OK) cz_pop_rates_free(&a);
  return st;
}

static bool same_lgn_row(const cz_filter_rates_rows *e, const cz_filter_rates_rows *a, size_t i) {
  return e->node_id[i] == a->node_id[i] && strcmp(e->pops[e->pop[i]], a->pops[a->pop[i]]) == 0 &&
         fabs(e->t[i] - a->t[i]) <= TIME_RTOL * fmax(1.0, fabs(e->t[i]));
}

static void compare_lgn(const cz_filter_rates_rows *e, const cz_filter_rates_rows *a, double tol, bool quiet,
                        bool *differs) {
  if (e->n != a->n) {
    *differs = true;
    if (!quiet) printf("rates: %zu rows expected, %zu actual\n", e->n, a->n);
    return;
  }
  size_t worst = 0;
  double max_dr = 0;
  for (size_t i = 0; i < e->n; i++) {
    if (!same_lgn_row(e, a, i)) {
      *differs = true;
      if (!quiet)
        printf("rates: row %zu is node %llu of %s at %.17g s in the expected file, node %llu of %s at %.17g s in the "
               "actual\n", i + 1, (unsigned long long)e->node_id[i], e->pops[e->pop[i]], e->t[i],
               (unsigned long long)a->node_id[i], a->pops[a->pop[i]], a->t[i]);
      return;
    }
    const double d = fabs(e->rate[i] - a->rate[i]);
    if (!(d <= max_dr)) max_dr = d, worst = i;
  }
  if (!(max_dr <= tol)) *differs = true;
  if (!quiet && e->n)
    printf("rates: %zu rows; largest difference %.3g Hz (node %llu of %s at %.17g s: %.17g expected, %.17g actual)\n",
           e->n, max_dr, (unsigned long long)e->node_id[worst], e->pops[e->pop[worst]], e->t[worst], e->rate[worst],
           a->rate[worst]);
}

cz_status cz_compare_lgn_rates(const char *expected, const char *actual, double tol, bool quiet, bool *differs) {
  cz_filter_rates_rows e, a;
  CZ_TRY(cz_filter_rates_read_csv(expected, &e));
  const cz_status st = cz_filter_rates_read_csv(actual, &a);
  if (st == CZ_OK) compare_lgn(&e, &a, tol, quiet, differs);
  cz_filter_rates_rows_free(&e);
  if (st == CZ_OK) cz_filter_rates_rows_free(&a);
  return st;
}
