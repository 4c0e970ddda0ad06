#include "bionet/modules.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "bionet/clamp_report.h"
#include "bionet/comsol.h"
#include "bionet/ecp.h"
#include "bionet/iclamp_file.h"
#include "bionet/reports.h"
#include "bionet/save_synapses.h"
#include "bionet/xstim.h"
#include "core/spikes.h"

static const char *const SPIKE_MODULES[] = {"sonata", "h5", "hdf5", "csv", "nwb", NULL};
static const char *const MEMBRANE_REPORTS[] = {"membrane_report", "multimeter_report", "multimeter", "netcon_report",
                                                "syn_report",      "syn_weight",        NULL};

static bool name_in(const char *name, const char *const *list, bool nocase) {
  for (; name && *list; list++)
    if ((nocase ? strcasecmp(name, *list) : strcmp(name, *list)) == 0) return true;
  return false;
}

static cz_status check_input(const cz_config *cfg, const cz_cfg_block *b) {
  if (!b->enabled) return CZ_OK;
  const char *file = b->file ? b->file : cfg->path, *type = b->input_type ? b->input_type : "";
  CZ_CHECK(b->module, CZ_ERR_CONFIG, "%s: inputs.%s has no \"module\" (input_type \"%s\")", file, b->name, type);
  if (strcmp(type, "spikes") == 0 && name_in(b->module, SPIKE_MODULES, true)) return CZ_OK;
  if (strcmp(b->module, "IClamp") == 0 && (!b->input_type || strcmp(type, "current_clamp") == 0 || cz_bio_played_is_file(b)))
    return CZ_OK; /* bionet/build.h, bionet/iclamp_file.h */
  if (strcmp(type, "syn_activity") == 0 && strcmp(b->module, "syn_activity") == 0) return CZ_OK; /* bionet/syn_activity.h */
  if (strcmp(type, "syn_activity") == 0 && (strcmp(b->module, "function") == 0 || strcmp(b->module, "list") == 0))
    return CZ_ERROR(CZ_ERR_CONFIG,
                    "%s: inputs.%s: module \"%s\" runs a Python function, which Cadenza cannot run; give the times as "
                    "\"timestamps\" with \"module\": \"syn_activity\"", file, b->name, b->module);
  if (strcmp(b->module, "function") == 0)
    return CZ_ERROR(CZ_ERR_CONFIG,
                    "%s: inputs.%s: module \"function\" runs a Python function, which Cadenza cannot run; write the "
                    "spike trains to a SONATA spikes file and use \"module\": \"sonata\"", file, b->name);
  if (strcmp(b->module, "SEClamp") == 0) return CZ_OK; /* bionet/build.h */
  if (strcmp(b->module, "replay") == 0) return CZ_OK;  /* bionet/replay.h: any input_type, as BMTK */
  if (strcmp(b->module, "comsol") == 0) return CZ_OK;  /* bionet/comsol.h: any input_type, as BMTK */
  if (strcmp(b->module, "xstim") == 0) return CZ_OK;   /* bionet/xstim.h: any input_type, as BMTK */
  if (strcmp(b->module, "ecephys_probe") == 0) return CZ_OK; /* core/stimulus/ecephys.h: any input_type, as BMTK */
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: inputs.%s: input_type \"%s\" with module \"%s\" is not an input Cadenza's detailed-cell engine "
                  "runs yet (spikes from sonata, h5, csv or nwb files, or ecephys_probe units; IClamp steps, tables or NWB "
                  "sweeps; SEClamp, replay, "
                  "syn_activity, comsol, xstim); delete the block or set "
                  "\"enabled\": false to run without it",
                  file, b->name, type, b->module);
}

static cz_status check_report(const cz_config *cfg, const cz_cfg_block *b) {
  if (!b->enabled) return CZ_OK;
  const char *file = b->file ? b->file : cfg->path;
  CZ_CHECK(b->module, CZ_ERR_CONFIG, "%s: report %s does not specify the module", file, b->name);
  if (strcmp(b->module, "syn_report") == 0 || strcmp(b->module, "syn_weight") == 0)
    cz_log_warn("%s: reports.%s: BMTK 1.0.8 skips it (\"Unrecognized module %s, skipping\"); Cadenza writes %s", file,
                b->name, b->module,
                strcmp(b->module, "syn_report") == 0 ? "it as netcon_report, the guide's name for which it is"
                                    : "each synapse's NetCon weight over time in netcon_report's layout (constant: "
                                      "no BioNet synapse is plastic)");
  if (name_in(b->module, MEMBRANE_REPORTS, false) || strcmp(b->module, "extracellular") == 0 ||
      strcmp(b->module, "clamp_report") == 0 || strcmp(b->module, "save_synapses") == 0)
    return CZ_OK; /* cz_bio_reports_check, cz_bio_ecp_check and cz_bio_clamp_reports_check judge them */
  if (strcmp(b->module, "spikes_report") == 0) return CZ_OK; /* the config reader takes it (io/config.h) */
  if (strcmp(b->module, "weight_recorder") == 0)
    cz_log_warn("%s: reports.%s: weight_recorder is PointNet's weight table; BioNet skips it, as BMTK's does (use "
                "save_synapses for the weights as built)", file, b->name);
  else
    cz_log_warn("%s: reports.%s: unrecognized module %s, skipping (as BMTK's BioNet does)", file, b->name, b->module);
  return CZ_OK;
}

cz_status cz_bionet_check_config(const cz_config *cfg) {
  const char *file = cfg->run_file ? cfg->run_file : cfg->path;
  CZ_CHECK(cfg->dt > 0 && isfinite(cfg->dt), CZ_ERR_CONFIG, "config: run.dt: must be a positive number of ms in %s",
           file);
  CZ_CHECK(cfg->tstop > 0 && isfinite(cfg->tstop), CZ_ERR_CONFIG, "config: run.tstop: must be a positive number of ms in %s",
           file);
  CZ_CHECK(cfg->tstart == 0, CZ_ERR_CONFIG,
           "%s: run.tstart is %g ms; BMTK's BioNet starts at 0 ms, so a non-zero value is refused", file, cfg->tstart);
  CZ_TRY(cz_spike_check_steps((int64_t)llround(cfg->tstop / cfg->dt)));
  for (size_t i = 0; i < cfg->ninputs; i++) CZ_TRY(check_input(cfg, &cfg->inputs[i]));
  for (size_t i = 0; i < cfg->nreports; i++) CZ_TRY(check_report(cfg, &cfg->reports[i]));
  CZ_TRY(cz_bio_reports_check(cfg));
  CZ_TRY(cz_bio_clamp_reports_check(cfg));
  CZ_TRY(cz_bio_save_synapses_check(cfg));
  CZ_TRY(cz_bio_comsol_check(cfg));
  CZ_TRY(cz_bio_xstim_check(cfg));
  return cz_bio_ecp_check(cfg);
}
