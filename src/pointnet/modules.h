/* What the point engine accepts of a simulation config, beyond what the config reader checks
 * (io/config.h): NEST's time grid, PointNet's start time, and the input and report modules
 * it runs.
 *
 * - dt must be a whole number of NEST tics (0.001 ms, NEST's default resolution).
 * - run.tstart must be 0: PointNet always simulates from 0 ms and ignores run.tstart, so a
 *   run from another start would silently differ from BMTK's.
 * - Inputs: spikes (modules sonata, h5, hdf5, csv, nwb; ecephys_probe units from NWB 2
 *   files, core/stimulus/ecephys.h), IClamp, poisson and replay (a Cadenza extension:
 *   pointnet/replay.h, which checks its keys against the circuit). BMTK's PointNet
 *   warns about other modules and runs without them, which changes the run silently; here an
 *   enabled block with another module is refused, with a message saying whether it is a BMTK
 *   input Cadenza does not have yet or an unknown one, and how to run without it.
 * - Reports: membrane_report, multimeter_report, multimeter, netcon_report (a multimeter on
 *   the cells, as BMTK's PointNet reads it), weight_recorder and spikes_report (taken by the
 *   config reader); the other BMTK report modules (syn_report, syn_weight, extracellular,
 *   clamp_report, save_synapses) are refused the same way, as BMTK's PointNet aborts on them.
 *
 * The checks run once the folder is known to be a point network (app/engine_kind.h), so that
 * a folder for another engine gets that engine's refusal instead. All are Local. */
#ifndef CZ_POINTNET_MODULES_H
#define CZ_POINTNET_MODULES_H

#include "base/status.h"
#include "io/config.h"

/* CZ_ERR_CONFIG naming run.dt (CZ_ERR_ARG naming --dt when the command line set it) when dt is
 * not a whole number of NEST tics. */
cz_status cz_pointnet_check_dt(const cz_config *cfg);

/* CZ_ERR_CONFIG naming run.tstart when it is not 0. */
cz_status cz_pointnet_check_start(const cz_config *cfg);

/* CZ_ERR_CONFIG naming the block when an enabled input or report has a module the point
 * engine does not run; CZ_OK for a disabled block. */
cz_status cz_pointnet_check_input(const cz_config *cfg, const cz_cfg_block *b);
cz_status cz_pointnet_check_report(const cz_config *cfg, const cz_cfg_block *b);

/* All of the above in that order, inputs before reports: the first refusal. */
cz_status cz_pointnet_check_config(const cz_config *cfg);

#endif
