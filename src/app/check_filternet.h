/* `cadenza check` of a FilterNet folder: the config's movie input and evaluation options, then
 * every unit built on the movie as a run builds it on one rank (parameters, filter JSON files,
 * kernels, the receptive fields on the screen), without playing the movie. Prints the units and
 * the movie's size. */
#ifndef CZ_APP_CHECK_FILTERNET_H
#define CZ_APP_CHECK_FILTERNET_H

#include <stddef.h>

#include "io/config.h"

/* Checks cfg (a FilterNet folder), printing each error as one "error:" line. Returns the
 * number of errors. */
size_t cz_check_filternet(const cz_config *cfg);

#endif
