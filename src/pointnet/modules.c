/* What the point engine accepts of a config; the rules are listed in modules.h. */
#include "pointnet/modules.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"

/* NEST's time resolution: dt must be a whole number of these (ms). */
#define POINT_TIC_MS 0.001
#define POINT_TIC_REL_TOL 1e-9

/* Modules of BMTK's other engines, and the PointNet ones Cadenza does not have yet. */
static const char *const OTHER_INPUT_MODULES[] = {
    "syn_activity", "SEClamp",     "xstim",            "comsol",    "movie",     "graiting",
    "grating",      "looming",     "spontaneous", "full_field_flash", "pop_rates", NULL};
static const char *const SPIKE_INPUT_MODULES[] = {"sonata", "h5", "hdf5", "csv", "nwb", NULL};
static const char *const POINT_REPORT_MODULES[] = {"membrane_report", "multimeter_report", "multimeter",
                                                   "netcon_report",   "weight_recorder",   "spikes_report", NULL};

static bool name_in(const char *name, const char *const *list) {
  for (; *list; list++)
    if (strcmp(name, *list) == 0) return true;
  return false;
}

static bool name_in_nocase(const char *name, const char *const *list) {
  for (; *list; list++)
    if (strcasecmp(name, *list) == 0) return true;
  return false;
}

cz_status cz_pointnet_check_dt(const cz_config *cfg) {
  const double dt = cfg->dt, tics = nearbyint(dt / POINT_TIC_MS);
  if (tics >= 1 && fabs(dt - tics * POINT_TIC_MS) <= POINT_TIC_REL_TOL * dt) return CZ_OK;
  const bool cli = cfg->dt_overridden || !cfg->run_file;
  return CZ_ERROR(cli ? CZ_ERR_ARG : CZ_ERR_CONFIG,
                  "config: %s: must be a multiple of %g ms, the simulation time resolution (got %.17g) in %s",
                  cli ? "--dt (command-line override)" : "run.dt", POINT_TIC_MS, dt, cli ? cfg->path : cfg->run_file);
}

cz_status cz_pointnet_check_start(const cz_config *cfg) {
  CZ_CHECK(cfg->tstart == 0, CZ_ERR_CONFIG,
           "%s: run.tstart is %g ms; BMTK PointNet always starts at 0 ms and ignores run.tstart, so a non-zero "
           "value is refused (remove it, or set it to 0)",
           cfg->path, cfg->tstart);
  return CZ_OK;
}

cz_status cz_pointnet_check_input(const cz_config *cfg, const cz_cfg_block *b) {
  if (!b->enabled) return CZ_OK;
  const char *m = b->module, *type = b->input_type ? b->input_type : "";
  const char *file = b->file ? b->file : cfg->path;
  const bool spikes = strcmp(type, "spikes") == 0, poisson = strcmp(type, "poisson") == 0;
  const char *const off = "delete the block or set \"enabled\": false to run without it";
  if (poisson || (m && strcmp(m, "IClamp") == 0) || (spikes && m && name_in_nocase(m, SPIKE_INPUT_MODULES)))
    return CZ_OK;
  if (m && strcmp(m, "ecephys_probe") == 0) return CZ_OK; /* core/stimulus/ecephys.h: any input_type, as BMTK */
  if (m && strcmp(m, "replay") == 0) return CZ_OK; /* pointnet/replay.h: a Cadenza extension, any input_type */
  if (!m) return CZ_ERROR(CZ_ERR_CONFIG, "%s: inputs.%s has no \"module\" (input_type \"%s\")", file, b->name, type);
  if (strcmp(m, "function") == 0)
    return CZ_ERROR(CZ_ERR_CONFIG,
                    "%s: inputs.%s: module \"function\" runs a Python function, which Cadenza cannot run; write the "
                    "spike trains to a SONATA spikes file and use \"module\": \"sonata\"",
                    file, b->name);
  if (name_in(m, OTHER_INPUT_MODULES) || strcmp(type, "movie") == 0)
    return CZ_ERROR(CZ_ERR_CONFIG,
                    "%s: inputs.%s: module \"%s\" (input_type \"%s\") is a BMTK input that Cadenza does not have "
                    "yet; %s",
                    file, b->name, m, type, off);
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: inputs.%s: unknown input module \"%s\" (input_type \"%s\"); Cadenza runs spikes (modules "
                  "sonata, h5, hdf5, csv, nwb, ecephys_probe), IClamp and poisson inputs; %s",
                  file, b->name, m, type, off);
}

/* The config reader has refused modules no BMTK engine knows; the others are BMTK reports. */
cz_status cz_pointnet_check_report(const cz_config *cfg, const cz_cfg_block *b) {
  if (!b->enabled || !b->module || name_in(b->module, POINT_REPORT_MODULES)) return CZ_OK;
  return CZ_ERROR(CZ_ERR_CONFIG,
                  "%s: reports.%s.module: \"%s\" is a BMTK report that Cadenza does not write yet (it writes "
                  "membrane_report, multimeter_report, multimeter and weight_recorder); delete the block or set "
                  "\"enabled\": false to run without it",
                  b->file ? b->file : cfg->path, b->name, b->module);
}

cz_status cz_pointnet_check_config(const cz_config *cfg) {
  CZ_TRY(cz_pointnet_check_dt(cfg));
  CZ_TRY(cz_pointnet_check_start(cfg));
  for (size_t i = 0; i < cfg->ninputs; i++) CZ_TRY(cz_pointnet_check_input(cfg, &cfg->inputs[i]));
  for (size_t i = 0; i < cfg->nreports; i++) CZ_TRY(cz_pointnet_check_report(cfg, &cfg->reports[i]));
  return CZ_OK;
}
