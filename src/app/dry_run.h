/* `cadenza dry-run`: one process builds rank r's share of an R-rank run and reports its memory,
 * without the other ranks, so that the memory of one rank can be studied for any R on one
 * machine (NEST's and Arbor's dry-run modes do the same).
 *
 *   cadenza dry-run --ranks R --rank r [--threads T] [--partition block|round-robin|FILE] [--json]
 *                   (CONFIG.json|FOLDER | hpc [--scale S] [--seed N] [--stdp])
 *
 * Where the network has files (a SONATA folder), the share is read from them as a run reads it:
 * the nodes whole, and only the edges onto rank r's neurons (the streamed build). For the HPC
 * benchmark the share is drawn straight from the generator instead (tools/hpc.h), whose edges
 * are keyed by (seed, target): the same edges the folder's file would hold for those targets,
 * without writing files that reach terabytes at a thousand ranks. The dry run then writes the
 * benchmark's small files (config, types, nodes, an edge file with no edges) to a temporary
 * folder and feeds the build from the generator in batches (cz_net_build_read), so memory holds
 * the tables plus a batch, as in a run.
 *
 * Placement: block or round-robin for R ranks, computed here as every rank of a run would
 * compute it; or a partition file. METIS needs the whole graph, so the dry run refuses it.
 *
 * What is built and what is estimated. The point engine's tables (cz_net_build's neuron
 * groups, gid map and synapse tables of every thread) are built for real, with rank r and R
 * ranks. The collective completion (cz_net_connect) is not: the minimum delay is this share's,
 * and the send lists, which need every other rank's requests, are estimated from the mean
 * in-degree (each neuron's targets spread at random over the ranks). Inputs, reports, the
 * simulation loop's buffers and the spike exchange are not built.
 *
 * Reported: neurons and synapses of the share, the bytes of each table, bytes per synapse and
 * per source, the process's peak resident memory (VmHWM), and a digest of the tables that is
 * the same for the same share whichever way it was read. */
#ifndef CZ_APP_DRY_RUN_H
#define CZ_APP_DRY_RUN_H

#include "base/status.h"

/* argv[0] is "dry-run". Prints the report to stdout (one JSON object with --json). Bad usage
 * is CZ_ERR_ARG. Must run as a single process. */
cz_status cz_app_dry_run(int argc, char **argv);

#endif
