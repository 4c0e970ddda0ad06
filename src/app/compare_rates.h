/* `cadenza compare` of two rates files: PopNet's (io/pop_rates.h): the same populations in the
 * same order, the same times (within 1e-9 relative: BMTK's older files print 12 digits), and
 * per population and time the rate difference, whose largest is printed with where it is. The
 * files match when it is at most the tolerance (Hz). */
#ifndef CZ_APP_COMPARE_RATES_H
#define CZ_APP_COMPARE_RATES_H

#include <stdbool.h>

#include "base/status.h"

/* Compares expected with actual; *differs is set when they do not match. Prints the verdict
 * details unless quiet. Errors only for unreadable or malformed files. */
cz_status cz_compare_rates(const char *expected, const char *actual, double tol, bool quiet, bool *differs);

/* The same for two FilterNet rates.csv files: the same rows (node, population, time within
 * 1e-9 relative) in the same order, the rates within tol (Hz). */
cz_status cz_compare_lgn_rates(const char *expected, const char *actual, double tol, bool quiet, bool *differs);

#endif
