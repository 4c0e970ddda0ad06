/* Manifest variables of a SONATA config file, as BMTK resolves them.
 *
 * The variables of one file are the built-ins (configdir, workingdir, configfname, time, date,
 * datetime) and the entries of its "manifest" ("$NAME" or "NAME" keys; a user entry replaces
 * a built-in). Values may use other variables: they are resolved iteratively, at most 32
 * passes, and a cycle or an undefined variable is an error naming it. Then "$NAME" and
 * "${NAME}" are substituted in every string value outside "manifest" (keys never): unknown
 * variables are left as they are, and a string that is exactly one variable whose value is
 * not a string takes that typed value. */
#ifndef CZ_IO_CONFIG_MANIFEST_H
#define CZ_IO_CONFIG_MANIFEST_H

#include "base/status.h"

struct cJSON;

/* Builds the variables of the config file path (folder dir) from root's manifest and
 * substitutes them into root in place. Local. */
cz_status cz_cfg_manifest_apply(struct cJSON *root, const char *path, const char *dir);

#endif
