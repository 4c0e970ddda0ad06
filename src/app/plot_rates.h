/* The plots of `cadenza plot` for the rate engines:
 *
 *   cadenza plot rates RATES [-o FILE]   a rates file over time: one line per population, a
 *                                         PopNet rates file's populations as they are, a
 *                                         FilterNet rates.csv's populations as the mean over
 *                                         their units (Hz against s)
 *   cadenza plot fields CONFIG [-o FILE]  a FilterNet folder's movie, its first frame in gray
 *                                         levels, with a dot at every unit's receptive-field
 *                                         centre (two for a two-subunit unit)
 * Marks carry a class (rate, frame, field) so that their number can be checked. */
#ifndef CZ_APP_PLOT_RATES_H
#define CZ_APP_PLOT_RATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/status.h"

/* Whether path is a rates file (PopNet's or FilterNet's) rather than spikes. */
bool cz_plot_is_rates_file(const char *path);
/* Draws the rates of path into fp; *marks the number of lines. */
cz_status cz_plot_rates_file(const char *path, FILE *fp, size_t *marks);
/* Draws the first frame of config's movie and its units' fields into fp; *marks the centres. */
cz_status cz_plot_fields(const char *config, FILE *fp, size_t *marks);

#endif
