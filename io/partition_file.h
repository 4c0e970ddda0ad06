/* Partition files: a precomputed placement of neurons on ranks that runs can reuse
 * (`cadenza partition CONFIG --ranks N -o FILE`, then `cadenza run CONFIG --partition FILE`).
 *
 * Layout (HDF5): dataset /nranks (uint64, one value), root attribute `method` (string); one group
 * /partition/<population> per node population of the circuit, with datasets `node_id`
 * (uint64, the population's node ids in row order) and `rank` (uint32, the rank of each node;
 * 0xFFFFFFFF for virtual nodes, which no rank simulates). */
#ifndef CZ_IO_PARTITION_FILE_H
#define CZ_IO_PARTITION_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "io/circuit.h"

/* The ranks of the n gids from first (gids in circuit load order) into out ([n]): a rank, or
 * 0xFFFFFFFF for a virtual node. */
typedef void (*cz_partition_ranks_fn)(const void *ctx, size_t first, size_t n, uint32_t *out);

/* Writes the placement that ranks (with ctx, borrowed) gives to path (via .part + rename),
 * holding one population's ranks at a time. */
cz_status cz_partition_file_write(const char *path, const cz_circuit *c, cz_partition_ranks_fn ranks, const void *ctx,
                                  uint32_t nranks, const char *method);

/* Reads path for circuit c and a run on nranks ranks: every population and node must be
 * there with the same node ids, every neuron's rank must be below nranks, and the file must
 * have been made for nranks. Errors name the file and the population or dataset. Owned
 * (*rank_of_gid, [number of nodes]). Local. */
cz_status cz_partition_file_read(const char *path, const cz_circuit *c, uint32_t nranks, uint32_t **rank_of_gid);

#endif
