/* `cadenza partition CONFIG --ranks N [--method M] -o FILE`: computes the placement of the
 * circuit's neurons on N ranks once and writes it as a partition file (io/partition_file.h)
 * that runs reuse with --partition FILE. */
#ifndef CZ_APP_PARTITION_CMD_H
#define CZ_APP_PARTITION_CMD_H

#include "base/status.h"
#include "partition/partition.h"

cz_status cz_app_partition(const char *config_path, int nranks, cz_partition_method method, const char *out_path);

#endif
