/* What the detailed-cell engine accepts of a config, before anything is built.
 *
 * The time grid: dt positive, tstop a whole number of steps no more than the spike records
 * hold. Inputs: spikes (modules sonata, h5, hdf5, csv, nwb; ecephys_probe units of NWB 2
 * files, core/stimulus/ecephys.h), current clamps (module IClamp,
 * input_type current_clamp, or csv and file tables), voltage clamps (module SEClamp),
 * spontaneous synapses (syn_activity), replayed spikes (replay) and an imposed extracellular
 * field (comsol, or stimulating electrodes: xstim). Reports: the membrane
 * family and netcon_report (bionet/reports.h), extracellular (bionet/ecp.h) and clamp_report
 * (bionet/clamp_report.h) and save_synapses (bionet/save_synapses.h); spikes_report and
 * weight_recorder are left to the output keys and PointNet, as BMTK's BioNet skips them with a
 * warning, and so does Cadenza for a module nobody knows. Any other input is refused naming
 * the block, so that no run silently drops what its config asks for. */
#ifndef CZ_BIONET_MODULES_H
#define CZ_BIONET_MODULES_H

#include "base/status.h"
#include "io/config.h"

/* CZ_OK when the engine runs cfg as it is; otherwise one error naming the file and the key.
 * Local. */
cz_status cz_bionet_check_config(const cz_config *cfg);

#endif
