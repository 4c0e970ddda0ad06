/* Partition files: a precomputed placement of neurons on ranks that runs can reuse
 * (`cadenza partition CONFIG --ranks N -o FILE`, then `cadenza run CONFIG --partition FILE`).
 *
 * Layout (HDF5): dataset /nranks (uint64, one value), root attribute `method` (string); one group
 * /partition/<population> per node population of the circuit, with datasets `node_id`
 * (uint64, the population's node ids in row order) and `rank` (uint32, the rank of each node;
 * 0xFFFFFFFF for virtual nodes, which no rank simulates). */
#ifndef CZ_IO_PARTITION_FILE_H
#define CZ_IO_PARTITION_FILE_H

#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"

/* Writes the placement rank_of_gid (gids in circuit load order) to path (via .part + rename). */
cz_status cz_partition_file_write(const char *path, const cz_circuit *c, const uint32_t *rank_of_gid, uint32_t nranks,
                                  const char *method);

/* Reads path for circuit c and a run on nranks ranks: every population and node must be
 * there with the same node ids, every neuron's rank must be below nranks, and the file must
 * have been made for nranks. Errors name the file and the population or dataset. Owned
 * (*rank_of_gid, [number of nodes]). Local. */
cz_status cz_partition_file_read(const char *path, const cz_circuit *c, uint32_t nranks, uint32_t **rank_of_gid);

#endif
