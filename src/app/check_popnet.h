/* `cadenza check` of a PopNet folder: the config's run keys and inputs, then the build of
 * every population as a run builds it on one rank (population JSON, voltage grid, matrices,
 * connections, external rates, the rates file's name), without stepping. Prints the
 * populations and connections. */
#ifndef CZ_APP_CHECK_POPNET_H
#define CZ_APP_CHECK_POPNET_H

#include <stddef.h>

#include "io/config.h"

/* Checks cfg (a PopNet folder), printing each error as one "error:" line. Returns the number
 * of errors. */
size_t cz_check_popnet(const cz_config *cfg);

#endif
